import { z } from 'zod';

/** `GET /v1/runs/dead-letter` query. */
export const deadLetterQuerySchema = z
  .object({
    pipeline: z.string().min(1).max(200).optional().describe('Pipeline name'),
    rerun: z
      .enum(['any', 'no', 'yes'])
      .default('any')
      .describe('`no`: only runs not rerun yet; `yes`: only runs that already have a rerun'),
    parent: z
      .enum(['any', 'none'])
      .default('none')
      .describe('`none` (default): top-level runs only; `any`: sub-pipeline child runs too'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size (1-100)'),
    cursor: z.string().min(1).max(500).optional().describe('`page.nextCursor` of the previous page'),
  })
  .strict();

export type DeadLetterQuery = z.infer<typeof deadLetterQuerySchema>;
