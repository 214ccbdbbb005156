import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Entry module of the interpreter workflows (compiled). */
export const workflowsEntry = require.resolve('@flowgate/workflows/dist/workflows.js');

/** Where `npm run build` writes the prebuilt workflow bundle. */
export const defaultBundlePath = join(__dirname, '..', 'dist-bundle', 'workflow-bundle.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether a prebuilt bundle exists and is newer than every compiled workflow file. */
export function bundleIsFresh(bundlePath: string): boolean {
  if (!existsSync(bundlePath)) return false;
  const workflowsDist = join(workflowsEntry, '..');
  return statSync(bundlePath).mtimeMs >= newestMtime(workflowsDist);
}
