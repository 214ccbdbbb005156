// Shared helpers of the benchmark scripts (temporal binary lookup, statistics).
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Temporal CLI installed by `npm run setup` (or FLOWGATE_TEMPORAL_BIN, or PATH). */
export function temporalBinary() {
  const candidates = [
    process.env.FLOWGATE_TEMPORAL_BIN,
    join(root, '.flowgate', 'tools', 'venv', 'bin', 'temporal'),
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'temporal')),
  ];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error('Temporal CLI not found: run `npm run setup`');
  return found;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The p-th percentile (nearest rank). */
export const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
