import { z } from 'zod';

/** `POST /v1/api-keys` body. */
export const createApiKeySchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .describe('Who or what uses the key (shown as the actor in the audit trail)'),
    role: z.enum(['viewer', 'operator', 'approver', 'admin']),
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -')
      .optional()
      .describe("Defaults to the caller's tenant; another tenant only for admins of the system tenant"),
    rateLimitPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('Overrides FLOWGATE_RATE_LIMIT_PER_MINUTE for this key'),
    groups: z
      .array(z.string().trim().min(1).max(100))
      .max(50)
      .optional()
      .describe(
        "Approver groups: with the key's role, the roles matched against approval steps' `approvers.roles` (default none)",
      ),
  })
  .strict();

export type CreateApiKeyBody = z.infer<typeof createApiKeySchema>;

/** `GET /v1/api-keys` query. */
export const listApiKeysQuerySchema = z
  .object({
    tenant: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe('Another tenant (admins of the system tenant only)'),
  })
  .strict();

export type ListApiKeysQuery = z.infer<typeof listApiKeysQuerySchema>;

/** An API key as listed: never the secret, only the prefix. */
export const apiKeySchema = z.object({
  id: z.uuid(),
  prefix: z.string(),
  name: z.string(),
  tenant: z.string(),
  role: z.enum(['viewer', 'operator', 'approver', 'admin']),
  rateLimitPerMinute: z.number().int().nullable(),
  groups: z.array(z.string()).describe('Approver groups of the key'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  token: z.string().describe('The whole key. Shown once: only its prefix and an argon2id hash are stored'),
});
