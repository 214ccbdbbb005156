import type { PolicyVersion } from '../document/policy.schema';
import { firstMatch } from '../util/glob';

export interface ScopeSubject {
  tenant: string;
  /** Unknown pipeline (e.g. at dispatch with no run record): scopes by pipeline and tags apply. */
  pipeline?: { name: string; tags: readonly string[] };
}

/** Whether a policy is enabled and its scope covers the subject (every given criterion must match). */
export function policyApplies(policy: PolicyVersion, subject: ScopeSubject): boolean {
  const { enabled, scope } = policy.document.spec;
  if (!enabled) return false;
  if (scope.tenants && !firstMatch(scope.tenants, subject.tenant)) return false;
  if (!subject.pipeline) return true;
  if (scope.pipelines && !firstMatch(scope.pipelines, subject.pipeline.name)) return false;
  if (scope.tags && !scope.tags.some((t) => subject.pipeline!.tags.includes(t))) return false;
  return true;
}
