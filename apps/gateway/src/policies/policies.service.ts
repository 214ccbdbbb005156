import { Injectable } from '@nestjs/common';
import { PolicyDocumentSchema, type PolicyVersion } from '@flowgate/policy';
import { AuditRepository, PoliciesRepository, type PolicyRecord } from '@flowgate/store';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { parsePolicyOrThrow, type PolicyFormat } from './policy-documents';

export interface ApplyOutcome {
  created: boolean;
  record: PolicyRecord;
}

/** The tenant's policy registry: immutable versions, the latest of each name is live. */
/** How long a tenant's live policy set is cached for admission. */
const LIVE_TTL_MS = 2_000;

@Injectable()
export class PoliciesService {
  private readonly liveCache = new Map<string, { policies: PolicyVersion[]; expires: number }>();

  constructor(
    private readonly repo: PoliciesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async apply(principal: Principal, text: string, format: PolicyFormat): Promise<ApplyOutcome> {
    const { document, digest } = parsePolicyOrThrow(text, format);
    const name = document.metadata.name;
    const result = await this.repo.insert({
      tenant: principal.tenant,
      name,
      ...(document.metadata.version !== undefined ? { version: document.metadata.version } : {}),
      document: (version) => ({ ...document, metadata: { ...document.metadata, version } }),
      source: text,
      format,
      digest,
      mode: document.spec.mode,
      enabled: document.spec.enabled,
      createdBy: principal.name,
    });
    this.liveCache.delete(principal.tenant);
    if (result.outcome === 'conflict') {
      const latest = result.latest.version;
      throw new DomainError(
        ErrorCode.Conflict,
        `policy '${name}' version ${document.metadata.version} conflicts with the registry (latest is ${latest}); versions are immutable: use version ${latest + 1} or omit metadata.version`,
      );
    }
    if (result.outcome === 'created') {
      await this.audit.append({
        tenant: principal.tenant,
        actor: principal.name,
        action: 'governance.policy_created',
        subject: `${name}@${result.record.version}`,
        details: { digest, mode: document.spec.mode, enabled: document.spec.enabled },
      });
    }
    return { created: result.outcome === 'created', record: result.record };
  }

  list(tenant: string): Promise<PolicyRecord[]> {
    return this.repo.latest(tenant);
  }

  async versions(tenant: string, name: string): Promise<PolicyRecord[]> {
    const versions = await this.repo.versions(tenant, name);
    if (versions.length === 0) throw DomainError.notFound(`policy '${name}'`);
    return versions;
  }

  async version(tenant: string, name: string, version: number): Promise<PolicyRecord> {
    const record = await this.repo.get(tenant, name, version);
    if (!record) throw DomainError.notFound(`policy '${name}' version ${version}`);
    return record;
  }

  /**
   * The live policy set of a tenant (latest version of each policy), ready to evaluate. Cached
   * for LIVE_TTL_MS: admission sees a new version from another gateway within that time (this
   * gateway's own writes take effect at once); the worker re-checks the live policy at dispatch.
   */
  async live(tenant: string): Promise<PolicyVersion[]> {
    const hit = this.liveCache.get(tenant);
    if (hit && hit.expires > Date.now()) return hit.policies;
    const policies = (await this.repo.latest(tenant)).map(toPolicyVersion);
    this.liveCache.set(tenant, { policies, expires: Date.now() + LIVE_TTL_MS });
    return policies;
  }
}

export function toPolicyVersion(r: PolicyRecord): PolicyVersion {
  return { name: r.name, version: r.version, document: PolicyDocumentSchema.parse(r.document) };
}
