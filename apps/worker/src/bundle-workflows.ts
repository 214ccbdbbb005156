import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger } from '@flowgate/config';
import { workflowInterceptorModules } from './observability/workflow-interceptors';
import { bundleIsFresh, defaultBundlePath, workflowsEntry } from './workflow-bundle';

/** Build step: writes the prebuilt workflow bundle the worker loads in production. */
async function main(): Promise<void> {
  const logger = createLogger('bundle-workflows');
  const out = process.env.FLOWGATE_WORKFLOW_BUNDLE ?? defaultBundlePath;
  // A bundle from before the OpenTelemetry workflow interceptors were bundled is rebuilt too.
  const hasInterceptors = () => readFileSync(out, 'utf8').includes('interceptors-opentelemetry');
  if (bundleIsFresh(out) && !process.argv.includes('--force') && hasInterceptors()) {
    logger.info({ out }, 'workflow bundle is up to date');
    return;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry,
    workflowInterceptorModules,
    logger: undefined,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  logger.info({ out, bytes: code.length }, 'workflow bundle written');
}

main().catch((err: unknown) => {
  process.stderr.write(`bundle-workflows failed: ${(err as Error).message}\n`);
  process.exit(1);
});
