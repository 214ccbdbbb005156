import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '@flowgate/config';
import type { CircuitBreakersRepository, CircuitRecord } from '@flowgate/store';
import { decideAdmission, type CallOutcome } from './circuit-decision';

/** Error type of a call refused because its dependency's circuit is open (retryable). */
export const CIRCUIT_OPEN = 'CircuitOpen';

export interface CircuitBreakerSettings {
  /** Consecutive failures that open a closed circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one probe may go through. */
  coolDownMs: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitBreakerSettings = { failureThreshold: 5, coolDownMs: 30_000 };

export interface GuardedCall<T> {
  /** The dependency key (see httpDependency, llmDependency). */
  dependency: string;
  /** Longest the call may take: the probe lease lasts this long plus a margin. */
  timeoutMs: number;
  call: () => Promise<T>;
  /** How the call's result or error counts for the circuit. */
  classify: (result: { ok: true; value: T } | { ok: false; error: unknown }) => CallOutcome;
  /** A short description of a failure for the circuit row (no secrets, no URL paths). */
  describe?: (error: unknown) => string;
}

const PROBE_LEASE_MARGIN_MS = 5_000;

/**
 * A circuit breaker per dependency whose state lives in PostgreSQL, so that every worker shares
 * it. When the circuit is open the call is not made: the activity fails at once with a retryable
 * `CircuitOpen` failure whose next retry delay is the time until half-open. Half-open lets exactly
 * one probe through (an atomic lease); its success closes the circuit, its failure re-opens it.
 *
 * The breaker fails open: when PostgreSQL cannot be read, the call goes ahead (and is logged).
 */
export class CircuitBreaker {
  readonly settings: CircuitBreakerSettings;

  constructor(
    private readonly repo: CircuitBreakersRepository,
    settings: Partial<CircuitBreakerSettings> = {},
    private readonly logger?: Logger,
  ) {
    this.settings = { ...DEFAULT_CIRCUIT_SETTINGS, ...settings };
  }

  async run<T>(guarded: GuardedCall<T>): Promise<T> {
    const { dependency } = guarded;
    const holder = randomUUID();
    let probe = false;
    try {
      const admission = decideAdmission(await this.repo.get(dependency));
      if (admission.kind === 'reject') throw circuitOpen(dependency, admission.state, admission.retryInMs);
      if (admission.kind === 'probe') {
        const lease = await this.repo.tryAcquireProbe(
          dependency,
          holder,
          guarded.timeoutMs + PROBE_LEASE_MARGIN_MS,
        );
        if (!lease.acquired) {
          const again = decideAdmission(lease.current);
          // Someone else took the probe (or closed the circuit meanwhile).
          if (again.kind === 'reject') throw circuitOpen(dependency, again.state, again.retryInMs);
          if (again.kind === 'probe') throw circuitOpen(dependency, 'half_open', 100);
        } else {
          probe = true;
          this.logger?.info({ dependency }, 'circuit half-open: probing');
        }
      }
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      this.logger?.warn(
        { dependency, err: (err as Error).message },
        'circuit state unavailable; calling without the breaker',
      );
    }

    let value: T;
    try {
      value = await guarded.call();
    } catch (error) {
      await this.settle(guarded, holder, probe, guarded.classify({ ok: false, error }), error);
      throw error;
    }
    await this.settle(guarded, holder, probe, guarded.classify({ ok: true, value }), undefined);
    return value;
  }

  /** Every circuit's state (for `GET /v1/circuits` and metrics). */
  circuitStates(): Promise<CircuitRecord[]> {
    return this.repo.list();
  }

  private async settle(
    guarded: Pick<GuardedCall<unknown>, 'dependency' | 'describe'>,
    holder: string,
    probe: boolean,
    outcome: CallOutcome,
    error: unknown,
  ) {
    const { dependency } = guarded;
    try {
      if (outcome === 'failure') {
        const description =
          guarded.describe?.(error) ?? (error instanceof Error ? error.message : String(error));
        const after = await this.repo.recordFailure(dependency, holder, {
          threshold: this.settings.failureThreshold,
          coolDownMs: this.settings.coolDownMs,
          error: description,
        });
        if (after.opened) {
          this.logger?.warn(
            {
              dependency,
              consecutiveFailures: after.consecutiveFailures,
              coolDownMs: this.settings.coolDownMs,
              probe,
            },
            'circuit opened',
          );
        }
      } else if (outcome === 'success') {
        const after = await this.repo.recordSuccess(dependency, holder);
        if (after.closed) this.logger?.info({ dependency }, 'circuit closed');
      } else if (probe) {
        await this.repo.releaseProbe(dependency, holder);
      }
    } catch (err) {
      this.logger?.warn({ dependency, err: (err as Error).message }, 'circuit state not recorded');
    }
  }
}

/** The fast failure of a call refused by an open circuit: retryable, retried when half-open. */
export function circuitOpen(
  dependency: string,
  state: 'open' | 'half_open',
  retryInMs: number,
): ApplicationFailure {
  const delay = Math.max(1, Math.round(retryInMs));
  return ApplicationFailure.create({
    type: CIRCUIT_OPEN,
    message:
      state === 'open'
        ? `circuit for ${dependency} is open; next attempt in ${delay} ms`
        : `circuit for ${dependency} is half-open and another call is probing; next attempt in ${delay} ms`,
    nonRetryable: false,
    nextRetryDelay: delay,
    details: [{ dependency, state, retryInMs: delay }],
  });
}
