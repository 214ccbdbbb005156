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

/** One open approval/input request a waiting run waits for. */
export const waitingForSchema = z.object({
  stepPath: z.string().describe('Runtime path of the approval/input step'),
  kind: z.enum(['approval', 'input']),
  roles: z.array(z.string()).describe('Approver roles (key role or approver groups) that may decide'),
  users: z.array(z.string()).describe('Approver user ids (key names) that may decide'),
  quorum: z.number().int(),
  deadline: z.iso.datetime().optional(),
});

export const runSchema = z.object({
  id: z.string().describe('Also the Temporal workflow id'),
  status: runStatusSchema,
  pipeline: z.object({ name: z.string(), version: z.number().int(), digest: z.string() }),
  input: z.unknown(),
  output: z
    .unknown()
    .describe(
      'The run output. Large step results are stored by reference (`{ "$ref": "blob:<id>", size, sha256, preview }`): ' +
        'GET /v1/runs/{id} replaces references by their value (up to 10 MB per response); lists return them as they are',
    ),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  tags: z.array(z.string()),
  submittedBy: z.string(),
  parentRunId: z.string().nullable(),
  parentStepPath: z.string().nullable(),
  retryOf: z.string().nullable(),
  waitingFor: z
    .array(waitingForSchema)
    .nullable()
    .describe('While the run is `waiting`: who it waits for (one entry per open approval/input step)'),
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
