import type { Json, PipelinePlan } from '@flowgate/dsl';
import type { PolicyDecision, PolicyMode } from '../decision.types';
import type { BudgetMetric } from '../document/policy.schema';

/** What admission evaluates: the whole plan of a run about to start. */
export interface AdmissionContext {
  tenant: string;
  plan: PipelinePlan;
  /** The run input (conditions and `map.items` expressions that depend only on it can use it). */
  input: Json;
  /** Clock (ms since epoch) for window starts; evaluation never reads the clock itself. */
  now: number;
}

/** What enforcement evaluates: one activity about to run. */
export interface DispatchContext {
  tenant: string;
  /** The root run id (child workflows and map batches share their root run's budget). */
  runId: string;
  /** The root run's pipeline, when known (scope by pipeline name and tags). */
  pipeline?: { name: string; version: number; tags: string[] };
  /** The root run's input, when known (for `when` conditions). */
  input?: Json;
  activity: string;
  /** Runtime step path (the activity id), e.g. `replies[3]/draft`. */
  stepPath: string;
  /** The evaluated activity arguments (`with`). */
  args: Json;
  /** Attempt number, 1-based. */
  attempt: number;
  startToCloseMs?: number;
  scheduleToCloseMs?: number;
  now: number;
}

interface ClaimBase {
  policy: string;
  policyVersion: number;
  ruleId: string;
  mode: PolicyMode;
  stepPath?: string;
  activity?: string;
}

/** A run slot to take atomically at admission (quota rule). */
export interface RunQuotaClaim extends ClaimBase {
  kind: 'runs';
  tenant: string;
  maxConcurrentRuns?: number;
  runsPerWindow?: { max: number; windowMs: number };
}

/** Budget units to reserve atomically before an activity (or, at admission, to check read-only). */
export interface BudgetClaim extends ClaimBase {
  kind: 'budget';
  tenant: string;
  metric: BudgetMetric;
  scope: 'run' | 'tenant';
  /** Counter key shared by every worker: `run:<runId>:<policy>:<rule>` or `tenant:<tenant>:<policy>:<rule>`. */
  key: string;
  /** Start of the fixed window (0 for per-run budgets). */
  windowStartMs: number;
  windowMs?: number;
  limit: number;
  /** Units to reserve; 0 checks only that the budget is not yet exhausted. */
  amount: number;
  /** Admission: only check that the budget is not already exhausted; never reserve. */
  checkOnly?: boolean;
  /**
   * Compensation steps (paths with `/compensate/`) are charged but never stopped by a budget:
   * stopping an undo would leave the saga half-done. An exceeded budget there is a warning.
   */
  exempt?: boolean;
}

export type PolicyClaim = RunQuotaClaim | BudgetClaim;

/** The store's answer to one claim. */
export interface ClaimOutcome {
  /** Granted (or, for non-enforcing modes, would have been granted). */
  ok: boolean;
  /** Counter values before this claim (runs: active runs / runs in window; budgets: used and reserved). */
  used: number;
  reserved?: number;
  /** Runs claims: which limit failed. */
  failed?: 'concurrent' | 'window';
}

/** Result of an evaluation: decisions so far, and the claims the caller must take to complete them. */
export interface PolicyEvaluation {
  decisions: PolicyDecision[];
  claims: PolicyClaim[];
}
