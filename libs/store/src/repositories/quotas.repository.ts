import type { Pool, PoolClient } from 'pg';
import { insertPolicyAudit, type PolicyAuditEntry } from './policies.repository';

/** Advisory lock namespace serialising run admissions of one tenant (second key: hashtext(tenant)). */
const RUN_QUOTA_LOCK = 7_260_418;

/** How long an admission whose run row is not written yet still counts as a run. */
const PENDING_ADMISSION = "interval '2 minutes'";

export interface RunQuotaLimit {
  maxConcurrentRuns?: number;
  runsPerWindow?: { max: number; windowMs: number };
  /** false: report whether the limit would refuse, but never refuse (warn / dry-run policies). */
  enforce: boolean;
}

export interface RunQuotaOutcome {
  ok: boolean;
  /** Active runs (running or waiting) before this one. */
  active: number;
  /** Runs started in the limit's window before this one. */
  inWindow: number;
  failed?: 'concurrent' | 'window';
}

export interface BudgetRequest {
  key: string;
  windowStart: Date;
  tenant: string;
  limit: number;
  /** Units to reserve; 0 only checks that the budget is not exhausted. */
  amount: number;
  enforce: boolean;
  /** Only check (admission): never reserve. */
  checkOnly?: boolean;
  runId?: string;
  stepPath?: string;
}

export interface BudgetOutcome {
  ok: boolean;
  used: number;
  reserved: number;
  /** The reservation to settle afterwards (absent when nothing was reserved). */
  reservationId?: string;
}

export interface BudgetSettlement {
  reservationId: string;
  /** Usage to add to `used` (the reservation itself is released). */
  charge: number;
}

const fits = (used: number, reserved: number, amount: number, limit: number): boolean =>
  amount > 0 ? used + reserved + amount <= limit : used + reserved < limit;

async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

/**
 * Quotas and budgets of governance policies, atomic across processes: run admissions serialise on
 * a per-tenant advisory transaction lock; budget reservations on the budget rows' locks.
 */
