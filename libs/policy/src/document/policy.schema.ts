import { z } from 'zod';
import { DURATION_PATTERN } from '@flowgate/dsl';

/**
 * The policy document: `apiVersion: flowgate/v1, kind: Policy`. Every object is strict (an
 * unknown key is an error naming it). Durations use the pipeline DSL's syntax (`30s`, `10m`, `1d`
 * or milliseconds).
 */

export const POLICY_API_VERSION = 'flowgate/v1' as const;
export const POLICY_KIND = 'Policy' as const;

export const POLICY_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const POLICY_MODES = ['enforce', 'warn', 'dry-run'] as const;
export const RULE_TYPES = [
  'activity',
  'egress',
  'retry',
  'timeout',
  'map',
  'approval',
  'quota',
  'budget',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** Activities whose `with.url` an egress rule checks unless the rule lists its own. */
export const DEFAULT_EGRESS_ACTIVITIES = ['http.request', 'notify.webhook'];

const glob = z.string().min(1).max(256);
const globs = z.array(glob).min(1);
const duration = z.union([
  z.string().regex(new RegExp(DURATION_PATTERN), 'expected a duration such as 30s, 10m, 1h30m or 1d'),
  z.number().int().nonnegative(),
]);
const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative().finite();

const ruleBase = {
  id: z.string().regex(RULE_ID_PATTERN, 'rule ids are 1-64 letters, digits, _ . - starting alphanumeric'),
  description: z.string().max(1000).optional(),
  /** JSONata over `{ pipeline, step, tenant, input }`; the rule applies only where it is truthy. */
  when: z.string().min(1).max(4000).optional(),
};

export const ActivityRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('activity'),
    allow: globs.optional(),
    deny: globs.optional(),
  })
  .refine((r) => r.allow !== undefined || r.deny !== undefined, {
    message: "an activity rule needs 'allow' or 'deny'",
  });

export const EgressRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal('egress'),
  allowHosts: globs,
  activities: globs.optional(),
  /** The argument holding the URL (default `url`). */
  urlField: z.string().min(1).max(100).default('url'),
  /** A URL whose host depends on run data: `defer` to dispatch (default) or `deny` at admission. */
  dynamicUrls: z.enum(['defer', 'deny']).default('defer'),
});

export const RetryRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('retry'),
    activities: globs.optional(),
    maxAttempts: positiveInt.optional(),
    maxInterval: duration.optional(),
  })
  .refine((r) => r.maxAttempts !== undefined || r.maxInterval !== undefined, {
    message: "a retry rule needs 'maxAttempts' or 'maxInterval'",
  });

export const TimeoutRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('timeout'),
    activities: globs.optional(),
    maxStartToClose: duration.optional(),
    maxScheduleToClose: duration.optional(),
    requireScheduleToClose: z.boolean().default(false),
  })
  .refine(
    (r) => r.maxStartToClose !== undefined || r.maxScheduleToClose !== undefined || r.requireScheduleToClose,
    {
      message:
        "a timeout rule needs 'maxStartToClose', 'maxScheduleToClose' or 'requireScheduleToClose: true'",
    },
  );

export const MapRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('map'),
    maxItems: positiveInt.optional(),
    maxConcurrency: positiveInt.optional(),
  })
  .refine((r) => r.maxItems !== undefined || r.maxConcurrency !== undefined, {
    message: "a map rule needs 'maxItems' or 'maxConcurrency'",
  });

export const ApprovalRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('approval'),
    /** Steps carrying any of these tags need an approval upstream. */
    tags: z.array(z.string().min(1)).min(1).optional(),
    /** `uses` steps whose activity matches any of these globs need an approval upstream. */
    activities: globs.optional(),
  })
  .refine((r) => r.tags !== undefined || r.activities !== undefined, {
    message: "an approval rule needs 'tags' or 'activities'",
  });

export const QuotaRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('quota'),
    maxConcurrentRuns: positiveInt.optional(),
    runsPerWindow: z.strictObject({ max: positiveInt, window: duration }).optional(),
  })
  .refine((r) => r.maxConcurrentRuns !== undefined || r.runsPerWindow !== undefined, {
    message: "a quota rule needs 'maxConcurrentRuns' or 'runsPerWindow'",
  });

export const BUDGET_METRICS = ['costUnits', 'tokens'] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

export const BudgetRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('budget'),
    metric: z.enum(BUDGET_METRICS),
    /** Activities that consume the budget (default: every activity). */
    activities: globs.optional(),
    /** Maximum per run (a run and its child workflows share it). */
    perRun: nonNegative.optional(),
    /** Maximum per tenant per fixed window (aligned to the Unix epoch). */
    perTenant: z.strictObject({ max: nonNegative, window: duration }).optional(),
    /** Units reserved before each activity runs (default 0: only "budget not yet exhausted" is checked). */
    reserve: nonNegative.default(0),
    /** A numeric activity argument whose value is reserved instead (e.g. `maxTokens`). */
    reserveFromArg: z.string().min(1).max(100).optional(),
  })
  .refine((r) => r.perRun !== undefined || r.perTenant !== undefined, {
    message: "a budget rule needs 'perRun' or 'perTenant'",
  });

export const PolicyRuleSchema = z.discriminatedUnion('type', [
  ActivityRuleSchema,
  EgressRuleSchema,
  RetryRuleSchema,
  TimeoutRuleSchema,
  MapRuleSchema,
  ApprovalRuleSchema,
  QuotaRuleSchema,
  BudgetRuleSchema,
]);

export const PolicyScopeSchema = z.strictObject({
  tenants: globs.optional(),
  pipelines: globs.optional(),
  /** The policy applies to pipelines carrying any of these tags. */
  tags: z.array(z.string().min(1)).min(1).optional(),
});

export const PolicyDocumentSchema = z
  .strictObject({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal(POLICY_KIND),
    metadata: z.strictObject({
      name: z
        .string()
        .regex(POLICY_NAME_PATTERN, 'a DNS label: lowercase letters, digits and -, at most 63 characters'),
      /** Omitted on `POST /v1/policies`: the next version is assigned. */
      version: positiveInt.optional(),
      description: z.string().max(2000).optional(),
    }),
    spec: z.strictObject({
      mode: z.enum(POLICY_MODES).default('enforce'),
      /** A disabled policy is kept (with its versions) but never evaluated. */
      enabled: z.boolean().default(true),
      scope: PolicyScopeSchema.default({}),
      rules: z.array(PolicyRuleSchema).min(1),
    }),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.spec.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'rules', i, 'id'],
          message: `duplicate rule id '${rule.id}'`,
        });
      }
      seen.add(rule.id);
    });
  });

export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;
export type PolicyDocumentInput = z.input<typeof PolicyDocumentSchema>;
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;
export type PolicyScope = z.infer<typeof PolicyScopeSchema>;
export type ActivityRule = z.infer<typeof ActivityRuleSchema>;
export type EgressRule = z.infer<typeof EgressRuleSchema>;
export type RetryRule = z.infer<typeof RetryRuleSchema>;
export type TimeoutRule = z.infer<typeof TimeoutRuleSchema>;
export type MapRule = z.infer<typeof MapRuleSchema>;
export type ApprovalRule = z.infer<typeof ApprovalRuleSchema>;
export type QuotaRule = z.infer<typeof QuotaRuleSchema>;
export type BudgetRule = z.infer<typeof BudgetRuleSchema>;

/** A stored, versioned policy: what evaluation takes. */
export interface PolicyVersion {
  name: string;
  version: number;
  document: PolicyDocument;
}
