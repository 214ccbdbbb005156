import type { ScheduleView } from './schedules.service';

const iso = (d: Date | undefined | null): string | null => (d ? d.toISOString() : null);

/** Public JSON shape of a schedule. */
export function presentSchedule(view: ScheduleView, temporalUi: string) {
  const { record, description: d } = view;
  const recent = [...(d?.info.recentActions ?? [])].reverse();
  const next = d?.info.nextActionTimes ?? [];
  const paused = d?.state.paused ?? false;
  return {
    id: record.scheduleId,
    pipeline: { name: record.pipeline, version: record.version },
    cron: record.cron,
    timezone: record.timezone,
    overlap: record.overlap,
    input: record.input,
    state: !d ? ('missing' as const) : paused ? ('paused' as const) : ('active' as const),
    paused,
    note: d?.state.note ?? null,
    nextRunAt: iso(paused ? undefined : next[0]),
    nextActionTimes: paused ? [] : next.slice(0, 5).map((t) => t.toISOString()),
    lastRunAt: iso(recent[0]?.takenAt),
    recentRuns: recent.map((a) => ({
      runId: a.action.workflow.workflowId,
      scheduledAt: iso(a.scheduledAt),
      startedAt: iso(a.takenAt),
    })),
    runningRuns: (d?.info.runningActions ?? []).map((a) => a.workflow.workflowId),
    actionsTaken: d?.info.numActionsTaken ?? 0,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    updatedBy: record.updatedBy,
    links: { temporalUi },
  };
}
