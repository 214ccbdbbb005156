import { z } from 'zod';

/** `POST /v1/policies/evaluate` body. */
export const evaluatePolicySchema = z
  .object({
    /** `name`, `name@version`, or an inline pipeline document. */
    pipeline: z.union([
      z.string().min(1, "must be 'name' or 'name@version'").max(200),
      z.record(z.string(), z.unknown()).describe('an inline pipeline document'),
    ]),
    /** A candidate policy document (object, or YAML/JSON text); omitted: the tenant's current policies. */
    policy: z.union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())]).optional(),
    /** With a candidate: evaluate it together with the current policies (it replaces its own name). */
    includeCurrent: z.boolean().default(false),
    /** Run input for conditions and `map.items` expressions over `input`. */
    input: z.unknown().default({}),
  })
  .strict();

export type EvaluatePolicyBody = z.infer<typeof evaluatePolicySchema>;
