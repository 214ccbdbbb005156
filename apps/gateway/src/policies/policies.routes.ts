import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { evaluatePolicySchema } from './dto/evaluate-policy.dto';

/** The shape `presentPolicy` returns (with `document` when asked for one policy). */
const policy = z.object({
  name: z.string(),
  version: z.number().int(),
  mode: z.enum(['enforce', 'warn', 'dry-run']),
  enabled: z.boolean(),
  digest: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  document: z.record(z.string(), z.unknown()).optional(),
  source: z.string().optional(),
  format: z.enum(['yaml', 'json']).optional(),
});

/** The shape `presentDecision` returns. */
const decision = z.object({
  code: z.enum(['policy_allowed', 'policy_warning', 'policy_denied']),
  message: z.string(),
  effect: z.enum(['allow', 'warn', 'deny']),
  policy: z.string(),
  version: z.number().int(),
  ruleId: z.string(),
  ruleType: z.string().optional(),
  reason: z.string(),
  mode: z.string(),
  stepPath: z.string().optional(),
  activity: z.string().optional(),
});

const name = { name: { description: 'Policy name', schema: z.string() } };

export const policiesRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/v1/policies',
    operationId: 'applyPolicy',
    summary: 'Add a version of a policy (YAML or JSON document); the same content again changes nothing',
    tag: 'policies',
    permission: 'policies:write',
    body: {
      contentTypes: ['application/yaml', 'text/yaml', 'application/json'],
      description: 'A `kind: Policy` document (see docs/policies.md)',
    },
    responses: {
      201: { description: 'A new version', schema: policy.extend({ created: z.literal(true) }) },
      200: {
        description: 'Identical to the latest version',
        schema: policy.extend({ created: z.literal(false) }),
      },
      400: { description: '`invalid_policy` with every problem located' },
      409: { description: '`conflict`: that version exists with other content' },
    },
  },
  {
    method: 'POST',
    path: '/v1/policies/evaluate',
    operationId: 'evaluatePolicies',
    summary: 'Dry run: evaluate a pipeline against the current policies or a candidate document',
    tag: 'policies',
    permission: 'pipelines:read',
    body: { schema: evaluatePolicySchema },
    responses: {
      200: {
        description: 'Every decision; nothing is started or reserved',
        schema: z.object({
          allowed: z.boolean(),
          pipeline: z
            .object({ name: z.string(), version: z.number().int(), digest: z.string() })
            .passthrough(),
          policies: z.array(
            z.object({ name: z.string(), version: z.number().int(), mode: z.string(), enabled: z.boolean() }),
          ),
          decisions: z.array(decision),
          denials: z.array(decision),
          warnings: z.array(decision),
        }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/policies',
    operationId: 'listPolicies',
    summary: 'The latest version of every policy of the tenant',
    tag: 'policies',
    permission: 'pipelines:read',
    responses: { 200: { description: 'Every policy', schema: z.object({ items: z.array(policy) }) } },
  },
  {
    method: 'GET',
    path: '/v1/policies/{name}',
    operationId: 'getPolicy',
    summary: 'One policy: its latest version with the document, and the list of versions',
    tag: 'policies',
    permission: 'pipelines:read',
    params: name,
    responses: {
      200: { description: 'The policy', schema: policy.extend({ versions: z.array(z.number().int()) }) },
      404: { description: '`not_found`' },
    },
  },
  {
    method: 'GET',
    path: '/v1/policies/{name}/versions/{version}',
    operationId: 'getPolicyVersion',
    summary: 'One version of a policy',
    tag: 'policies',
    permission: 'pipelines:read',
    params: {
      ...name,
      version: { description: 'Version number', schema: z.coerce.number().int().positive() },
    },
    responses: { 200: { description: 'The version', schema: policy }, 404: { description: '`not_found`' } },
  },
];
