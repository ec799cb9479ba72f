import { ADMIN_GROUP, AUTHORIZATION_TYPES, RESOURCE_TYPES, type ResourceName } from './resources.ts';

/** One stored authorization (Camunda's AuthorizationDto without links). */
export interface Authorization {
  id: string;
  type: number;
  permissions: string[];
  userId: string | null;
  groupId: string | null;
  resourceType: number;
  resourceId: string;
}

export interface Identity {
  userId: string;
  groupIds: readonly string[];
  tenantIds: readonly string[];
}

export interface PermissionCheck {
  permission: string;
  resource: ResourceName;
  /** The resource id; undefined for checks on the resource type (e.g. Batch CREATE). */
  resourceId?: string;
}

function grants(authorization: Authorization, permission: string): boolean {
  return authorization.permissions.includes('ALL') || authorization.permissions.includes(permission);
}

function matchesResource(authorization: Authorization, check: PermissionCheck): boolean {
  return authorization.resourceType === RESOURCE_TYPES[check.resource] && (authorization.resourceId === '*' || authorization.resourceId === check.resourceId);
}

/**
 * Camunda's precedence: an authorization for the user beats one for their groups, which beats a
 * GLOBAL one; at one level a REVOKE beats a GRANT. Members of camunda-admin may do everything.
 */
export function isAuthorized(identity: Identity, authorizations: readonly Authorization[], check: PermissionCheck): boolean {
  if (identity.groupIds.includes(ADMIN_GROUP)) return true;
  const relevant = authorizations.filter((a) => matchesResource(a, check));
  const levels = [
    relevant.filter((a) => a.userId === identity.userId || (a.userId === '*' && a.type !== AUTHORIZATION_TYPES.GLOBAL)),
    relevant.filter((a) => a.groupId !== null && identity.groupIds.includes(a.groupId)),
    relevant.filter((a) => a.type === AUTHORIZATION_TYPES.GLOBAL),
  ];
  for (const level of levels) {
    // A REVOKE lists the permissions it takes away.
    if (level.some((a) => a.type === AUTHORIZATION_TYPES.REVOKE && grants(a, check.permission))) return false;
    if (level.some((a) => a.type !== AUTHORIZATION_TYPES.REVOKE && grants(a, check.permission))) return true;
  }
  return false;
}

/** True if any one of the alternatives is authorized (Camunda's disjunctive checks). */
export function isAuthorizedForAny(identity: Identity, authorizations: readonly Authorization[], checks: readonly PermissionCheck[]): boolean {
  return checks.some((check) => isAuthorized(identity, authorizations, check));
}

/** Camunda's AuthorizationException message for a failed (disjunctive) check. */
export function missingAuthorizationMessage(userId: string, checks: readonly PermissionCheck[]): string {
  const describe = (c: PermissionCheck) =>
    c.resourceId === undefined ? `'${c.permission}' permission on resource '${c.resource}'` : `'${c.permission}' permission on resource '${c.resourceId}' of type '${c.resource}'`;
  if (checks.length === 1) return `The user with id '${userId}' does not have ${describe(checks[0]!)}.`;
  return `The user with id '${userId}' does not have one of the following permissions: ${checks.map(describe).join(' or ')}`;
}
