import { z } from 'zod';

/** Body of `POST /v1/schedules/:id/pause|resume|trigger` (optional). */
export const scheduleActionSchema = z
  .object({
    note: z
      .string()
      .max(500)
      .optional()
      .describe('Recorded with the action (the Temporal schedule note and the audit trail)'),
  })
  .strict()
  .default({});

export type ScheduleActionBody = z.infer<typeof scheduleActionSchema>;

const scheduledRunSchema = z.object({
  runId: z.string().describe('Flowgate run id (= Temporal workflow id)'),
  scheduledAt: z.iso.datetime().nullable(),
  startedAt: z.iso.datetime().nullable(),
});

/** One schedule as the API shows it. */
export const scheduleSchema = z.object({
  id: z.string().describe('Temporal schedule id: `flowgate:<tenant>:<pipeline>`'),
  pipeline: z.object({ name: z.string(), version: z.number().int() }),
  cron: z.string().describe('As written in `spec.schedule.cron`'),
  timezone: z.string(),
  overlap: z.string(),
  input: z.unknown(),
  state: z
    .enum(['active', 'paused', 'missing'])
    .describe('`missing`: the Temporal schedule was deleted outside Flowgate (register the pipeline again)'),
  paused: z.boolean(),
  note: z.string().nullable(),
  nextRunAt: z.iso.datetime().nullable(),
  nextActionTimes: z.array(z.iso.datetime()),
  lastRunAt: z.iso.datetime().nullable(),
  recentRuns: z.array(scheduledRunSchema),
  runningRuns: z.array(z.string()),
  actionsTaken: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
  links: z.object({ temporalUi: z.string() }),
});

export const scheduleListSchema = z.object({ items: z.array(scheduleSchema) });

export const scheduleActionResultSchema = scheduleSchema.extend({
  action: z.enum(['pause', 'resume', 'trigger']),
  ok: z.literal(true),
});
