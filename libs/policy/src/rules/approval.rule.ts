import type { ApprovalRule } from '../document/policy.schema';
import { upstreamApproval, type StepTarget } from '../evaluate/plan-walk';
import { firstMatch } from '../util/glob';
import { compliant, violation, type Finding } from './finding';

/** Whether the rule concerns the step (a tag it names, or a `uses` activity matching its globs). */
export function approvalConcerns(rule: ApprovalRule, target: StepTarget): string | undefined {
  const tag = rule.tags?.find((t) => target.step.tags.includes(t));
  if (tag) return `tag '${tag}'`;
  if (target.step.kind === 'uses' && firstMatch(rule.activities, target.step.uses))
    return `activity '${target.step.uses}'`;
  return undefined;
}

/** The step needs an approval gate upstream (see `upstreamApproval` for the exact definition). */
export function checkApproval(rule: ApprovalRule, target: StepTarget, why: string): Finding {
  const where = {
    stepPath: target.path,
    ...(target.step.kind === 'uses' ? { activity: target.step.uses } : {}),
  };
  const gate = upstreamApproval(target);
  return gate
    ? compliant(`approved upstream by '${gate.path}'`, where)
    : violation(
        `step with ${why} needs an approval step upstream (an approval without 'when', with onError: fail and no auto-approve on timeout)`,
        where,
      );
}
