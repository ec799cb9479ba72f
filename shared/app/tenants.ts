import type { AuthContext } from '../auth/auth-context.ts';
import { type Sorting, sortItems } from '../query/sort.ts';
import { sqlLike } from '../query/sql-like.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { identityOperation, logOperation } from './operation-log.ts';
import { createNew, identityNotFound } from './errors.ts';
import { byId, deleteResourceAuthorizations, mayReadTenant, orNull, visibleTenant } from './identity-access.ts';
import type { TenantRecord } from './read-models.ts';

/**
 * Camunda's tenant commands and query: reads are authorization-filtered (READ on the tenant), writes
 * check CREATE, UPDATE or DELETE on Tenant, memberships CREATE or DELETE on TenantMembership.
 */

export type TenantSortBy = 'id' | 'name';

export interface TenantQuery {
  id?: string;
  idIn?: string[];
  name?: string;
  nameLike?: string;
  userMember?: string;
  groupMember?: string;
  /** With `userMember`: also the tenants the user belongs to through a group. */
  includingGroupsOfUser?: boolean;
  sort?: Sorting<TenantSortBy>;
}

export async function queryTenants(app: AppContext, caller: AuthContext, q: TenantQuery): Promise<TenantRecord[]> {
  const nameMatches = q.nameLike === undefined ? undefined : sqlLike(q.nameLike);
  let tenants = (await app.identities.listTenants()).filter(
    (t) => (q.id === undefined || t.id === q.id) && (q.idIn === undefined || q.idIn.includes(t.id)) && (q.name === undefined || t.name === q.name) && (!nameMatches || nameMatches(t.name)),
  );
  const userMember = q.userMember;
  if (userMember !== undefined) {
    const viaGroups = q.includingGroupsOfUser ? new Set((await app.identities.identityOf(userMember)).tenantIds) : new Set<string>();
    tenants = await filterAllowed(tenants, async (t) => viaGroups.has(t.id) || (await app.identities.tenantUsers(t.id)).includes(userMember));
  }
  const groupMember = q.groupMember;
  if (groupMember !== undefined) tenants = await filterAllowed(tenants, async (t) => (await app.identities.tenantGroups(t.id)).includes(groupMember));
  const readable = await filterAllowed(tenants, (t) => mayReadTenant(caller, t.id));
  return sortItems(readable.sort(byId), q.sort, (t, by) => (by === 'id' ? t.id : t.name));
}

export async function countTenants(app: AppContext, caller: AuthContext, q: TenantQuery): Promise<number> {
  return (await queryTenants(app, caller, q)).length;
}

export interface TenantInput {
  id: string;
  name?: string | null;
}

export async function createTenant(app: AppContext, caller: AuthContext, input: TenantInput): Promise<TenantRecord> {
  await caller.require({ permission: 'CREATE', resource: 'Tenant' });
  const tenant: TenantRecord = { id: input.id, name: orNull(input.name) };
  await createNew('Tenant', tenant.id, () => app.identities.saveTenant(tenant, true));
  await logOperation(app, caller, identityOperation('Create', 'Tenant', { tenantId: tenant.id }));
  return tenant;
}

/** A tenant the caller may see (404 otherwise). */
export function getTenant(app: AppContext, caller: AuthContext, input: { id: string }): Promise<TenantRecord> {
  return visibleTenant(app, caller, input.id);
}

export async function updateTenant(app: AppContext, caller: AuthContext, input: TenantInput): Promise<TenantRecord> {
  const tenant = await visibleTenant(app, caller, input.id);
  await caller.require({ permission: 'UPDATE', resource: 'Tenant', resourceId: tenant.id });
  const updated = { ...tenant, name: orNull(input.name) };
  await app.identities.saveTenant(updated, false);
  await logOperation(app, caller, identityOperation('Update', 'Tenant', { tenantId: tenant.id }));
  return updated;
}

/** Deletes the tenant with its memberships and the authorizations on it. */
export async function deleteTenant(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  const id = input.id;
  await caller.require({ permission: 'DELETE', resource: 'Tenant', resourceId: id });
  if (!(await app.identities.getTenant(id))) throw identityNotFound('Tenant', id);
  const [users, groups] = await Promise.all([app.identities.tenantUsers(id), app.identities.tenantGroups(id)]);
  await Promise.all([...users.map((u) => app.identities.removeTenantUser(id, u)), ...groups.map((g) => app.identities.removeTenantGroup(id, g))]);
  await deleteResourceAuthorizations(app, 'Tenant', id);
  await app.identities.deleteTenant(id);
  await logOperation(app, caller, identityOperation('Delete', 'Tenant', { tenantId: id }));
}

export interface TenantUserMembership {
  tenantId: string;
  userId: string;
}

export interface TenantGroupMembership {
  tenantId: string;
  groupId: string;
}

const requireMembership = (caller: AuthContext, permission: 'CREATE' | 'DELETE', tenantId: string) => caller.require({ permission, resource: 'TenantMembership', resourceId: tenantId });

export async function addTenantUserMember(app: AppContext, caller: AuthContext, input: TenantUserMembership): Promise<void> {
  await requireMembership(caller, 'CREATE', input.tenantId);
  if (!(await app.identities.getTenant(input.tenantId))) throw identityNotFound('Tenant', input.tenantId);
  if (!(await app.identities.getUser(input.userId))) throw identityNotFound('User', input.userId);
  await app.identities.addTenantUser(input.tenantId, input.userId);
  await logOperation(app, caller, identityOperation('Create', 'TenantMembership', { userId: input.userId, tenantId: input.tenantId }));
}

export async function removeTenantUserMember(app: AppContext, caller: AuthContext, input: TenantUserMembership): Promise<void> {
  await requireMembership(caller, 'DELETE', input.tenantId);
  await app.identities.removeTenantUser(input.tenantId, input.userId);
  await logOperation(app, caller, identityOperation('Delete', 'TenantMembership', { userId: input.userId, tenantId: input.tenantId }));
}

export async function addTenantGroupMember(app: AppContext, caller: AuthContext, input: TenantGroupMembership): Promise<void> {
  await requireMembership(caller, 'CREATE', input.tenantId);
  if (!(await app.identities.getTenant(input.tenantId))) throw identityNotFound('Tenant', input.tenantId);
  if (!(await app.identities.getGroup(input.groupId))) throw identityNotFound('Group', input.groupId);
  await app.identities.addTenantGroup(input.tenantId, input.groupId);
  await logOperation(app, caller, identityOperation('Create', 'TenantMembership', { groupId: input.groupId, tenantId: input.tenantId }));
}

export async function removeTenantGroupMember(app: AppContext, caller: AuthContext, input: TenantGroupMembership): Promise<void> {
  await requireMembership(caller, 'DELETE', input.tenantId);
  await app.identities.removeTenantGroup(input.tenantId, input.groupId);
  await logOperation(app, caller, identityOperation('Delete', 'TenantMembership', { groupId: input.groupId, tenantId: input.tenantId }));
}
