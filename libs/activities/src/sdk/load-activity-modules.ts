import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { activityNameProblem, type ActivityDefinition } from './define-activity';

/** A start-up problem with user activity modules; lists every problem found. */
export class ActivityModuleError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid activity modules (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ActivityModuleError';
  }
}

export interface LoadedActivity {
  definition: ActivityDefinition;
  /** The module it came from (`builtin` for built-ins). */
  source: string;
}

const isZodLike = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function';

/** Whether a value looks like an activity definition (what `defineActivity` returns). */
export function isActivityDefinition(value: unknown): value is ActivityDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ActivityDefinition>;
  return (
    typeof v.name === 'string' && typeof v.handler === 'function' && isZodLike(v.input) && isZodLike(v.output)
  );
}

/** Parses `FLOWGATE_ACTIVITY_MODULES`: comma-separated module paths or package names. */
export function parseModuleList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function resolveSpecifier(spec: string, cwd: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return resolve(cwd, spec);
  return require.resolve(spec, { paths: [cwd] });
}

/** Every definition a module exports: named exports, the default export, and arrays of either. */
function definitionsOf(namespace: Record<string, unknown>): ActivityDefinition[] {
  const found = new Set<ActivityDefinition>();
  const visit = (value: unknown, depth: number) => {
    if (isActivityDefinition(value)) found.add(value);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth));
    else if (depth === 0 && typeof value === 'object' && value !== null) {
      // A CommonJS module imported as ESM: its exports object is the default export.
      Object.values(value).forEach((v) => visit(v, depth + 1));
    }
  };
  for (const [key, value] of Object.entries(namespace)) visit(value, key === 'default' ? 0 : 1);
  return [...found];
}

/**
 * Loads user activity modules (paths relative to `cwd`, or package names) and returns their
 * definitions. A module that cannot be loaded or exports no definition is a problem; all problems
 * are reported together in one ActivityModuleError.
 */
export async function loadActivityModules(
  specs: readonly string[],
  cwd = process.cwd(),
): Promise<LoadedActivity[]> {
  const { loaded, problems } = await collectActivityModules(specs, cwd);
  if (problems.length > 0) throw new ActivityModuleError(problems);
  return loaded;
}

/** Like loadActivityModules, but returns the problems instead of throwing (to report them with others). */
export async function collectActivityModules(
  specs: readonly string[],
  cwd = process.cwd(),
): Promise<{ loaded: LoadedActivity[]; problems: string[] }> {
  const problems: string[] = [];
  const loaded: LoadedActivity[] = [];
  for (const spec of specs) {
    let namespace: Record<string, unknown>;
    try {
      const file = resolveSpecifier(spec, cwd);
      namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      problems.push(`cannot load activity module '${spec}': ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    const defs = definitionsOf(namespace);
    if (defs.length === 0)
      problems.push(`activity module '${spec}' exports no activity definition (use defineActivity)`);
    for (const definition of defs) loaded.push({ definition, source: spec });
  }
  return { loaded, problems };
}

/**
 * Checks the whole set a worker registers: every name valid, no name twice (a user activity may
 * not shadow a built-in). Returns the definitions or throws one ActivityModuleError listing these
 * problems after `earlierProblems` (from collectActivityModules).
 */
export function assembleActivities(
  activities: readonly LoadedActivity[],
  earlierProblems: readonly string[] = [],
): ActivityDefinition[] {
  const problems = [...earlierProblems];
  const seen = new Map<string, string>();
  for (const { definition, source } of activities) {
    const nameProblem = activityNameProblem(definition.name);
    if (nameProblem) {
      problems.push(`${source}: ${nameProblem}`);
      continue;
    }
    const earlier = seen.get(definition.name);
    if (earlier !== undefined) {
      problems.push(`activity '${definition.name}' is defined twice (${earlier} and ${source})`);
      continue;
    }
    seen.set(definition.name, source);
  }
  if (problems.length > 0) throw new ActivityModuleError(problems);
  return activities.map((a) => a.definition);
}
