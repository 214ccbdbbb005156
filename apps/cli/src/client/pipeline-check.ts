import {
  type ActivityCatalog,
  type ActivityInfo,
  childLists,
  collectPipelineRefs,
  loadParsedPipeline,
  parsePipelineText,
  pipelineKey,
  PLAN_API_VERSION,
  type PipelineDocument,
  type PipelinePlan,
  type Problem,
  type Step,
} from '@flowgate/dsl';
import { GatewayProblemError } from './errors';
import type { GatewayClient } from './gateway-client';

/** Every activity name a document's `uses:` steps name (nested and compensation steps too). */
export function usedActivities(doc: PipelineDocument): string[] {
  const names = new Set<string>();
  const visit = (steps: readonly Step[] | undefined): void => {
    for (const step of steps ?? []) {
      if ('uses' in step && typeof step.uses === 'string') names.add(step.uses);
      try {
        for (const list of childLists(step)) visit(list.steps);
      } catch {
        // a malformed step: the validator reports it
      }
      if (Array.isArray(step.compensate)) visit(step.compensate);
    }
  };
  visit(doc.spec?.steps);
  return [...names].sort();
}

/** Where the activity catalog came from. */
export type CatalogSource = { kind: 'gateway'; url: string } | { kind: 'names-only'; reason: string };

/**
 * The activity catalog: the one the workers published, from the gateway; or, when the gateway
 * cannot be asked, a names-only catalog that accepts whatever the documents name (so names and
 * inputs are not checked, and the caller warns about it).
 */
export async function loadCatalog(
  client: GatewayClient | undefined,
  documents: PipelineDocument[],
): Promise<{ catalog: ActivityCatalog; source: CatalogSource }> {
  if (client) {
    try {
      const list = await client.activities(5_000);
      return {
        catalog: new Map(list.items.map((a): [string, ActivityInfo] => [a.name, a])),
        source: { kind: 'gateway', url: client.baseUrl },
      };
    } catch (error) {
      const reason =
        error instanceof GatewayProblemError
          ? `the gateway answered ${error.status}: ${error.message}`
          : (error as Error).message;
      return namesOnly(documents, reason);
    }
  }
  return namesOnly(documents, '--offline');
}

function namesOnly(
  documents: PipelineDocument[],
  reason: string,
): { catalog: ActivityCatalog; source: CatalogSource } {
  const names = new Set(documents.flatMap(usedActivities));
  return {
    catalog: new Map([...names].map((name): [string, ActivityInfo] => [name, { name }])),
    source: { kind: 'names-only', reason },
  };
}

/** A placeholder plan for a sub-pipeline that cannot be looked up (no input schema to check). */
function stubPlan(name: string, version: number): PipelinePlan {
  return {
    apiVersion: PLAN_API_VERSION,
    pipeline: { name, version, tags: [] },
    digest: '',
    steps: [],
    activities: [],
  };
}

export interface CheckedFile {
  file: string;
  ok: boolean;
  document?: PipelineDocument;
  plan?: PipelinePlan;
  problems: Problem[];
  /** Sub-pipelines that could not be looked up (not checked). */
  unresolved: string[];
}

/**
 * Validates pipeline files exactly as the gateway would (parse, validate, compile with
 * `loadParsedPipeline`), resolving `pipeline:` steps from the other files given, then from the
 * gateway's registry when it is reachable; otherwise they are assumed to exist (and reported).
 */
export async function checkPipelineFiles(
  files: { file: string; text: string; format: 'yaml' | 'json' }[],
  catalog: ActivityCatalog,
  registry: GatewayClient | undefined,
): Promise<CheckedFile[]> {
  const local = new Map<string, { text: string; format: 'yaml' | 'json' }>();
  for (const f of files) {
    const parsed = parsePipelineText(f.text, { format: f.format });
    if (parsed.ok) local.set(pipelineKey(parsed.document.metadata), f);
  }
  const plans = new Map<string, Promise<PipelinePlan | undefined>>();

  const planOf = (
    key: string,
    name: string,
    version: number,
    depth: number,
  ): Promise<PipelinePlan | undefined> => {
    let pending = plans.get(key);
    if (!pending) {
      pending = (async () => {
        let source = local.get(key);
        if (!source && registry) {
          try {
            const found = await registry.pipelineVersion(name, version, 5_000);
            if (found.source) source = { text: found.source, format: found.format ?? 'yaml' };
          } catch (error) {
            if (error instanceof GatewayProblemError && error.status === 404 && !error.routeMissing)
              return undefined;
          }
        }
        if (!source || depth > 8) return stubPlan(name, version);
        const doc = parsePipelineText(source.text, { format: source.format });
        if (!doc.ok) return stubPlan(name, version);
        const sub = await subPlans(doc.document, depth + 1);
        const loaded = loadParsedPipeline(doc, { catalog, subPlans: sub.plans });
        return loaded.ok ? loaded.plan : stubPlan(name, version);
      })();
      plans.set(key, pending);
    }
    return pending;
  };

  const subPlans = async (doc: PipelineDocument, depth: number) => {
    const result = new Map<string, PipelinePlan>();
    const unresolved: string[] = [];
    for (const ref of collectPipelineRefs(doc)) {
      const key = pipelineKey(ref);
      const plan = await planOf(key, ref.name, ref.version, depth);
      if (plan) result.set(key, plan);
      if (plan?.digest === '') unresolved.push(key);
    }
    return { plans: result, unresolved };
  };

  const out: CheckedFile[] = [];
  for (const f of files) {
    const parsed = parsePipelineText(f.text, { format: f.format, sourceName: f.file });
    if (!parsed.ok) {
      out.push({ file: f.file, ok: false, problems: parsed.problems, unresolved: [] });
      continue;
    }
    let sub: { plans: Map<string, PipelinePlan>; unresolved: string[] } = {
      plans: new Map(),
      unresolved: [],
    };
    try {
      sub = await subPlans(parsed.document, 0);
    } catch {
      // a malformed step: the validator reports it
    }
    const loaded = loadParsedPipeline(parsed, { catalog, subPlans: sub.plans });
    out.push(
      loaded.ok
        ? {
            file: f.file,
            ok: true,
            document: loaded.document,
            plan: loaded.plan,
            problems: loaded.warnings,
            unresolved: sub.unresolved,
          }
        : {
            file: f.file,
            ok: false,
            document: parsed.document,
            problems: loaded.problems,
            unresolved: sub.unresolved,
          },
    );
  }
  return out;
}
