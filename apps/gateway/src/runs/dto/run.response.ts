import { z } from 'zod';
import { runStatusSchema } from './list-runs.dto';

const when = z.iso.datetime().nullable();

export const stepSchema = z.object({
  path: z.string().describe('Runtime step path, e.g. `replies[3]/draft`'),
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  startedAt: when,
  finishedAt: when,
  outputPreview: z.string().nullable(),
  error: z.unknown(),
});

export const runSchema = z.object({
  id: z.string().describe('Also the Temporal workflow id'),
  status: runStatusSchema,
  pipeline: z.object({ name: z.string(), version: z.number().int(), digest: z.string() }),
  input: z.unknown(),
  output: z.unknown(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  tags: z.array(z.string()),
  submittedBy: z.string(),
  parentRunId: z.string().nullable(),
  parentStepPath: z.string().nullable(),
  retryOf: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: when,
  links: z.object({
    self: z.string(),
    temporalUi: z.url().describe('Deep link to the run in the Temporal Web UI'),
  }),
  steps: z.array(stepSchema).optional().describe('Only on GET /v1/runs/{id}'),
});

export const runListSchema = z.object({
  items: z.array(runSchema),
  page: z.object({ limit: z.number().int(), nextCursor: z.string().nullable(), hasMore: z.boolean() }),
});

export const retriedRunSchema = runSchema.extend({
  retry: z.union([
    z.object({
      mode: z.literal('reset'),
      failedStep: z.string(),
      resetToEventId: z.number().int(),
      temporalRunId: z.string(),
    }),
    z.object({ mode: z.literal('rerun'), retryOf: z.string() }),
  ]),
});

export const resumeResultSchema = z.object({
  runId: z.string(),
  accepted: z.literal(true),
  signal: z.object({
    stepId: z.string(),
    decision: z.enum(['approve', 'reject']).optional(),
    data: z.unknown().optional(),
    comment: z.string(),
    actor: z.string(),
  }),
});
