/**
 * The step tree of a run from its flat step rows. Runtime paths nest (`enrich/branch[0]/crm`,
 * `replies[3]/draft`, `route/case[1]/x`, `book/compensate/cancel`): a step's parent is the
 * longest proper prefix of its path, cut at a `/` or `[`, that is itself a step of the run.
 */
export interface StepTree<S extends { path: string }> {
  roots: S[];
  childrenOf: Map<string, S[]>;
  parentOf: Map<string, string | null>;
}

export function parentPathOf(path: string, isStep: (p: string) => boolean): string | null {
  for (let i = path.length - 1; i > 0; i--) {
    const c = path[i];
    if (c !== '/' && c !== '[') continue;
    const candidate = path.slice(0, i);
    if (isStep(candidate)) return candidate;
  }
  return null;
}

export function buildStepTree<S extends { path: string }>(steps: readonly S[]): StepTree<S> {
  const paths = new Set(steps.map((s) => s.path));
  const roots: S[] = [];
  const childrenOf = new Map<string, S[]>();
  const parentOf = new Map<string, string | null>();
  for (const step of steps) {
    const parent = parentPathOf(step.path, (p) => paths.has(p));
    parentOf.set(step.path, parent);
    if (parent === null) roots.push(step);
    else {
      const list = childrenOf.get(parent);
      if (list) list.push(step);
      else childrenOf.set(parent, [step]);
    }
  }
  return { roots, childrenOf, parentOf };
}
