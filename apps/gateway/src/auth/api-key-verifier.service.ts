import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeysRepository, parseApiKey, verifyApiKeySecret } from '@flowgate/store';
import type { Principal } from './principal';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 1_000;

/**
 * Verifies API keys. argon2 is deliberately slow, so a successful verification is cached for a
 * minute under a SHA-256 of the key (the key itself is never kept).
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: Principal; expires: number }>();

  constructor(private readonly keys: ApiKeysRepository) {}

  async verify(token: string): Promise<Principal | undefined> {
    const digest = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(digest);
    if (hit && hit.expires > Date.now()) return hit.principal;
    this.cache.delete(digest);

    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const record = await this.keys.findByPrefix(parsed.prefix);
    if (!record || record.revokedAt) return undefined;
    if (!(await verifyApiKeySecret(record.hash, parsed.secret))) return undefined;

    const principal: Principal = { keyId: record.id, name: record.name, tenant: record.tenant, role: record.role };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(digest, { principal, expires: Date.now() + CACHE_TTL_MS });
    void this.keys.touch(record.id).catch(() => undefined);
    return principal;
  }
}
