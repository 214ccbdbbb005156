import { apiKeysRoutes } from '../api-keys/api-keys.routes';
import { healthRoutes } from '../health/health.routes';
import { pipelinesRoutes } from '../pipelines/pipelines.routes';
import { runsRoutes } from '../runs/runs.routes';
import { openapiRoutes } from './openapi.routes';
import type { RouteSpec } from './route-spec';

/** Every documented REST operation. A unit test checks it against the controllers' routes. */
export const ROUTES: RouteSpec[] = [
  ...healthRoutes,
  ...pipelinesRoutes,
  ...runsRoutes,
  ...apiKeysRoutes,
  ...openapiRoutes,
];
