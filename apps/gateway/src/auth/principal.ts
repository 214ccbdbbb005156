import type { Role } from '@flowgate/store';

/** The authenticated caller of a request. */
export interface Principal {
  keyId: string;
  name: string;
  tenant: string;
  role: Role;
  /** The key's own rate limit (requests per minute), when it has one. */
  rateLimitPerMinute?: number | null;
}

export type Permission =
  | 'runs:read'
  | 'runs:write'
  | 'pipelines:read'
  | 'pipelines:write'
  | 'approvals:decide'
  | 'policies:write'
  | 'admin';

const READ: Permission[] = ['runs:read', 'pipelines:read'];

/** What each role may do. Roles are not a strict hierarchy: an approver decides, an operator runs. */
export const PERMISSIONS_OF: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(READ),
  operator: new Set([...READ, 'runs:write', 'pipelines:write']),
  approver: new Set([...READ, 'approvals:decide']),
  admin: new Set([...READ, 'runs:write', 'pipelines:write', 'approvals:decide', 'policies:write', 'admin']),
};

export function can(principal: Principal, permission: Permission): boolean {
  return PERMISSIONS_OF[principal.role].has(permission);
}
