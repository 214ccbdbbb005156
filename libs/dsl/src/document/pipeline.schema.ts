import { z } from 'zod';
import type { Json, JsonObject } from '../plan/plan.types';
import { STEP_KINDS } from '../plan/plan.types';
import { DURATION_PATTERN, parseDuration } from './duration';
import { kindKeysOf } from './step-kind';
import type {
  AggregateSpec,
  ApprovalStep,
  ApproverSet,
  FailStep,
  InputStep,
  JoinSpec,
  LoopStep,
  MapStep,
  ParallelStep,
  PipelineDocument,
  PipelineStep,
  RetrySpec,
  SetStep,
  Step,
  SwitchStep,
  TimeoutSpec,
  UsesStep,
  WaitStep,
} from './document.types';

/**
 * The zod schema of the pipeline document. Objects are strict (unknown keys are errors). There are
 * no transforms: a parsed document is the user's data, unchanged, so that its digest is stable and
 * the builder can produce exactly the same value.
 */

export const STEP_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
export const PIPELINE_NAME_PATTERN = '^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$';
export const ACTIVITY_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z_][A-Za-z0-9_-]*)*$';
export const EXPRESSION_PATTERN = '^\\s*\\$\\{[\\s\\S]*\\}\\s*$';
export const ISO_TIMESTAMP_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:\\d{2})$';

const JsonValue: z.ZodType<Json> = z.json().meta({ id: 'Json', description: 'Any JSON value.' });
const TemplateValue: z.ZodType<Json> = z.json().meta({
  id: 'Template',
  description: 'A JSON value whose strings may contain ${ expr } parts (JSONata).',
});
const JsonObjectValue: z.ZodType<JsonObject> = z.record(z.string(), JsonValue).meta({ id: 'JsonObject' });

const Expression = z
  .string()
  .regex(new RegExp(EXPRESSION_PATTERN), {
    error: 'must be a single ${ } expression, e.g. "${ input.count > 0 }"',
  })
  .meta({ id: 'Expression', description: 'A JSONata expression written as "${ expr }".' });

const durationBase = z.union([
  z.string().regex(new RegExp(DURATION_PATTERN), {
    error: 'must be a duration such as 500ms, 30s, 5m, 24h, 1d or 1h30m (or a number of milliseconds)',
  }),
  z.number().int().nonnegative(),
]);
const Duration = durationBase.meta({
  id: 'Duration',
  description: 'Milliseconds, or a string such as 500ms, 30s, 5m, 24h, 1d, 1h30m.',
});
const PositiveDuration = Duration.refine((v) => parseDuration(v) !== 0, { error: 'must be greater than 0' });

const StepId = z
  .string()
  .regex(new RegExp(STEP_ID_PATTERN), {
    error:
      'step id must start with a letter or _ and contain only letters, digits and _ (at most 64 characters)',
  })
  .meta({ description: 'Unique in the whole document; expressions read it as steps.<id>.' });

const PipelineName = z.string().regex(new RegExp(PIPELINE_NAME_PATTERN), {
  error: 'must be a DNS label: lowercase letters, digits and -, starting and ending alphanumeric, at most 63',
});
const Version = z.number().int().positive();
const Tags = z.array(z.string().min(1));

const Retry: z.ZodType<RetrySpec> = z
  .strictObject({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Total attempts, including the first.' }),
    initialInterval: PositiveDuration.optional(),
    backoffCoefficient: z.number().min(1).optional(),
    maxInterval: PositiveDuration.optional(),
    nonRetryable: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'Error types that are never retried.' }),
  })
  .meta({ id: 'Retry' });

const Timeout: z.ZodType<TimeoutSpec> = z
  .strictObject({
    startToClose: PositiveDuration.optional(),
    scheduleToClose: PositiveDuration.optional(),
    heartbeat: PositiveDuration.optional(),
  })
  .meta({ id: 'Timeout' });

const StepList: z.ZodType<Step[]> = z
  .array(z.lazy(() => StepSchema))
  .min(1, { error: 'must contain at least one step' })
  .meta({ id: 'StepList' });

const common = {
  id: StepId,
  needs: z
    .array(z.string())
    .optional()
    .meta({ description: 'Sibling step ids that must finish first. Default: the previous step.' }),
  when: Expression.optional().meta({ description: 'Run the step only if this expression is truthy.' }),
  retry: Retry.optional(),
  timeout: Timeout.optional(),
  onError: z.enum(['fail', 'continue', 'compensate']).optional(),
  compensate: StepList.optional().meta({
    description: 'Saga: steps that undo this one if a later step fails.',
  }),
  output: Expression.optional().meta({ description: 'Computes the step output from { ..., result }.' }),
  tags: Tags.optional(),
  description: z.string().optional(),
};

