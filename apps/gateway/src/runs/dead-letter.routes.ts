import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { deadLetterQuerySchema } from './dto/dead-letter.dto';
import { runSchema } from './dto/run.response';

const failedStepSchema = z.object({
  path: z.string(),
  id: z.string(),
  kind: z.string(),
  attempts: z.number().int(),
  error: z.unknown(),
  finishedAt: z.iso.datetime().nullable(),
});

export const deadLetterItemSchema = runSchema.omit({ steps: true }).extend({
  failedAt: z.iso.datetime(),
  failedStep: failedStepSchema
    .nullable()
    .describe('The step the run failed in (its most recently failed step)'),
  rerunBy: z.array(z.string()).describe('Reruns of this run (`retryOf` = this run), newest first'),
  retry: z.object({
    href: z.string(),
    canReset: z.boolean().describe('`mode: reset` can re-run the failed step (an activity step)'),
  }),
});

export const deadLetterRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/runs/dead-letter',
    operationId: 'listDeadLetterRuns',
    summary: 'Failed runs (dead letter), most recently failed first, with the failed step and error',
    description:
      'Runs that failed after their retries. Retry one from its failed step with `POST /v1/runs/{id}/retry` ' +
      '`{ "mode": "reset" }` (when `retry.canReset`), or rerun it with patched input (`{ "mode": "rerun", "inputPatch": … }`).',
    tag: 'runs',
    permission: 'runs:read',
    query: deadLetterQuerySchema,
    responses: {
      200: {
        description: 'A page of failed runs',
        schema: z.object({
          items: z.array(deadLetterItemSchema),
          page: z.object({
            limit: z.number().int(),
            nextCursor: z.string().nullable(),
            hasMore: z.boolean(),
          }),
        }),
      },
    },
  },
];
