// Workflow bundle of the interpreter benchmark: Flowgate's interpreter plus the hand-written
// Temporal workflows it is compared with (same activities, same timeouts and retry policy).
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';

export * from '@flowgate/workflows/dist/workflows';

interface NoopActivities {
  'bench.noop'(input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const options = {
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
} as const;

/** Baseline: the same number of no-op activities, called in sequence by hand. */
export async function handwrittenSequential(steps: number): Promise<number> {
  const acts = proxyActivities<NoopActivities>(options);
  for (let i = 0; i < steps; i++) await acts['bench.noop']({ i });
  return steps;
}

/** Baseline for the big map: one child per chunk, each child running its items with a concurrency cap. */
export async function handwrittenFanOut(args: {
  items: number;
  chunk: number;
  concurrency: number;
}): Promise<number> {
  const chunks = Math.ceil(args.items / args.chunk);
  const perChild = Math.max(1, Math.floor(args.concurrency / chunks));
  const parent = workflowInfo().workflowId;
  const results = await Promise.all(
    Array.from({ length: chunks }, (_, c) =>
      executeChild(handwrittenChunk, {
        workflowId: `${parent}/chunk-${c}`,
        args: [
          { from: c * args.chunk, to: Math.min(args.items, (c + 1) * args.chunk), concurrency: perChild },
        ],
      }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}

export async function handwrittenChunk(args: {
  from: number;
  to: number;
  concurrency: number;
}): Promise<number> {
  const acts = proxyActivities<NoopActivities>(options);
  let next = args.from;
  let done = 0;
  const lane = async () => {
    while (next < args.to) {
      const i = next++;
      await acts['bench.noop']({ i });
      done++;
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, lane));
  return done;
}