const UsesSchema: z.ZodType<UsesStep> = z
  .strictObject({
    ...common,
    uses: z
      .string()
      .regex(new RegExp(ACTIVITY_NAME_PATTERN), { error: 'must be an activity name such as http.request' }),
    with: TemplateValue.optional(),
  })
  .meta({ id: 'UsesStep', description: 'Runs an activity.' });

const Join: z.ZodType<JoinSpec> = z.union([
  z.enum(['all', 'any', 'first']),
  z.strictObject({ atLeast: z.number().int().min(1) }),
]);

const ParallelSchema: z.ZodType<ParallelStep> = z
  .strictObject({
    ...common,
    parallel: z.strictObject({
      branches: z.array(StepList).min(1, { error: 'must contain at least one branch' }),
      merge: z.enum(['deep', 'shallow', 'append', 'collect', 'first']).optional(),
      join: Join.optional(),
    }),
  })
  .meta({ id: 'ParallelStep', description: 'Runs branches concurrently and merges their outputs.' });

const Aggregate: z.ZodType<AggregateSpec> = z.union([
  z.enum(['collect', 'vote']),
  z.strictObject({ vote: z.strictObject({ by: Expression }) }),
  z.strictObject({ maxBy: Expression }),
  z.strictObject({ reduce: Expression, initial: JsonValue.optional() }),
]);

const MapSchema: z.ZodType<MapStep> = z
  .strictObject({
    ...common,
    map: z.strictObject({
      items: z.union([Expression, z.array(JsonValue)]),
      concurrency: z.number().int().min(1).optional(),
      batchSize: z.number().int().min(1).optional(),
      steps: StepList,
      aggregate: Aggregate.optional(),
    }),
  })
  .meta({ id: 'MapStep', description: 'Runs nested steps once per item.' });

const SwitchSchema: z.ZodType<SwitchStep> = z
  .strictObject({
    ...common,
    switch: z.strictObject({
      cases: z
        .array(z.strictObject({ when: Expression, steps: StepList }))
        .min(1, { error: 'must contain at least one case' }),
      default: StepList.optional(),
    }),
  })
  .meta({ id: 'SwitchStep', description: 'Runs the steps of the first case whose `when` is truthy.' });

const LoopSchema: z.ZodType<LoopStep> = z
  .strictObject({
    ...common,
    loop: z
      .strictObject({
        while: Expression.optional(),
        until: Expression.optional(),
        maxIterations: z.number().int().min(1).optional(),
        steps: StepList,
      })
      .check((ctx) => {
        if ((ctx.value.while === undefined) === (ctx.value.until === undefined)) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'loop must have exactly one of while|until',
          });
        }
      }),
  })
  .meta({ id: 'LoopStep', description: 'Repeats nested steps while/until a condition holds.' });

const WaitSchema: z.ZodType<WaitStep> = z
  .strictObject({
    ...common,
    wait: z
      .strictObject({
        duration: Duration.optional(),
        until: z
          .union([
            Expression,
            z.string().regex(new RegExp(ISO_TIMESTAMP_PATTERN), {
              error: 'must be a ${ } expression or an ISO-8601 timestamp such as 2030-01-01T09:00:00Z',
            }),
          ])
          .optional(),
      })
      .check((ctx) => {
        if ((ctx.value.duration === undefined) === (ctx.value.until === undefined)) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'wait must have exactly one of duration|until',
          });
        }
      }),
  })
  .meta({ id: 'WaitStep', description: 'Sleeps for a duration or until a time.' });

const PipelineSchema: z.ZodType<PipelineStep> = z
  .strictObject({
    ...common,
    pipeline: z.strictObject({ name: PipelineName, version: Version }),
    with: TemplateValue.optional(),
  })
  .meta({
    id: 'PipelineStep',
    description: 'Runs a registered pipeline, pinned to a version, as a child workflow.',
  });

const SetSchema: z.ZodType<SetStep> = z
  .strictObject({ ...common, set: z.record(z.string(), TemplateValue) })
  .meta({ id: 'SetStep', description: 'Computes values; the step output is the object.' });

const FailSchema: z.ZodType<FailStep> = z
  .strictObject({
    ...common,
    fail: z.strictObject({
      message: z.string().min(1),
      errorType: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { error: 'must be an identifier' })
        .optional(),
    }),
  })
  .meta({
    id: 'FailStep',
    description: 'Fails the run (or the enclosing scope) with a non-retryable error.',
  });

const Approvers: z.ZodType<ApproverSet> = z
  .strictObject({
    roles: z.array(z.string().min(1)).optional(),
    users: z.array(z.string().min(1)).optional(),
  })
  .check((ctx) => {
    if ((ctx.value.roles?.length ?? 0) + (ctx.value.users?.length ?? 0) === 0) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: 'must name at least one role or user' });
    }
  })
  .meta({ id: 'Approvers' });

