import { ApplicationFailure, Context } from '@temporalio/activity';

/** Activities registered by the integration tests (each under its own name, like real ones). */
export function createTestActivities() {
  const events: string[] = [];
  const calls = new Map<string, number>();
  const activities: Record<string, (args: never) => Promise<unknown>> = {
    'core.echo': async (args: unknown) => args,
    'test.add': async ({ a, b }: { a: number; b: number }) => a + b,
    'test.fail': async ({
      message,
      type,
      nonRetryable,
    }: {
      message?: string;
      type?: string;
      nonRetryable?: boolean;
    }) => {
      throw ApplicationFailure.create({
        message: message ?? 'failed on purpose',
        type: type ?? 'TestError',
        nonRetryable: nonRetryable ?? false,
      });
    },
    /** Fails the first `failures` attempts, then returns the attempt number. */
    'test.flaky': async ({ failures }: { failures: number }) => {
      const attempt = Context.current().info.attempt;
      if (attempt <= failures)
        throw ApplicationFailure.create({ message: `attempt ${attempt} fails`, type: 'Flaky' });
      return { attempt };
    },
    /** Sleeps `ms` (cancellable), recording start/finish/cancel in `events` when given a `name`. */
    'test.slow': async ({ ms, name }: { ms: number; name?: string }) => {
      if (name) events.push(`start:${name}`);
      try {
        const ctx = Context.current();
        for (let left = ms; left > 0; left -= 100) {
          ctx.heartbeat();
          await ctx.sleep(Math.min(100, left));
        }
      } catch (err) {
        if (name) events.push(`cancelled:${name}`);
        throw err;
      }
      if (name) events.push(`done:${name}`);
      return { slept: ms, name: name ?? null };
    },
    /** Appends an event (compensation order, side effects). */
    'test.record': async ({ event }: { event: string }) => {
      events.push(event);
      return { event };
    },
    /** Counts calls per key. */
    'test.count': async ({ key }: { key: string }) => {
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      return n;
    },
    'test.noop': async () => null,
  };
  return { activities, events, calls };
}
