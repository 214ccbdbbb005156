import { z } from 'zod';

/** `POST /v1/runs/:id/cancel` body (optional). */
export const cancelRunSchema = z
  .object({ reason: z.string().max(1_000).optional().describe('Recorded in the audit trail') })
  .strict()
  .default({});

export type CancelRunBody = z.infer<typeof cancelRunSchema>;

/** `POST /v1/runs/:id/retry` body. */
export const retryRunSchema = z
  .object({
    mode: z
      .enum(['reset', 'rerun'])
      .default('rerun')
      .describe(
        '`reset`: Temporal reset of the same run to the workflow task before the failed step (steps before it are kept); ' +
          '`rerun`: a new run with the same pinned plan, linked to this one by `retryOf`',
      ),
    inputPatch: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('rerun only: a JSON merge patch (RFC 7396) applied to the original input'),
    reason: z.string().max(1_000).optional(),
  })
  .strict()
  .refine((b) => b.mode === 'rerun' || b.inputPatch === undefined, {
    message: 'inputPatch applies to mode rerun only (a reset replays the original input)',
    path: ['inputPatch'],
  });

export type RetryRunBody = z.infer<typeof retryRunSchema>;
