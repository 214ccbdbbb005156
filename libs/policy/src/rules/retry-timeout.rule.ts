import { formatDuration, parseDuration, type UsesStepPlan } from '@flowgate/dsl';
import type { RetryRule, TimeoutRule } from '../document/policy.schema';
import { firstMatch } from '../util/glob';
import { compliant, violation, type Finding } from './finding';

const ms = (d: string | number | undefined): number | undefined =>
  d === undefined ? undefined : parseDuration(d);

export const concernsActivity = (patterns: readonly string[] | undefined, activity: string): boolean =>
  patterns === undefined || firstMatch(patterns, activity) !== undefined;

/** Admission: the step's retry policy within bounds. */
export function checkRetryStep(rule: RetryRule, step: UsesStepPlan, stepPath: string): Finding {
  const where = { activity: step.uses, stepPath };
  const problems: string[] = [];
  if (rule.maxAttempts !== undefined && step.retry.maxAttempts > rule.maxAttempts) {
    problems.push(`retry.maxAttempts ${step.retry.maxAttempts} exceeds ${rule.maxAttempts}`);
  }
  const maxInterval = ms(rule.maxInterval);
  if (maxInterval !== undefined && step.retry.maxIntervalMs > maxInterval) {
    problems.push(
      `retry.maxInterval ${formatDuration(step.retry.maxIntervalMs)} exceeds ${formatDuration(maxInterval)}`,
    );
  }
  return problems.length
    ? violation(problems.join('; '), where)
    : compliant('retry policy within bounds', where);
}

/** Dispatch: an attempt beyond the live maximum is refused (lowering maxAttempts takes effect mid-run). */
export function checkRetryAttempt(
  rule: RetryRule,
  activity: string,
  attempt: number,
  stepPath: string,
): Finding {
  const where = { activity, stepPath };
  if (rule.maxAttempts !== undefined && attempt > rule.maxAttempts) {
    return violation(`attempt ${attempt} exceeds retry.maxAttempts ${rule.maxAttempts}`, where);
  }
  return compliant(`attempt ${attempt} within bounds`, where);
}

function checkTimeouts(
  rule: TimeoutRule,
  startToCloseMs: number | undefined,
  scheduleToCloseMs: number | undefined,
  where: Omit<Finding, 'violated' | 'reason'>,
): Finding {
  const problems: string[] = [];
  const maxStart = ms(rule.maxStartToClose);
  if (maxStart !== undefined && startToCloseMs !== undefined && startToCloseMs > maxStart) {
    problems.push(
      `timeout.startToClose ${formatDuration(startToCloseMs)} exceeds ${formatDuration(maxStart)}`,
    );
  }
  const maxSchedule = ms(rule.maxScheduleToClose);
  if (maxSchedule !== undefined && scheduleToCloseMs !== undefined && scheduleToCloseMs > maxSchedule) {
    problems.push(
      `timeout.scheduleToClose ${formatDuration(scheduleToCloseMs)} exceeds ${formatDuration(maxSchedule)}`,
    );
  }
  if (rule.requireScheduleToClose && !scheduleToCloseMs) problems.push('timeout.scheduleToClose is required');
  return problems.length ? violation(problems.join('; '), where) : compliant('timeouts within bounds', where);
}

export const checkTimeoutStep = (rule: TimeoutRule, step: UsesStepPlan, stepPath: string): Finding =>
  checkTimeouts(rule, step.timeout.startToCloseMs, step.timeout.scheduleToCloseMs, {
    activity: step.uses,
    stepPath,
  });

export const checkTimeoutDispatch = (
  rule: TimeoutRule,
  activity: string,
  startToCloseMs: number | undefined,
  scheduleToCloseMs: number | undefined,
  stepPath: string,
): Finding =>
  checkTimeouts(rule, startToCloseMs || undefined, scheduleToCloseMs || undefined, { activity, stepPath });