const ApprovalSchema: z.ZodType<ApprovalStep> = z
  .strictObject({
    ...common,
    approval: z
      .strictObject({
        approvers: Approvers,
        quorum: z.number().int().min(1).optional(),
        rejectOnFirst: z.boolean().optional(),
        timeout: PositiveDuration.optional(),
        onTimeout: z.enum(['approve', 'reject', 'fail', 'escalate']).optional(),
        escalation: z
          .strictObject({
            approvers: Approvers,
            quorum: z.number().int().min(1).optional(),
            timeout: PositiveDuration.optional(),
            onTimeout: z.enum(['approve', 'reject', 'fail']).optional(),
          })
          .optional(),
        reminder: z.strictObject({ every: PositiveDuration, webhook: TemplateValue.optional() }).optional(),
        message: TemplateValue.optional(),
      })
      .check((ctx) => {
        const a = ctx.value;
        if (a.onTimeout === 'escalate' && !a.escalation) {
          ctx.issues.push({
            code: 'custom',
            input: a,
            message: 'onTimeout: escalate requires an escalation block',
          });
        }
        if (a.onTimeout === 'escalate' && a.timeout === undefined) {
          ctx.issues.push({ code: 'custom', input: a, message: 'onTimeout: escalate requires a timeout' });
        }
        if (a.escalation && a.onTimeout !== 'escalate') {
          ctx.issues.push({
            code: 'custom',
            input: a,
            message: 'escalation is only used with onTimeout: escalate',
          });
        }
      }),
  })
  .meta({ id: 'ApprovalStep', description: 'Pauses until people approve or reject (human in the loop).' });

const InputSchema: z.ZodType<InputStep> = z
  .strictObject({
    ...common,
    input: z.strictObject({
      from: Approvers.optional(),
      schema: JsonObjectValue,
      timeout: PositiveDuration.optional(),
      message: TemplateValue.optional(),
    }),
  })
  .meta({ id: 'InputStep', description: 'Pauses until a person supplies data matching a JSON Schema.' });

/** Union members in STEP_KINDS order; the parser relies on this order to pick the errors of the intended kind. */
export const STEP_KIND_SCHEMAS = [
  UsesSchema,
  ParallelSchema,
  MapSchema,
  SwitchSchema,
  LoopSchema,
  WaitSchema,
  PipelineSchema,
  SetSchema,
  FailSchema,
  ApprovalSchema,
  InputSchema,
] as const;

const KIND_LIST = STEP_KINDS.join('|');

/**
 * One step. The kind key is checked first so that a step with no kind key, or with several, gets
 * one precise error; then the union picks the alternative of that kind.
 */
export const StepSchema: z.ZodType<Step> = z
  .unknown()
  .check((ctx) => {
    const value = ctx.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `step must be an object with an id and exactly one of ${KIND_LIST}, got ${got}`,
      });
      return;
    }
    const kinds = kindKeysOf(value);
    if (kinds.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `step must have exactly one of ${KIND_LIST} (found: ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
      });
    }
  })
  .pipe(z.union(STEP_KIND_SCHEMAS))
  .meta({ id: 'Step', description: `A step: exactly one of ${KIND_LIST}.` });

const Schedule = z
  .strictObject({
    cron: z.string().min(1).meta({ description: 'Five-field cron expression (or @hourly, @daily, ...).' }),
    timezone: z.string().min(1).optional().meta({ description: 'IANA time zone, default UTC.' }),
    overlap: z
      .enum(['skip', 'bufferOne', 'bufferAll', 'cancelOther', 'terminateOther', 'allowAll'])
      .optional(),
    input: JsonValue.optional(),
  })
  .meta({ id: 'Schedule' });

export const PipelineDocumentSchema: z.ZodType<PipelineDocument> = z
  .strictObject({
    apiVersion: z.literal('flowgate/v1'),
    kind: z.literal('Pipeline'),
    metadata: z.strictObject({
      name: PipelineName,
      version: Version,
      tags: Tags.optional(),
      description: z.string().optional(),
    }),
    spec: z.strictObject({
      input: JsonObjectValue.optional().meta({ description: 'JSON Schema (draft-07) of the run input.' }),
      defaults: z.strictObject({ retry: Retry.optional(), timeout: Timeout.optional() }).optional(),
      steps: StepList,
      output: Expression.optional(),
      schedule: Schedule.optional(),
    }),
  })
  .meta({
    title: 'Flowgate pipeline',
    description: 'A Flowgate pipeline document (apiVersion flowgate/v1).',
  });
