import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { deadLetterRoutes } from './dead-letter.routes';
import { listRunsQuerySchema } from './dto/list-runs.dto';
import { cancelRunSchema, retryRunSchema } from './dto/run-control.dto';
import { retriedRunSchema, runListSchema, runSchema } from './dto/run.response';
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
  ...deadLetterRoutes,
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
    method: 'GET',
    path: '/v1/runs/{id}/blobs/{blobId}',
    operationId: 'getRunBlob',
    summary: 'Download a large step output stored by reference',
    description:
      'Step results above 256 KB are stored in the blob store and appear in outputs as `{ "$ref": "blob:<blobId>", size, sha256, preview }`. ' +
      'This returns the stored JSON value, byte for byte (`ETag`: its SHA-256). 404 unless the run belongs to the caller’s tenant ' +
      'and the blob to the run’s tree (the run, its sub-pipelines and map batches).',
    tag: 'runs',
    permission: 'runs:read',
    params: {
      ...id,
      blobId: { description: 'The id after `blob:` in the reference', schema: z.string() },
    },
    responses: {
      200: { description: 'The stored JSON value', schema: z.unknown() },
      404: { description: '`not_found`: unknown run or blob (or another tenant’s)' },
    },
  },
];
