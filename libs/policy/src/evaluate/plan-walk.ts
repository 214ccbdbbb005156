import type { ApprovalStepPlan, PipelinePlan, PlanStep } from '@flowgate/dsl';

/** One step of a plan with where it sits: its sibling list and its enclosing step. */
export interface StepTarget {
  step: PlanStep;
  /** Static path; steps of a pinned child plan are prefixed with the calling step's path. */
  path: string;
  /** The plan that owns the step (a child plan for steps of sub-pipelines). */
  plan: PipelinePlan;
  siblings: PlanStep[];
  /** The container step (parallel, map, switch, loop, pipeline) or the step a compensation undoes. */
  parent?: StepTarget;
  compensation: boolean;
}

/** Every step of a plan, nested steps, compensations and pinned child plans included (pre-order). */
export function walkPlan(plan: PipelinePlan): StepTarget[] {
  const out: StepTarget[] = [];
  const visitList = (
    list: PlanStep[],
    owner: PipelinePlan,
    prefix: string,
    parent: StepTarget | undefined,
    compensation: boolean,
  ) => {
    for (const step of list) {
      const target: StepTarget = {
        step,
        path: `${prefix}${step.path}`,
        plan: owner,
        siblings: list,
        compensation,
        ...(parent ? { parent } : {}),
      };
      out.push(target);
      for (const child of childLists(step)) visitList(child, owner, prefix, target, compensation);
      if (step.kind === 'pipeline')
        visitList(step.plan.steps, step.plan, `${target.path}/`, target, compensation);
      if (step.compensate?.length) visitList(step.compensate, owner, prefix, target, true);
    }
  };
  visitList(plan.steps, plan, '', undefined, false);
  return out;
}

function childLists(step: PlanStep): PlanStep[][] {
  switch (step.kind) {
    case 'parallel':
      return step.branches;
    case 'map':
    case 'loop':
      return [step.steps];
    case 'switch':
      return [...step.cases.map((c) => c.steps), ...(step.default ? [step.default] : [])];
    default:
      return [];
  }
}

/**
 * Whether an approval step gates what follows it: it always runs (no `when`), its rejection fails
 * the run (`onError: fail`), and no timeout approves by default (`onTimeout`/escalation `onTimeout`
 * is not `approve`).
 */
export function isApprovalGate(step: PlanStep): step is ApprovalStepPlan {
  return (
    step.kind === 'approval' &&
    step.when === undefined &&
    step.onError === 'fail' &&
    step.onTimeout !== 'approve' &&
    step.escalation?.onTimeout !== 'approve'
  );
}

/** An approval gate among the transitive `needs` of `step` in its sibling list. */
function gateAmongNeeds(step: PlanStep, siblings: PlanStep[]): ApprovalStepPlan | undefined {
  const byId = new Map(siblings.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...step.needs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = byId.get(id);
    if (!s) continue;
    if (isApprovalGate(s)) return s;
    stack.push(...s.needs);
  }
  return undefined;
}

/**
 * The approval gate upstream of a step: a gate that every execution passes before the step can
 * start. It is found among the transitive `needs` of the step in its own list, or of any enclosing
 * step (container, calling pipeline step, or the step a compensation undoes), outwards to the top.
 */
export function upstreamApproval(
  target: StepTarget,
): { approval: ApprovalStepPlan; path: string } | undefined {
  for (let cur: StepTarget | undefined = target; cur; cur = cur.parent) {
    const gate = gateAmongNeeds(cur.step, cur.siblings);
    if (gate) {
      const prefix = cur.path.slice(0, cur.path.length - cur.step.path.length);
      return { approval: gate, path: `${prefix}${gate.path}` };
    }
  }
  return undefined;
}
