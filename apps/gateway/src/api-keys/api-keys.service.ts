import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysRepository, AuditRepository, generateApiKey, type ApiKeyRecord } from '@flowgate/store';
import { ApiKeyVerifier } from '../auth/api-key-verifier.service';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { CreateApiKeyBody } from './dto/create-api-key.dto';

/**
 * API key management for admins. Admins manage their own tenant's keys; admins of the system
 * tenant (FLOWGATE_SYSTEM_TENANT) manage every tenant's.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditRepository,
    private readonly verifier: ApiKeyVerifier,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async create(
    principal: Principal,
    body: CreateApiKeyBody,
  ): Promise<{ record: ApiKeyRecord; token: string }> {
    const tenant = this.tenantFor(principal, body.tenant);
    const generated = await generateApiKey();
    const record = await this.keys.insert({
      prefix: generated.prefix,
      hash: generated.hash,
      name: body.name,
      tenant,
      role: body.role,
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
      groups: [...new Set(body.groups ?? [])],
    });
    await this.audit.append({
      tenant,
      actor: principal.name,
      action: 'api_key.created',
      subject: record.id,
      details: {
        prefix: record.prefix,
        role: record.role,
        name: record.name,
        groups: record.groups,
        by: principal.tenant,
      },
    });
    return { record, token: generated.token };
  }

  list(principal: Principal, tenant?: string): Promise<ApiKeyRecord[]> {
    return this.keys.list(this.tenantFor(principal, tenant));
  }

  async revoke(principal: Principal, id: string): Promise<ApiKeyRecord> {
    const scope = this.isSystemAdmin(principal) ? undefined : principal.tenant;
    const record = await this.keys.revoke(id, scope);
    if (!record) throw DomainError.notFound(`API key '${id}'`);
    this.verifier.evict(record.id);
    await this.audit.append({
      tenant: record.tenant,
      actor: principal.name,
      action: 'api_key.revoked',
      subject: record.id,
      details: { prefix: record.prefix, by: principal.tenant },
    });
    return record;
  }

  private isSystemAdmin(principal: Principal): boolean {
    return principal.tenant === this.config.FLOWGATE_SYSTEM_TENANT;
  }

  private tenantFor(principal: Principal, requested: string | undefined): string {
    if (requested === undefined || requested === principal.tenant) return principal.tenant;
    if (!this.isSystemAdmin(principal)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `only admins of the system tenant may manage keys of tenant '${requested}'`,
      );
    }
    return requested;
  }
}
