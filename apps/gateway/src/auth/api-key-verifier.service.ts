import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysRepository, parseApiKey, verifyApiKeySecret } from '@flowgate/store';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { Principal } from './principal';

const CACHE_MAX = 1_000;

/**
 * Verifies API keys. argon2 is deliberately slow, so a successful verification is cached for
 * FLOWGATE_API_KEY_CACHE_TTL_MS under a SHA-256 of the key (the key itself is never kept), and
 * concurrent verifications of one key share a single look-up. Revoking a key evicts it here at
 * once; other gateway processes trust their cached entry until it expires (at most the TTL).
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: Principal; expires: number }>();
  private readonly inFlight = new Map<string, Promise<Principal | undefined>>();
  private readonly ttlMs: number;

  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.ttlMs = config.FLOWGATE_API_KEY_CACHE_TTL_MS;
  }

  async verify(token: string): Promise<Principal | undefined> {
    const digest = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(digest);
    if (hit && hit.expires > Date.now()) return hit.principal;
    this.cache.delete(digest);

    let pending = this.inFlight.get(digest);
    if (!pending) {
      pending = this.lookUp(token, digest).finally(() => this.inFlight.delete(digest));
      this.inFlight.set(digest, pending);
    }
    return pending;
  }

  /** Forgets every cached verification of a key (called when it is revoked). */
  evict(keyId: string): void {
    for (const [digest, entry] of this.cache) if (entry.principal.keyId === keyId) this.cache.delete(digest);
  }

  private async lookUp(token: string, digest: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const record = await this.keys.findByPrefix(parsed.prefix);
    if (!record || record.revokedAt) return undefined;
    if (!(await verifyApiKeySecret(record.hash, parsed.secret))) return undefined;

    const principal: Principal = {
      keyId: record.id,
      name: record.name,
      tenant: record.tenant,
      role: record.role,
      rateLimitPerMinute: record.rateLimitPerMinute,
    };
    if (this.ttlMs > 0) {
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(digest, { principal, expires: Date.now() + this.ttlMs });
    }
    void this.keys.touch(record.id).catch(() => undefined);
    return principal;
  }
}
