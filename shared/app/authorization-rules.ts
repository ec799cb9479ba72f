import type { Authorization } from '../auth/evaluate.ts';
import { AUTHORIZATION_TYPES, PERMISSIONS, type ResourceName, resourceNameOf } from '../auth/resources.ts';
import { invalidRequest } from './errors.ts';

/**
 * Camunda's rules for an authorization's content: its PermissionConverter, AuthorizationEntity and
 * SaveAuthorizationCmd validation. Each refusal is the 400 InvalidRequestException Camunda answers.
 */

/** What a create or update asks for, as the AuthorizationDto gives it (missing fields null or undefined). */
export interface AuthorizationInput {
  type?: number | null;
  permissions?: string[] | null;
  userId?: string | null;
  groupId?: string | null;
  resourceType?: number | null;
  resourceId?: string | null;
}

/** Permissions every resource knows besides its own. */
const UNIVERSAL = ['ALL', 'NONE'];

export function resourceOf(resourceType: number | null | undefined): ResourceName {
  if (resourceType === undefined || resourceType === null) throw invalidRequest("Authorization 'resourceType' cannot be null.");
  const resource = resourceNameOf(resourceType);
  if (!resource) throw invalidRequest(`The resource type '${resourceType}' is not valid.`);
  return resource;
}

/** Names as Camunda's PermissionConverter answers them: ALL alone when present, NONE dropped, no duplicates. */
export function permissionsFor(names: readonly string[], resource: ResourceName): string[] {
  for (const name of names) {
    if (!UNIVERSAL.includes(name) && !PERMISSIONS[resource].includes(name)) {
      throw invalidRequest(`The permission '${name}' is not valid for '${resource}' resource type.`);
    }
  }
  if (names.includes('ALL')) return ['ALL'];
  return [...new Set(names.filter((n) => n !== 'NONE'))];
}

function validated(a: Authorization): Authorization {
  if (a.type === AUTHORIZATION_TYPES.GLOBAL) {
    if (a.groupId !== null) throw invalidRequest("Cannot use 'groupId' for GLOBAL authorization.");
    if (a.userId !== null && a.userId !== '*') throw invalidRequest(`Illegal value '${a.userId}' for userId for GLOBAL authorization. Must be '*'.`);
  }
  if ((a.userId === null) === (a.groupId === null)) throw invalidRequest("Authorization must either have a 'userId' or a 'groupId'.");
  return a;
}

/** A new authorization under the given id, or the 400 that explains what is wrong with it. */
export function newAuthorization(id: string, input: AuthorizationInput): Authorization {
  const type = input.type;
  if (type !== AUTHORIZATION_TYPES.GLOBAL && type !== AUTHORIZATION_TYPES.GRANT && type !== AUTHORIZATION_TYPES.REVOKE) {
    throw invalidRequest(`The authorization type '${type ?? null}' is not valid: use 0 (GLOBAL), 1 (GRANT) or 2 (REVOKE).`);
  }
  const resource = resourceOf(input.resourceType);
  return validated({
    id,
    type,
    permissions: permissionsFor(input.permissions ?? [], resource),
    userId: input.userId ?? null,
    groupId: input.groupId ?? null,
    resourceType: input.resourceType!,
    resourceId: input.resourceId ?? '*',
  });
}

/** Camunda's AuthorizationDto.update: ids always, resource type and permissions only when given; the type stays. */
export function updatedAuthorization(existing: Authorization, input: AuthorizationInput): Authorization {
  const resourceType = input.resourceType ?? existing.resourceType;
  const resource = resourceOf(resourceType);
  return validated({
    ...existing,
    userId: input.userId ?? null,
    groupId: input.groupId ?? null,
    resourceId: input.resourceId ?? '*',
    resourceType,
    permissions: permissionsFor(input.permissions ?? existing.permissions, resource),
  });
}