export class QuotasRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Counts the tenant's active runs and recent starts and, when every enforced limit allows it,
   * records the admission of `runId` (all under the tenant's lock, so two gateways never both take
   * the last slot). With `record: false` it only reports (dry-run evaluation).
   */
  async admitRun(
    tenant: string,
    runId: string | undefined,
    limits: readonly RunQuotaLimit[],
    record = true,
  ): Promise<RunQuotaOutcome[]> {
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RUN_QUOTA_LOCK, tenant]);
      const pending = `SELECT count(*)::int AS n FROM policy_run_admissions a
                        WHERE a.tenant = $1 AND a.admitted_at > now() - ${PENDING_ADMISSION}
                          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = a.run_id)`;
      const activeRes = await c.query<{ n: number }>(
        `SELECT (SELECT count(*)::int FROM runs WHERE tenant = $1 AND status IN ('running', 'waiting') AND parent_run_id IS NULL)
              + (${pending}) AS n`,
        [tenant],
      );
      const active = activeRes.rows[0]?.n ?? 0;
      const outcomes: RunQuotaOutcome[] = [];
      for (const limit of limits) {
        let inWindow = 0;
        if (limit.runsPerWindow) {
          const res = await c.query<{ n: number }>(
            `SELECT (SELECT count(*)::int FROM runs WHERE tenant = $1 AND parent_run_id IS NULL
                       AND created_at > now() - make_interval(secs => $2::double precision / 1000))
                  + (${pending}) AS n`,
            [tenant, limit.runsPerWindow.windowMs],
          );
          inWindow = res.rows[0]?.n ?? 0;
        }
        const failed =
          limit.maxConcurrentRuns !== undefined && active >= limit.maxConcurrentRuns
            ? ('concurrent' as const)
            : limit.runsPerWindow && inWindow >= limit.runsPerWindow.max
              ? ('window' as const)
              : undefined;
        outcomes.push({ ok: failed === undefined, active, inWindow, ...(failed ? { failed } : {}) });
      }
      const refused = outcomes.some((o, i) => !o.ok && limits[i]!.enforce);
      if (record && !refused && runId) {
        await c.query(
          'INSERT INTO policy_run_admissions (run_id, tenant) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING',
          [runId, tenant],
        );
      }
      return outcomes;
    });
  }

  /**
   * Reserves budget units for one activity attempt, all or nothing: the budget rows are locked
   * (in key order: no deadlocks), expired reservations released, and every enforced request must
   * fit (`used + reserved + amount <= limit`; amount 0: `used + reserved < limit`). If one does
   * not, nothing is reserved. Requests of non-enforcing policies are reserved regardless and report
   * whether they fit. `expiresAt`: when an unsettled reservation may be released by others.
   * `auditOf`: audit entries written in the same transaction when the reservation is granted (one
   * commit instead of two); on refusal nothing is written and the caller records the denial.
   */
  async reserve(
    requests: readonly BudgetRequest[],
    expiresAt: Date,
    auditOf?: (outcomes: readonly BudgetOutcome[]) => PolicyAuditEntry[],
  ): Promise<{ ok: boolean; outcomes: BudgetOutcome[]; audited: boolean }> {
    if (requests.length === 0) return { ok: true, outcomes: [], audited: false };
    const keys = requests.map((r) => r.key);
    const windows = requests.map((r) => r.windowStart);
    try {
      return await inTransaction(this.pool, async (c) => {
        await c.query(
          `INSERT INTO policy_budgets (key, window_start, tenant)
           SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[]) ON CONFLICT DO NOTHING`,
          [keys, windows, requests.map((r) => r.tenant)],
        );
        await c.query(
          `SELECT 1 FROM policy_budgets b JOIN unnest($1::text[], $2::timestamptz[]) AS k(key, ws)
               ON b.key = k.key AND b.window_start = k.ws
            ORDER BY b.key, b.window_start FOR UPDATE OF b`,
          [keys, windows],
        );
        // Reservations whose activity can no longer be running give their units back.
        await c.query(
          `WITH expired AS (
             UPDATE policy_reservations r SET released = true
               FROM unnest($1::text[], $2::timestamptz[]) AS k(key, ws)
              WHERE r.key = k.key AND r.window_start = k.ws AND NOT r.released AND r.expires_at < now()
             RETURNING r.key, r.window_start, r.amount)
           UPDATE policy_budgets b SET reserved = GREATEST(b.reserved - e.total, 0), updated_at = now()
             FROM (SELECT key, window_start, sum(amount) AS total FROM expired GROUP BY 1, 2) e
            WHERE b.key = e.key AND b.window_start = e.window_start`,
          [keys, windows],
        );
        const rows = await c.query<{ key: string; window_start: Date; used: string; reserved: string }>(
          `SELECT b.key, b.window_start, b.used, b.reserved FROM policy_budgets b
             JOIN unnest($1::text[], $2::timestamptz[]) AS k(key, ws) ON b.key = k.key AND b.window_start = k.ws`,
          [keys, windows],
        );
        const state = new Map(
          rows.rows.map((r) => [
            `${r.key}@${r.window_start.getTime()}`,
            { used: Number(r.used), reserved: Number(r.reserved) },
          ]),
        );
        const outcomes: BudgetOutcome[] = requests.map((r) => {
          const s = state.get(`${r.key}@${r.windowStart.getTime()}`) ?? { used: 0, reserved: 0 };
          return { ok: fits(s.used, s.reserved, r.amount, r.limit), used: s.used, reserved: s.reserved };
        });
        if (outcomes.some((o, i) => !o.ok && requests[i]!.enforce))
          throw new Rollback({ ok: false, outcomes, audited: false });

        const toReserve = requests.map((r, i) => ({ r, i })).filter(({ r }) => !r.checkOnly);
        if (toReserve.length > 0) {
          await c.query(
            `UPDATE policy_budgets b SET reserved = b.reserved + k.amount, updated_at = now()
               FROM unnest($1::text[], $2::timestamptz[], $3::numeric[]) AS k(key, ws, amount)
              WHERE b.key = k.key AND b.window_start = k.ws`,
            [
              toReserve.map(({ r }) => r.key),
              toReserve.map(({ r }) => r.windowStart),
              toReserve.map(({ r }) => r.amount),
            ],
          );
          const ids = await c.query<{ id: string }>(
            `INSERT INTO policy_reservations (key, window_start, amount, run_id, step_path, expires_at)
             SELECT k.key, k.ws, k.amount, k.run_id, k.step_path, $6
               FROM unnest($1::text[], $2::timestamptz[], $3::numeric[], $4::text[], $5::text[]) WITH ORDINALITY
                    AS k(key, ws, amount, run_id, step_path, ord)
              ORDER BY k.ord
             RETURNING id`,
            [
              toReserve.map(({ r }) => r.key),
              toReserve.map(({ r }) => r.windowStart),
              toReserve.map(({ r }) => r.amount),
              toReserve.map(({ r }) => r.runId ?? null),
              toReserve.map(({ r }) => r.stepPath ?? null),
              expiresAt,
            ],
          );
          toReserve.forEach(({ i }, n) => {
            outcomes[i]!.reservationId = String(ids.rows[n]!.id);
          });
        }
        if (auditOf) await insertPolicyAudit(c, auditOf(outcomes));
        return { ok: true, outcomes, audited: auditOf !== undefined };
      });
    } catch (err) {
      if (err instanceof Rollback)
        return err.value as { ok: boolean; outcomes: BudgetOutcome[]; audited: boolean };
      throw err;
    }
  }

  /**
   * Settles reservations after their activity: releases each reservation's units and adds its
   * charge to `used`. Idempotent: a reservation already settled is skipped; one released on expiry
   * (`released`, never settled) still gets its charge added.
   */
  async settle(settlements: readonly BudgetSettlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const ids = settlements.map((s) => s.reservationId);
    const charges = settlements.map((s) => s.charge);
    await inTransaction(this.pool, async (c) => {
      // Lock order: budget rows first, then reservations (as in reserve), so the two never deadlock.
      await c.query(
        `SELECT 1 FROM policy_budgets b
          WHERE (b.key, b.window_start) IN (SELECT key, window_start FROM policy_reservations WHERE id = ANY($1::bigint[]))
          ORDER BY b.key, b.window_start FOR UPDATE`,
        [ids],
      );
      await c.query(
        `WITH cur AS (
           SELECT r.id, r.key, r.window_start, r.amount, r.released, v.charge
             FROM policy_reservations r JOIN unnest($1::bigint[], $2::numeric[]) AS v(id, charge) ON r.id = v.id
            WHERE r.settled_at IS NULL
            FOR UPDATE OF r),
         upd AS (
           UPDATE policy_reservations r SET released = true, charged = cur.charge, settled_at = now()
             FROM cur WHERE r.id = cur.id)
         UPDATE policy_budgets b
            SET reserved = GREATEST(b.reserved - x.release, 0), used = b.used + x.charge, updated_at = now()
           FROM (SELECT key, window_start, sum(CASE WHEN released THEN 0 ELSE amount END) AS release, sum(charge) AS charge
                   FROM cur GROUP BY 1, 2) x
          WHERE b.key = x.key AND b.window_start = x.window_start`,
        [ids, charges],
      );
    });
  }

  /** Current counters of budget keys (for reports and tests). */
  async budgets(
    keys: readonly string[],
  ): Promise<{ key: string; windowStart: Date; used: number; reserved: number }[]> {
    const res = await this.pool.query<{ key: string; window_start: Date; used: string; reserved: string }>(
      'SELECT key, window_start, used, reserved FROM policy_budgets WHERE key = ANY($1::text[]) ORDER BY key, window_start',
      [keys],
    );
    return res.rows.map((r) => ({
      key: r.key,
      windowStart: r.window_start,
      used: Number(r.used),
      reserved: Number(r.reserved),
    }));
  }
}
