import { PolicyDocumentSchema, type PolicyVersion } from '@flowgate/policy';
import type { PoliciesRepository, PolicyRunContext, PolicyRunsRepository } from '@flowgate/store';

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

/** A small TTL cache of promises (concurrent misses share one load; failed loads are not kept). */
export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The cached value, or `load()`; `ttlFor` may give a loaded value its own lifetime. */
  get(key: string, load: () => Promise<T>, ttlFor?: (value: T) => number): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    const entry: Entry<T> = { value, expires: now + this.ttlMs };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (ttlFor) entry.expires = this.clock() + ttlFor(v);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The live policy set of each tenant: the latest version of every policy, cached a few seconds. */
export class LivePolicies {
  private readonly cache: TtlCache<PolicyVersion[]>;

  constructor(
    private readonly repo: Pick<PoliciesRepository, 'latest'>,
    ttlMs: number,
  ) {
    this.cache = new TtlCache(ttlMs, 10_000);
  }

  forTenant(tenant: string): Promise<PolicyVersion[]> {
    return this.cache.get(tenant, async () => {
      const records = await this.repo.latest(tenant);
      return records.map((r) => ({
        name: r.name,
        version: r.version,
        document: PolicyDocumentSchema.parse(r.document),
      }));
    });
  }
}

/** Root run id of a workflow id: child workflows and map batches are `<runId>/<path>`. */
export const rootRunId = (workflowId: string): string => workflowId.split('/')[0] ?? workflowId;

/** The facts of each run enforcement needs (tenant, pipeline, input), from the runs projection, cached. */
export class RunContexts {
  private readonly cache = new TtlCache<PolicyRunContext | undefined>(10 * 60_000, 20_000);

  constructor(private readonly repo: Pick<PolicyRunsRepository, 'runContext'>) {}

  /** Unknown runs (no row yet, or not started through the gateway) are looked up again after 5 s. */
  get(runId: string): Promise<PolicyRunContext | undefined> {
    return this.cache.get(
      runId,
      () => this.repo.runContext(runId),
      (found) => (found ? 10 * 60_000 : 5_000),
    );
  }
}
