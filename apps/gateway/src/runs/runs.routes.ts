import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { listRunsQuerySchema } from './dto/list-runs.dto';
import { cancelRunSchema, resumeRunSchema, retryRunSchema } from './dto/run-control.dto';
import { resumeResultSchema, retriedRunSchema, runListSchema, runSchema } from './dto/run.response';
import { startRunSchema } from './dto/start-run.dto';

const id = {
  id: { description: 'Run id (URL-encode child run ids, which contain `/`)', schema: z.string() },
};

export const runsRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/v1/runs',
    operationId: 'startRun',
    summary: 'Start a run',
    description:
      'Starts a run of a registered pipeline (`name`, `name@version`) or an inline document. The input is checked against ' +
      "the pipeline's input schema first. With `Idempotency-Key`, the same key and body return the same run (201 for the " +
      'request that created it, 200 with `Idempotent-Replayed: true` for every other, even concurrent, one); another body → 409.',
    tag: 'runs',
    permission: 'runs:write',
    headers: {
      'Idempotency-Key': {
        description: '1-200 characters of A-Z a-z 0-9 . _ : -',
        schema: z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/),
      },
    },
    body: { schema: startRunSchema, required: true },
    responses: {
      201: {
        description: 'Started',
        schema: runSchema.extend({ warnings: z.array(z.unknown()) }),
        headers: { Location: 'The run' },
      },
      200: {
        description: 'Replayed: the run of an earlier request with the same Idempotency-Key and body',
        schema: runSchema,
      },
      409: { description: '`idempotency_conflict`: the key was used with another body' },
    },
  },
  {
    method: 'GET',
    path: '/v1/runs',
    operationId: 'listRuns',
    summary: 'List runs (newest first, cursor pagination)',
    tag: 'runs',
    permission: 'runs:read',
    query: listRunsQuerySchema,
    responses: { 200: { description: 'A page of runs', schema: runListSchema } },
  },
  {
    method: 'GET',
    path: '/v1/runs/{id}',
    operationId: 'getRun',
    summary: 'A run with its steps',
    tag: 'runs',
    permission: 'runs:read',
    params: id,
    responses: { 200: { description: 'The run', schema: runSchema } },
  },
  {
    method: 'GET',
    path: '/v1/runs/{id}/events',
    operationId: 'runEvents',
    summary: 'Server-sent events of the run’s state changes',
    description:
      '`event: snapshot` (the run with its steps), then `event: run` / `event: step` on every change, `: heartbeat` comments ' +
      '(FLOWGATE_SSE_HEARTBEAT_MS), and `event: end` once the run is succeeded, failed or cancelled; then the stream closes.',
    tag: 'runs',
    permission: 'runs:read',
    params: id,
    responses: {
      200: { description: 'text/event-stream', contentType: 'text/event-stream', schema: z.string() },
    },
  },
  {
    method: 'POST',
    path: '/v1/runs/{id}/cancel',
    operationId: 'cancelRun',
    summary: 'Request cancellation (compensations run, then the run ends `cancelled`)',
    tag: 'runs',
    permission: 'runs:write',
    params: id,
    body: { schema: cancelRunSchema, required: false },
    responses: {
      202: {
        description: 'Cancellation requested',
        schema: runSchema.extend({ cancelRequested: z.literal(true) }),
      },
      409: { description: '`invalid_run_state`: the run has already ended' },
    },
  },
  {
    method: 'POST',
    path: '/v1/runs/{id}/retry',
    operationId: 'retryRun',
    summary: 'Retry a run: Temporal reset from the failed step, or a rerun with patched input',
    tag: 'runs',
    permission: 'runs:write',
    params: id,
    body: { schema: retryRunSchema, required: true },
    responses: {
      201: { description: '`rerun`: the new run, linked by `retryOf`', schema: retriedRunSchema },
      202: {
        description: '`reset`: the same run, running again from the failed step',
        schema: retriedRunSchema,
      },
      409: {
        description:
          '`invalid_run_state`: reset of a run that did not fail in a step, or rerun of an active run',
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/runs/{id}/resume',
    operationId: 'resumeRun',
    summary: 'Send a decision or data to a waiting approval/input step (signal `flowgate.decision`)',
    tag: 'runs',
    permission: 'approvals:decide',
    params: id,
    body: { schema: resumeRunSchema, required: true },
    responses: {
      202: { description: 'Delivered to the run', schema: resumeResultSchema },
      409: { description: '`invalid_run_state`: the run has ended' },
    },
  },
];
