import { z } from 'zod';
import { PipelineDocumentSchema } from '@flowgate/dsl';
import type { RouteSpec } from '../openapi/route-spec';

const pipelineSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  digest: z.string(),
  tags: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
const withDocument = pipelineSchema.extend({
  document: z.unknown(),
  source: z.string(),
  format: z.enum(['yaml', 'json']),
});
const documentBody = {
  schema: PipelineDocumentSchema,
  contentTypes: ['application/json', 'application/yaml', 'text/yaml'],
  description: 'The pipeline document (YAML or JSON); see docs/dsl.md',
  required: true,
};
const scheduleOutcome = z
  .object({
    outcome: z.enum(['created', 'updated', 'deleted', 'none', 'superseded']),
    scheduleId: z.string().optional(),
    latestVersion: z.number().int().optional(),
  })
  .describe(
    "What happened to the pipeline's Temporal Schedule: `created`/`updated` from `spec.schedule`, `deleted` (this latest version has none), `none`, or `superseded` (a newer version exists and keeps its schedule)",
  );
const name = { name: { description: 'Pipeline name', schema: z.string() } };

export const pipelinesRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/v1/pipelines',
    operationId: 'registerPipeline',
    summary: 'Register a pipeline version',
    tag: 'pipelines',
    permission: 'pipelines:write',
    body: documentBody,
    responses: {
      201: {
        description: 'Registered',
        schema: pipelineSchema.extend({
          created: z.boolean(),
          warnings: z.array(z.unknown()),
          schedule: scheduleOutcome,
        }),
      },
      200: {
        description: 'Same version, same content: unchanged (its schedule is synced again)',
        schema: pipelineSchema.extend({ created: z.boolean(), schedule: scheduleOutcome }),
      },
      409: { description: '`conflict`: the version exists with different content' },
      503: {
        description:
          '`unavailable`: the version is stored but its schedule could not be synced with Temporal; register it again',
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/pipelines/validate',
    operationId: 'validatePipeline',
    summary: 'Validate and compile a document without storing it',
    tag: 'pipelines',
    permission: 'pipelines:read',
    body: documentBody,
    responses: {
      200: {
        description: 'Valid',
        schema: z.object({
          valid: z.literal(true),
          pipeline: z.unknown(),
          digest: z.string(),
          activities: z.array(z.string()),
          warnings: z.array(z.unknown()),
        }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/pipelines',
    operationId: 'listPipelines',
    summary: 'The latest version of each pipeline',
    tag: 'pipelines',
    permission: 'pipelines:read',
    responses: { 200: { description: 'Pipelines', schema: z.object({ items: z.array(pipelineSchema) }) } },
  },
  {
    method: 'GET',
    path: '/v1/pipelines/{name}',
    operationId: 'getPipeline',
    summary: 'A pipeline: latest version with its document, and the list of versions',
    tag: 'pipelines',
    permission: 'pipelines:read',
    params: name,
    responses: {
      200: {
        description: 'The pipeline',
        schema: withDocument.extend({ versions: z.array(z.number().int()) }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/pipelines/{name}/versions/{version}',
    operationId: 'getPipelineVersion',
    summary: 'One version of a pipeline',
    tag: 'pipelines',
    permission: 'pipelines:read',
    params: { ...name, version: { description: 'Version number', schema: z.number().int().positive() } },
    responses: { 200: { description: 'The version', schema: withDocument } },
  },
  {
    method: 'GET',
    path: '/v1/activities',
    operationId: 'listActivities',
    summary: 'The activity catalog published by the workers',
    tag: 'pipelines',
    permission: 'pipelines:read',
    responses: {
      200: {
        description: 'Activities',
        schema: z.object({
          items: z.array(
            z.object({
              name: z.string(),
              description: z.string().optional(),
              inputSchema: z.unknown(),
              outputSchema: z.unknown(),
            }),
          ),
        }),
      },
    },
  },
];
