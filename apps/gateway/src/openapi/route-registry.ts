import { apiKeysRoutes } from '../api-keys/api-keys.routes';
import { approvalsRoutes } from '../approvals/approvals.routes';
import { circuitsRoutes } from '../circuits/circuits.routes';
import { codecRoutes } from '../codec/codec.routes';
import { healthRoutes } from '../health/health.routes';
import { pipelinesRoutes } from '../pipelines/pipelines.routes';
import { policiesRoutes } from '../policies/policies.routes';
import { runsRoutes } from '../runs/runs.routes';
import { schedulesRoutes } from '../schedules/schedules.routes';
import { openapiRoutes } from './openapi.routes';
import type { RouteSpec } from './route-spec';

/** Every documented REST operation. A unit test checks it against the controllers' routes. */
export const ROUTES: RouteSpec[] = [
  ...healthRoutes,
  ...pipelinesRoutes,
  ...runsRoutes,
  ...approvalsRoutes,
  ...apiKeysRoutes,
  ...policiesRoutes,
  ...schedulesRoutes,
  ...circuitsRoutes,
  ...codecRoutes,
  ...openapiRoutes,
];
