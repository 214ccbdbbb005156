import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import {
  scheduleActionResultSchema,
  scheduleActionSchema,
  scheduleListSchema,
  scheduleSchema,
} from './dto/schedule.dto';

const id = {
  id: {
    description: 'Schedule id (`flowgate:<tenant>:<pipeline>`, URL-encoded) or the pipeline name',
    schema: z.string(),
  },
};

const action = (verb: 'pause' | 'resume' | 'trigger', summary: string, status: 200 | 202): RouteSpec => ({
  method: 'POST',
  path: `/v1/schedules/{id}/${verb}`,
  operationId: `${verb}Schedule`,
  summary,
  tag: 'schedules',
  permission: 'runs:write',
  params: id,
  body: { schema: scheduleActionSchema, required: false },
  responses: {
    [status]: { description: 'The schedule after the action', schema: scheduleActionResultSchema },
    409: { description: '`conflict`: the Temporal schedule was deleted outside Flowgate' },
  },
});

export const schedulesRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/schedules',
    operationId: 'listSchedules',
    summary: 'The tenant’s pipeline schedules with their state and next runs',
    tag: 'schedules',
    permission: 'pipelines:read',
    responses: { 200: { description: 'Every schedule', schema: scheduleListSchema } },
  },
  {
    method: 'GET',
    path: '/v1/schedules/{id}',
    operationId: 'getSchedule',
    summary: 'One schedule',
    tag: 'schedules',
    permission: 'pipelines:read',
    params: id,
    responses: { 200: { description: 'The schedule', schema: scheduleSchema } },
  },
  action('pause', 'Pause a schedule (no run starts until it is resumed)', 200),
  action('resume', 'Resume a paused schedule', 200),
  action('trigger', 'Start a run of the schedule now (whatever its overlap policy)', 202),
];
