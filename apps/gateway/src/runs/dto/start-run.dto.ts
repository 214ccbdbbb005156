import { z } from 'zod';

/** `POST /v1/runs` body. */
export const startRunSchema = z
  .object({
    pipeline: z.union([
      z.string().min(1, "must be 'name' or 'name@version'").max(200),
      z.record(z.string(), z.unknown()).describe('an inline pipeline document'),
    ]),
    input: z.unknown().default({}),
  })
  .strict();

export type StartRunBody = z.infer<typeof startRunSchema>;
