import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import { listCircuitsQuery } from './dto/list-circuits.query';

/** The shape `presentCircuit` returns. */
const circuit = z.object({
  dependency: z.string().describe('HTTP origin or LLM base URL'),
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number().int(),
  openedAt: z.string().nullable(),
  halfOpenAt: z.string().nullable(),
  probeInFlight: z.boolean(),
  retryInMs: z.number().describe('Milliseconds until the next probe may go through (open circuits), else 0'),
  lastError: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const circuitsRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/circuits',
    operationId: 'listCircuits',
    summary: 'Circuit breakers of every outside dependency the workers call (shared through PostgreSQL)',
    tag: 'circuits',
    permission: 'runs:read',
    query: listCircuitsQuery,
    responses: { 200: { description: 'Every circuit', schema: z.object({ items: z.array(circuit) }) } },
  },
  {
    method: 'GET',
    path: '/v1/circuits/{dependency}',
    operationId: 'getCircuit',
    summary: 'One circuit breaker',
    tag: 'circuits',
    permission: 'runs:read',
    params: { dependency: { description: 'The dependency, URL-encoded', schema: z.string() } },
    responses: { 200: { description: 'The circuit', schema: circuit }, 404: { description: '`not_found`' } },
  },
];
