import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { decideBodySchema, listApprovalsQuerySchema } from './dto/approvals.dto';

const vote = z.object({
  actor: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().optional(),
  at: z.string(),
  round: z.number().int(),
});

const status = z.enum([
  'pending',
  'escalated',
  'approved',
  'rejected',
  'timed_out',
  'submitted',
  'cancelled',
]);

export const approvalSchema = z.object({
  runId: z.string(),
  stepId: z.string(),
  path: z.string(),
  kind: z.enum(['approval', 'input']),
  status,
  pipeline: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  approvers: z.object({ roles: z.array(z.string()), users: z.array(z.string()) }),
  quorum: z.number().int(),
  rejectOnFirst: z.boolean(),
  round: z.number().int(),
  escalated: z.boolean(),
  votes: z.array(vote),
  message: z.unknown(),
  schema: z.unknown().optional(),
  submission: z.unknown().optional(),
  output: z.unknown(),
  requestedAt: z.string(),
  deadline: z.string().nullable(),
  decidedAt: z.string().nullable(),
  workflowId: z.string().optional(),
});

export const decisionResultSchema = z.object({
  accepted: z.literal(true),
  runId: z.string(),
  stepId: z.string(),
  path: z.string(),
  kind: z.enum(['approval', 'input']),
  status,
  duplicate: z.boolean().describe('The caller had already voted in this round: nothing changed'),
  quorum: z.number().int(),
  approvals: z.number().int(),
  rejections: z.number().int(),
  votes: z.array(vote),
  output: z.unknown().describe('The step output once decided, else null'),
});

/** REST operations of the approvals feature (for the OpenAPI route registry). */
export const approvalsRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/approvals',
    operationId: 'listApprovals',
    summary: 'Approval and input requests the caller may decide',
    description:
      'Tenant-scoped; matched on the caller’s user id (key name) and roles (key role + approver groups); admins see every request of their tenant.',
    tag: 'approvals',
    permission: 'runs:read',
    query: listApprovalsQuerySchema,
    responses: {
      200: { description: 'Requests, newest first', schema: z.object({ items: z.array(approvalSchema) }) },
    },
  },
  {
    method: 'POST',
    path: '/v1/runs/{id}/resume',
    operationId: 'resumeRun',
    summary: 'Vote on an approval step or submit input data (Temporal update `flowgate.decide`)',
    tag: 'approvals',
    permission: 'approvals:decide',
    params: {
      id: { description: 'Run id (URL-encode child run ids, which contain `/`)', schema: z.string() },
    },
    body: { schema: decideBodySchema, required: true },
    responses: {
      200: { description: 'Accepted: the step’s state after the decision', schema: decisionResultSchema },
      400: {
        description:
          '`validation_failed`: malformed body, or input data failing the step’s schema (`errors`)',
      },
      403: { description: '`forbidden`: the caller is not among the step’s approvers' },
      404: { description: '`not_found`: unknown run, or no such approval/input step in the run' },
      409: { description: '`conflict`: the step is already decided; `invalid_run_state`: the run has ended' },
    },
  },
];
