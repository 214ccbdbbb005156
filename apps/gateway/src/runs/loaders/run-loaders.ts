import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import {
  AuditRepository,
  RunsRepository,
  StepsRepository,
  type AttemptRecord,
  type AuditRecord,
  type RunRecord,
  type StepRunRecord,
} from '@flowgate/store';
import { buildStepTree, type StepTree } from '../step-tree';

/** Audit actions shown as `approvals` and `policyDecisions`. */
export const APPROVAL_PREFIX = 'approval.';
export const POLICY_PREFIX = 'policy.';

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/**
 * Per-request batch loaders over the run-tree projection, scoped to one tenant. However large
 * the tree, a query costs one statement per kind of data: the run(s), their steps, the steps'
 * attempts, child runs, decisions.
 */
export class RunLoaders {
  readonly runById: DataLoader<string, RunRecord | null>;
  readonly stepsByRun: DataLoader<string, StepRunRecord[]>;
  readonly attemptsByRun: DataLoader<string, Map<string, AttemptRecord[]>>;
  readonly childrenByRun: DataLoader<string, RunRecord[]>;
  readonly decisionsByRun: DataLoader<string, AuditRecord[]>;
  private readonly trees = new Map<string, Promise<StepTree<StepRunRecord>>>();

  constructor(tenant: string, runs: RunsRepository, steps: StepsRepository, audit: AuditRepository) {
    this.runById = new DataLoader(async (ids) => {
      const byId = new Map((await runs.getMany(tenant, ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    // Steps and attempts are read by run id only for runs this tenant was shown.
    this.stepsByRun = new DataLoader(async (ids) => {
      const grouped = groupBy(await steps.listByRuns(ids), (s) => s.runId);
      return ids.map((id) => grouped.get(id) ?? []);
    });
    this.attemptsByRun = new DataLoader(async (ids) => {
      const grouped = groupBy(await steps.listAttemptsByRuns(ids), (a) => a.runId);
      return ids.map((id) => groupBy(grouped.get(id) ?? [], (a) => a.path));
    });
    this.childrenByRun = new DataLoader(async (ids) => {
      const grouped = groupBy(await runs.listChildren(tenant, ids), (r) => r.parentRunId ?? '');
      return ids.map((id) => grouped.get(id) ?? []);
    });
    this.decisionsByRun = new DataLoader(async (ids) => {
      const grouped = groupBy(
        await audit.listByRunsWithPrefixes(tenant, ids, [APPROVAL_PREFIX, POLICY_PREFIX]),
        (e) => e.runId ?? '',
      );
      return ids.map((id) => grouped.get(id) ?? []);
    });
  }

  /** The step tree of a run, built once per request from its steps. */
  tree(runId: string): Promise<StepTree<StepRunRecord>> {
    let tree = this.trees.get(runId);
    if (!tree) {
      tree = this.stepsByRun.load(runId).then((steps) => buildStepTree(steps));
      this.trees.set(runId, tree);
    }
    return tree;
  }

  /** Makes a loaded run available to later lookups by id without another statement. */
  prime(run: RunRecord): void {
    this.runById.prime(run.id, run);
  }
}

/** Creates and finds the loaders of a GraphQL request (keyed by its context object). */
@Injectable()
export class RunLoadersFactory {
  private readonly byContext = new WeakMap<object, RunLoaders>();

  constructor(
    private readonly runs: RunsRepository,
    private readonly steps: StepsRepository,
    private readonly audit: AuditRepository,
  ) {}

  of(context: object, tenant: string): RunLoaders {
    let loaders = this.byContext.get(context);
    if (!loaders) {
      loaders = new RunLoaders(tenant, this.runs, this.steps, this.audit);
      this.byContext.set(context, loaders);
    }
    return loaders;
  }

  /** Drops a context's loaders (a subscription, before each new value: no stale cache). */
  reset(context: object): void {
    this.byContext.delete(context);
  }
}
