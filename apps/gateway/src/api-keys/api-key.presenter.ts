import type { ApiKeyRecord } from '@flowgate/store';

/** Public JSON shape of an API key: the prefix, never the hash. */
export function presentApiKey(k: ApiKeyRecord) {
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    tenant: k.tenant,
    role: k.role,
    rateLimitPerMinute: k.rateLimitPerMinute,
    groups: k.groups,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
