import { z } from 'zod';

/** Status filters of `GET /v1/approvals`: one status, `pending` (= still open), `decided` (closed) or `all`. */
export const APPROVAL_STATUS_FILTERS = [
  'pending',
  'escalated',
  'approved',
  'rejected',
  'timed_out',
  'submitted',
  'cancelled',
  'decided',
  'all',
] as const;

/** `GET /v1/approvals` query. */
export const listApprovalsQuerySchema = z
  .object({
    status: z
      .enum(APPROVAL_STATUS_FILTERS)
      .default('pending')
      .describe(
        '`pending`: still open (pending or escalated); `decided`: closed; `all`; or one exact status',
      ),
    runId: z.string().min(1).max(500).optional().describe('Only this run'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export type ListApprovalsQuery = z.infer<typeof listApprovalsQuerySchema>;

/** `POST /v1/runs/:id/resume` body: a vote (approval steps) or data (input steps). */
export const decideBodySchema = z
  .object({
    stepId: z
      .string()
      .min(1)
      .max(500)
      .describe('Id of the approval/input step, or its runtime path (e.g. `m[3]/review`)'),
    decision: z.enum(['approve', 'reject']).optional().describe('Approval steps'),
    data: z.unknown().optional().describe("Input steps: the data, checked against the step's JSON Schema"),
    comment: z.string().max(10_000).default(''),
  })
  .strict()
  .refine((b) => b.decision !== undefined || b.data !== undefined, {
    message: 'give a decision (approval steps) or data (input steps)',
    path: ['decision'],
  })
  .refine((b) => b.decision === undefined || b.data === undefined, {
    message: 'give either a decision or data, not both',
    path: ['data'],
  });

export type DecideBody = z.infer<typeof decideBodySchema>;
