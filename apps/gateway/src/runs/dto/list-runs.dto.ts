import { z } from 'zod';

export const RUN_STATUSES = ['running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);

/** One value or a comma-separated list (`status=running,waiting`), or the parameter repeated. */
const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(runStatusSchema).max(5));

/** `GET /v1/runs` query. */
export const listRunsQuerySchema = z
  .object({
    status: statusList
      .optional()
      .describe('Run statuses, comma-separated: running,waiting,succeeded,failed,cancelled'),
    pipeline: z.string().min(1).max(200).optional().describe('Pipeline name'),
    tag: z.string().min(1).max(200).optional().describe('Runs whose pipeline carries this tag'),
    createdAfter: z.iso.datetime({ offset: true }).optional().describe('Created at or after (ISO 8601)'),
    createdBefore: z.iso.datetime({ offset: true }).optional().describe('Created before (ISO 8601)'),
    parent: z
      .enum(['any', 'none'])
      .default('any')
      .describe('`none`: top-level runs only (no sub-pipeline child runs)'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size (1-100)'),
    cursor: z.string().min(1).max(500).optional().describe('`page.nextCursor` of the previous page'),
  })
  .strict();

export type ListRunsQuery = z.infer<typeof listRunsQuerySchema>;
