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

/** `POST /v1/runs/:id/resume` body: a human decision or data for a waiting step. */
export const resumeRunSchema = z
  .object({
    stepId: z.string().min(1).max(500).describe('Id (or runtime path) of the approval/input step'),
    decision: z.enum(['approve', 'reject']).optional().describe('For approval steps'),
    data: z
      .unknown()
      .optional()
      .describe('For input steps: the data, checked by the step against its schema'),
    comment: z.string().max(10_000).default(''),
  })
  .strict()
  .refine((b) => b.decision !== undefined || b.data !== undefined, {
    message: 'give a decision (approval steps) or data (input steps)',
    path: ['decision'],
  });

export type ResumeRunBody = z.infer<typeof resumeRunSchema>;
