import type { Json, MapStepPlan } from '@flowgate/dsl';
import type { MapRule } from '../document/policy.schema';
import { evaluateValue } from '../evaluate/condition';
import { compliant, violation, type Finding } from './finding';

/**
 * Admission: static concurrency; the item count when `items` can be computed from the run input
 * alone (an expression over `input`, or a literal). Items that depend on earlier steps are unknown
 * before the run.
 */
export async function checkMapStep(
  rule: MapRule,
  step: MapStepPlan,
  stepPath: string,
  input: Json,
): Promise<Finding> {
  const problems: string[] = [];
  const notes: string[] = [];
  if (rule.maxConcurrency !== undefined && step.concurrency > rule.maxConcurrency) {
    problems.push(`map concurrency ${step.concurrency} exceeds ${rule.maxConcurrency}`);
  }
  if (rule.maxItems !== undefined) {
    const items = await evaluateValue(step.items, {
      input,
      steps: {},
      item: undefined,
      index: undefined,
      run: {},
    });
    if (Array.isArray(items)) {
      if (items.length > rule.maxItems)
        problems.push(`map has ${items.length} items, more than ${rule.maxItems}`);
      else notes.push(`${items.length} items`);
    } else {
      notes.push('item count unknown before the run');
    }
  }
  return problems.length
    ? violation(problems.join('; '), { stepPath })
    : compliant(`map within bounds${notes.length ? ` (${notes.join(', ')})` : ''}`, { stepPath });
}
