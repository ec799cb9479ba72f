import type { Authorization } from '../auth/evaluate.ts';
import type { GroupRecord, TenantRecord, UserProfile } from '../app/read-models.ts';

/**
 * Camunda's identity and authorization DTOs, built from the application's read models (a user's is
 * its profile: passwords and their hashes never leave shared/app). Every DTO is built field by field.
 */

/** UserProfileDto. */
export function userProfileDto(u: UserProfile) {
  return { id: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email };
}

/** GroupDto. */
export function groupDto(g: GroupRecord) {
  return { id: g.id, name: g.name, type: g.type };
}

/** TenantDto. */
export function tenantDto(t: TenantRecord) {
  return { id: t.id, name: t.name };
}

/** The task package's GroupDto that `/identity/groups` answers with. */
export function groupInfoGroupDto(g: GroupRecord) {
  return { id: g.id, name: g.name };
}

/** The task package's UserDto that `/identity/groups` answers with (Camunda's displayName rule). */
export function groupInfoUserDto(u: UserProfile) {
  const displayName = u.firstName === null && u.lastName === null ? u.id : u.lastName !== null ? `${u.firstName} ${u.lastName}` : u.firstName;
  return { id: u.id, firstName: u.firstName, lastName: u.lastName, displayName };
}

/** AuthorizationDto (authorizations here have no removal time or root process instance). */
export function authorizationDto(a: Authorization) {
  return {
    id: a.id,
    type: a.type,
    permissions: [...a.permissions],
    userId: a.userId,
    groupId: a.groupId,
    resourceType: a.resourceType,
    resourceId: a.resourceId,
    removalTime: null,
    rootProcessInstanceId: null,
    links: [],
  };
}
