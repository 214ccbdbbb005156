import type { Pool } from 'pg';

/** Effective state of a circuit: an open circuit past its cool-down reads as `half_open`. */
export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface CircuitRecord {
  /** The dependency guarded: an HTTP origin (`https://api.example.com`) or `llm:<base URL>`. */
  dependency: string;
  state: CircuitStateName;
  consecutiveFailures: number;
  openedAt: Date | null;
  /** When an open circuit turns half-open. */
  halfOpenAt: Date | null;
  /** Whether a half-open probe holds the lease now. */
  probeInFlight: boolean;
  /** Until when the probe lease runs (half-open with a probe in flight). */
  probeUntil: Date | null;
  /** Milliseconds (database clock) until half-open (open) or until the probe lease ends (half-open). */
  retryInMs: number;
  lastError: string | null;
  lastFailureAt: Date | null;
  updatedAt: Date;
}

export interface CircuitFailure {
  /** Consecutive failures that open a closed circuit. */
  threshold: number;
  /** How long a circuit stays open before one probe may go through. */
  coolDownMs: number;
  /** A short description of the failure (never a secret, never a URL path). */
  error: string;
}

const SELECT_COLUMNS = `
  dependency,
  CASE WHEN state = 'open' AND open_until <= now() THEN 'half_open' ELSE state END AS state,
  consecutive_failures,
  opened_at,
  open_until,
  (state = 'half_open' AND probe_until > now()) AS probe_in_flight,
  CASE WHEN state = 'half_open' AND probe_until > now() THEN probe_until END AS probe_until,
  GREATEST(0, CEIL(EXTRACT(EPOCH FROM (
    CASE WHEN state = 'open' THEN open_until WHEN state = 'half_open' THEN probe_until END - now())) * 1000
  ))::float8 AS retry_in_ms,
  last_error,
  last_failure_at,
  updated_at`;

interface CircuitRow {
  dependency: string;
  state: CircuitStateName;
  consecutive_failures: number;
  opened_at: Date | null;
  open_until: Date | null;
  probe_in_flight: boolean | null;
  probe_until: Date | null;
  retry_in_ms: number | null;
  last_error: string | null;
  last_failure_at: Date | null;
  updated_at: Date;
}

function toRecord(r: CircuitRow): CircuitRecord {
  return {
    dependency: r.dependency,
    state: r.state,
    consecutiveFailures: r.consecutive_failures,
    openedAt: r.opened_at,
    halfOpenAt: r.state === 'closed' ? null : r.open_until,
    probeInFlight: r.probe_in_flight === true,
    probeUntil: r.probe_until,
    retryInMs: r.retry_in_ms ?? 0,
    lastError: r.last_error,
    lastFailureAt: r.last_failure_at,
    updatedAt: r.updated_at,
  };
}

const interval = (param: string) => `make_interval(secs => ${param}::float8 / 1000.0)`;

/**
 * Circuit-breaker state shared by every worker. Each transition is a single atomic statement
 * evaluated against the database clock:
 *
 * - `recordFailure`: closed → open after `threshold` consecutive failures; the half-open probe's
 *   failure re-opens for another cool-down; failures of calls admitted before the circuit opened
 *   are counted nowhere.
 * - `tryAcquireProbe`: open past its cool-down (or half-open with an expired lease) → half-open
 *   with a lease held by exactly one caller.
 * - `recordSuccess`: resets the failure count of a closed circuit; the probe's success closes.
 * - `releaseProbe`: a probe that ended without a verdict (cancelled) gives its lease back.
 */
export class CircuitBreakersRepository {
  constructor(private readonly pool: Pool) {}

