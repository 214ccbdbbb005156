import { z } from 'zod';
import { ErrorCode } from './error-codes';

/** The one error shape of the REST API (RFC 9457), as documented in /openapi.json. */
export const problemSchema = z
  .object({
    type: z.url(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]).describe('Stable error code'),
    instance: z.string().optional(),
    errors: z
      .array(
        z
          .object({
            code: z.string().optional(),
            message: z.string(),
            path: z.string().optional(),
            line: z.number().int().optional(),
            column: z.number().int().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();
