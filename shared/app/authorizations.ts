import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/auth-context.ts';
import { type Authorization, isAuthorized, type PermissionCheck } from '../auth/evaluate.ts';
import { type Sorting, sortItems } from '../query/sort.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { InvalidRequestError } from './errors.ts';
import { type AuthorizationInput, newAuthorization, permissionsFor, resourceOf, updatedAuthorization } from './authorization-rules.ts';

/**
 * Camunda's AuthorizationService. Authorizations are read through an authorization-filtered query
 * (READ on the authorization's id), so one the caller may not read is answered like a missing one;
 * create, update and delete check CREATE, UPDATE and DELETE on the Authorization resource.
 */

export type { Authorization, AuthorizationInput };

export type AuthorizationSortBy = 'resourceType' | 'resourceId';

export interface AuthorizationQuery {
  id?: string;
  type?: number;
  userIdIn?: string[];
  groupIdIn?: string[];
  resourceType?: number;
  resourceId?: string;
  sort?: Sorting<AuthorizationSortBy>;
}

const mayRead = (caller: AuthContext, id: string) => caller.isAllowed({ permission: 'READ', resource: 'Authorization', resourceId: id });

async function visibleAuthorization(app: AppContext, caller: AuthContext, id: string): Promise<Authorization> {
  const authorization = await app.identities.getAuthorization(id);
  if (!authorization || !(await mayRead(caller, id))) throw new InvalidRequestError(404, `Authorization with id ${id} does not exist.`);
  return authorization;
}

export async function queryAuthorizations(app: AppContext, caller: AuthContext, q: AuthorizationQuery): Promise<Authorization[]> {
  const matching = (await app.identities.listAuthorizations()).filter(
    (a) =>
      (q.id === undefined || a.id === q.id) &&
      (q.type === undefined || a.type === q.type) &&
      (q.userIdIn === undefined || (a.userId !== null && q.userIdIn.includes(a.userId))) &&
      (q.groupIdIn === undefined || (a.groupId !== null && q.groupIdIn.includes(a.groupId))) &&
      (q.resourceType === undefined || a.resourceType === q.resourceType) &&
      (q.resourceId === undefined || a.resourceId === q.resourceId),
  );
  const readable = await filterAllowed(matching, (a) => mayRead(caller, a.id));
  return sortItems(readable, q.sort, (a, by) => (by === 'resourceType' ? a.resourceType : a.resourceId));
}

export async function countAuthorizations(app: AppContext, caller: AuthContext, q: AuthorizationQuery): Promise<number> {
  return (await queryAuthorizations(app, caller, q)).length;
}

export interface AuthorizationCheck {
  permissionName: string;
  resourceType: number;
  /** Without one (or with '*') the check is on the resource type: only '*' authorizations count. */
  resourceId: string | null;
  /** Whose permission to check: the caller's when absent. */
  userId?: string;
}

/** Whether the user (the caller by default) has the permission; asking for someone else needs READ on Authorization. */
export async function checkAuthorization(app: AppContext, caller: AuthContext, input: AuthorizationCheck): Promise<boolean> {
  const resource = resourceOf(input.resourceType);
  permissionsFor([input.permissionName], resource);
  if (!caller.enabled) return true;
  const resourceId = input.resourceId === null || input.resourceId === '*' ? undefined : input.resourceId;
  const check: PermissionCheck = { permission: input.permissionName, resource, resourceId };
  if (input.userId === undefined || input.userId === caller.userId) return caller.isAllowed(check);
  if (!(await caller.isAllowed({ permission: 'READ', resource: 'Authorization' }))) {
    throw new InvalidRequestError(403, 'You must have READ permission for Authorization resource.');
  }
  const identity = await app.identityCache.identityOf(input.userId);
  return isAuthorized(identity, await app.identityCache.authorizationsFor(identity, input.resourceType), check);
}

export async function createAuthorization(app: AppContext, caller: AuthContext, input: AuthorizationInput): Promise<Authorization> {
  const authorization = newAuthorization(randomUUID(), input);
  await caller.require({ permission: 'CREATE', resource: 'Authorization' });
  await app.identities.saveAuthorization(authorization);
  return authorization;
}

/** An authorization the caller may READ (404 otherwise). */
export function getAuthorization(app: AppContext, caller: AuthContext, input: { id: string }): Promise<Authorization> {
  return visibleAuthorization(app, caller, input.id);
}

export async function updateAuthorization(app: AppContext, caller: AuthContext, input: { id: string } & AuthorizationInput): Promise<Authorization> {
  const existing = await visibleAuthorization(app, caller, input.id);
  const authorization = updatedAuthorization(existing, input);
  await caller.require({ permission: 'UPDATE', resource: 'Authorization', resourceId: existing.id });
  await app.identities.saveAuthorization(authorization);
  return authorization;
}

export async function deleteAuthorization(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  const existing = await visibleAuthorization(app, caller, input.id);
  await caller.require({ permission: 'DELETE', resource: 'Authorization', resourceId: existing.id });
  await app.identities.deleteAuthorization(existing.id);
}