  async get(dependency: string): Promise<CircuitRecord | undefined> {
    const res = await this.pool.query<CircuitRow>(
      `SELECT ${SELECT_COLUMNS} FROM circuit_breakers WHERE dependency = $1`,
      [dependency],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async list(filter: { state?: CircuitStateName } = {}): Promise<CircuitRecord[]> {
    const res = await this.pool.query<CircuitRow>(
      `SELECT * FROM (SELECT ${SELECT_COLUMNS} FROM circuit_breakers) c
        WHERE $1::text IS NULL OR c.state = $1 ORDER BY dependency`,
      [filter.state ?? null],
    );
    return res.rows.map(toRecord);
  }

  /**
   * Takes the half-open probe lease when the circuit is open past its cool-down, or half-open
   * with an expired lease. Exactly one concurrent caller gets `acquired: true`.
   */
  async tryAcquireProbe(
    dependency: string,
    holder: string,
    leaseMs: number,
  ): Promise<{ acquired: true } | { acquired: false; current?: CircuitRecord }> {
    const res = await this.pool.query(
      `UPDATE circuit_breakers
          SET state = 'half_open', probe_holder = $2, probe_until = now() + ${interval('$3')}, updated_at = now()
        WHERE dependency = $1
          AND ((state = 'open' AND open_until <= now())
            OR (state = 'half_open' AND (probe_until IS NULL OR probe_until <= now())))
        RETURNING dependency`,
      [dependency, holder, leaseMs],
    );
    if (res.rowCount === 1) return { acquired: true };
    return { acquired: false, current: await this.get(dependency) };
  }

  /** Records a failed call; returns the state after it (and whether this failure opened the circuit). */
  async recordFailure(
    dependency: string,
    holder: string,
    failure: CircuitFailure,
  ): Promise<{ state: CircuitStateName; opened: boolean; consecutiveFailures: number }> {
    const opens = `((cb.state = 'closed' AND cb.consecutive_failures + 1 >= $3) OR (cb.state = 'half_open' AND cb.probe_holder = $2))`;
    const res = await this.pool.query<{
      state: CircuitStateName;
      opened: boolean;
      consecutive_failures: number;
    }>(
      `INSERT INTO circuit_breakers AS cb
              (dependency, state, consecutive_failures, opened_at, open_until, last_error, last_failure_at, updated_at)
       VALUES ($1,
               CASE WHEN $3 <= 1 THEN 'open' ELSE 'closed' END,
               1,
               CASE WHEN $3 <= 1 THEN now() END,
               CASE WHEN $3 <= 1 THEN now() + ${interval('$4')} END,
               $5, now(), now())
       ON CONFLICT (dependency) DO UPDATE SET
         state = CASE WHEN ${opens} THEN 'open' ELSE cb.state END,
         opened_at = CASE WHEN ${opens} THEN now() ELSE cb.opened_at END,
         open_until = CASE WHEN ${opens} THEN now() + ${interval('$4')} ELSE cb.open_until END,
         probe_holder = CASE WHEN ${opens} THEN NULL ELSE cb.probe_holder END,
         probe_until = CASE WHEN ${opens} THEN NULL ELSE cb.probe_until END,
         consecutive_failures = CASE WHEN cb.state = 'closed' OR ${opens}
                                     THEN cb.consecutive_failures + 1 ELSE cb.consecutive_failures END,
         last_error = EXCLUDED.last_error,
         last_failure_at = now(),
         updated_at = now()
       RETURNING state, consecutive_failures, (state = 'open' AND opened_at = now()) AS opened`,
      [dependency, holder, failure.threshold, failure.coolDownMs, failure.error.slice(0, 500)],
    );
    const row = res.rows[0]!;
    return { state: row.state, opened: row.opened, consecutiveFailures: row.consecutive_failures };
  }

  /** Records a successful call; returns true when it changed the row (closed the circuit or reset the count). */
  async recordSuccess(dependency: string, holder: string): Promise<{ closed: boolean; changed: boolean }> {
    const res = await this.pool.query<{ was: CircuitStateName }>(
      `WITH before AS (SELECT dependency, state FROM circuit_breakers WHERE dependency = $1 FOR UPDATE)
       UPDATE circuit_breakers cb
          SET state = 'closed', consecutive_failures = 0, opened_at = NULL, open_until = NULL,
              probe_holder = NULL, probe_until = NULL, updated_at = now()
         FROM before
        WHERE cb.dependency = before.dependency
          AND ((cb.state = 'closed' AND cb.consecutive_failures > 0) OR (cb.state = 'half_open' AND cb.probe_holder = $2))
        RETURNING before.state AS was`,
      [dependency, holder],
    );
    const was = res.rows[0]?.was;
    return { changed: was !== undefined, closed: was === 'half_open' };
  }

  /** Gives a probe lease back without a verdict: the next caller probes at once. */
  async releaseProbe(dependency: string, holder: string): Promise<void> {
    await this.pool.query(
      `UPDATE circuit_breakers SET probe_until = now(), updated_at = now()
        WHERE dependency = $1 AND state = 'half_open' AND probe_holder = $2`,
      [dependency, holder],
    );
  }

  /** Closes a circuit by hand (operations); returns false when the dependency has no row. */
  async reset(dependency: string): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE circuit_breakers
          SET state = 'closed', consecutive_failures = 0, opened_at = NULL, open_until = NULL,
              probe_holder = NULL, probe_until = NULL, updated_at = now()
        WHERE dependency = $1`,
      [dependency],
    );
    return res.rowCount === 1;
  }
}
