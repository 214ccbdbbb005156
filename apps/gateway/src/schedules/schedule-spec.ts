import { ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { parseDuration, type ScheduleOverlapPlan, type SchedulePlan } from '@flowgate/dsl';

/** Prefix of every schedule id Flowgate creates: `flowgate:<tenant>:<pipeline>`. */
export const SCHEDULE_ID_PREFIX = 'flowgate:';

/** The Temporal Schedule id of a tenant's pipeline. */
export function scheduleIdOf(tenant: string, pipeline: string): string {
  return `${SCHEDULE_ID_PREFIX}${tenant}:${pipeline}`;
}

/**
 * Workflow id of the schedule's action. Temporal appends `-<fire time, RFC 3339>` to it for each
 * run, so runs are `<pipeline>-scheduled-<tenant>-2026-11-21T07:30:00Z` (the tenant keeps two
 * tenants' schedules of the same pipeline name apart).
 */
export function scheduledWorkflowIdOf(tenant: string, pipeline: string): string {
  return `${pipeline}-scheduled-${tenant}`;
}

export const OVERLAP_POLICY: Record<ScheduleOverlapPlan, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  bufferOne: ScheduleOverlapPolicy.BUFFER_ONE,
  bufferAll: ScheduleOverlapPolicy.BUFFER_ALL,
  cancelOther: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminateOther: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allowAll: ScheduleOverlapPolicy.ALLOW_ALL,
};

const MACRO_ALIASES: Record<string, string> = { '@annually': '@yearly', '@midnight': '@daily' };
const EVERY = /^@every\s+(\S+)$/;
/** Temporal's smallest schedule interval. */
export const MIN_INTERVAL_MS = 1_000;

export class ScheduleSpecError extends Error {}

/**
 * The Temporal ScheduleSpec of a pipeline's `schedule`: `@every <duration>` becomes an interval
 * (whole seconds, at least 1 s), a five-field cron or macro a cron expression, in the time zone.
 */
export function toTemporalSpec(schedule: Pick<SchedulePlan, 'cron' | 'timezone'>): ScheduleSpec {
  const cron = schedule.cron.trim();
  const every = EVERY.exec(cron);
  if (every) {
    const ms = parseDuration(every[1] ?? '');
    if (ms === undefined) throw new ScheduleSpecError(`invalid @every duration '${every[1]}'`);
    if (ms < MIN_INTERVAL_MS || ms % 1_000 !== 0)
      throw new ScheduleSpecError(`@every needs a whole number of seconds, at least 1s; got '${every[1]}'`);
    return { intervals: [{ every: ms }], timezone: schedule.timezone };
  }
  return { cronExpressions: [MACRO_ALIASES[cron] ?? cron], timezone: schedule.timezone };
}
