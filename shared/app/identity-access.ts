import type { AuthContext } from '../auth/auth-context.ts';
import { RESOURCE_TYPES, type ResourceName } from '../auth/resources.ts';
import type { AppContext } from './app-context.ts';
import { identityNotFound } from './errors.ts';
import type { GroupRecord, TenantRecord, UserProfile, UserRecord } from './read-models.ts';

/**
 * What a caller may see of users, groups and tenants, as Camunda's authorization-filtered identity
 * queries answer it: a record the caller may not READ is answered like a missing one.
 */

/** READ on the user, or the caller's own profile. */
export const mayReadUser = (caller: AuthContext, userId: string) => (caller.userId === userId ? Promise.resolve(true) : caller.isAllowed({ permission: 'READ', resource: 'User', resourceId: userId }));

export const mayReadGroup = (caller: AuthContext, groupId: string) => caller.isAllowed({ permission: 'READ', resource: 'Group', resourceId: groupId });

export const mayReadTenant = (caller: AuthContext, tenantId: string) => caller.isAllowed({ permission: 'READ', resource: 'Tenant', resourceId: tenantId });

/** The user if it exists and the caller may see it (Camunda's filtered `createUserQuery().userId(id)`). */
export async function visibleUser(app: AppContext, caller: AuthContext, id: string): Promise<UserRecord> {
  const user = await app.identities.getUser(id);
  if (!user || !(await mayReadUser(caller, id))) throw identityNotFound('User', id);
  return user;
}

export async function visibleGroup(app: AppContext, caller: AuthContext, id: string): Promise<GroupRecord> {
  const group = await app.identities.getGroup(id);
  if (!group || !(await mayReadGroup(caller, id))) throw identityNotFound('Group', id);
  return group;
}

export async function visibleTenant(app: AppContext, caller: AuthContext, id: string): Promise<TenantRecord> {
  const tenant = await app.identities.getTenant(id);
  if (!tenant || !(await mayReadTenant(caller, id))) throw identityNotFound('Tenant', id);
  return tenant;
}

/** Drops the authorizations whose resource is the deleted user, group or tenant (as Camunda does). */
export async function deleteResourceAuthorizations(app: AppContext, resource: ResourceName, id: string): Promise<void> {
  const type = RESOURCE_TYPES[resource];
  const stale = (await app.identities.listAuthorizations()).filter((a) => a.resourceType === type && a.resourceId === id);
  await Promise.all(stale.map((a) => app.identities.deleteAuthorization(a.id)));
}

export const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const orNull = (value: string | null | undefined) => value ?? null;

export const profileOf = (u: UserRecord): UserProfile => ({ id: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email });
