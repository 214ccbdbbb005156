import type { ActivityContext } from './define-activity';

/**
 * Records progress now and every `intervalMs` until the returned function is called. The SDK
 * throttles what it sends to Temporal; regular heartbeats are also how a running activity learns
 * that it was cancelled (the cancellation arrives in a heartbeat response).
 */
export function keepHeartbeating(
  ctx: ActivityContext,
  details: () => unknown,
  intervalMs = 1_000,
): () => void {
  const beat = () => {
    try {
      ctx.heartbeat(details());
    } catch {
      // Outside a Temporal activity (tests with a bare context) heartbeats may be unavailable.
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The error to rethrow from a handler: when the activity was cancelled (or timed out, or its
 * worker is shutting down), the cancellation itself, so that Temporal records a cancellation and
 * not a failure of the call that was interrupted.
 */
export function cancellationOr(ctx: ActivityContext, err: unknown): unknown {
  return ctx.signal.aborted ? (ctx.signal.reason ?? err) : err;
}
