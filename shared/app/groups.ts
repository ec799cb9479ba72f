import type { AuthContext } from '../auth/auth-context.ts';
import { type Sorting, sortItems } from '../query/sort.ts';
import { sqlLike } from '../query/sql-like.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { identityOperation, logOperation } from './operation-log.ts';
import { createNew, identityNotFound } from './errors.ts';
import { byId, deleteResourceAuthorizations, mayReadGroup, orNull, visibleGroup } from './identity-access.ts';
import type { GroupRecord } from './read-models.ts';

/**
 * Camunda's group commands and query: reads are authorization-filtered (READ on the group), writes
 * check CREATE, UPDATE or DELETE on Group, memberships CREATE or DELETE on GroupMembership.
 */

export type GroupSortBy = 'id' | 'name' | 'type';

export interface GroupQuery {
  id?: string;
  idIn?: string[];
  name?: string;
  nameLike?: string;
  type?: string;
  /** Groups this user is a member of. */
  member?: string;
  memberOfTenant?: string;
  sort?: Sorting<GroupSortBy>;
}

export async function queryGroups(app: AppContext, caller: AuthContext, q: GroupQuery): Promise<GroupRecord[]> {
  const groupsOfMember = q.member === undefined ? undefined : new Set(await app.identities.groupsOf(q.member));
  const tenantGroups = q.memberOfTenant === undefined ? undefined : new Set(await app.identities.tenantGroups(q.memberOfTenant));
  const nameMatches = q.nameLike === undefined ? undefined : sqlLike(q.nameLike);
  const groups = (await app.identities.listGroups()).filter(
    (g) =>
      (q.id === undefined || g.id === q.id) &&
      (q.idIn === undefined || q.idIn.includes(g.id)) &&
      (q.name === undefined || g.name === q.name) &&
      (!nameMatches || nameMatches(g.name)) &&
      (q.type === undefined || g.type === q.type) &&
      (!groupsOfMember || groupsOfMember.has(g.id)) &&
      (!tenantGroups || tenantGroups.has(g.id)),
  );
  const readable = await filterAllowed(groups, (g) => mayReadGroup(caller, g.id));
  return sortItems(readable.sort(byId), q.sort, (g, by) => (by === 'id' ? g.id : by === 'name' ? g.name : g.type));
}

export async function countGroups(app: AppContext, caller: AuthContext, q: GroupQuery): Promise<number> {
  return (await queryGroups(app, caller, q)).length;
}

export interface GroupInput {
  id: string;
  name?: string | null;
  type?: string | null;
}

export async function createGroup(app: AppContext, caller: AuthContext, input: GroupInput): Promise<GroupRecord> {
  await caller.require({ permission: 'CREATE', resource: 'Group' });
  const group: GroupRecord = { id: input.id, name: orNull(input.name), type: orNull(input.type) };
  await createNew('Group', group.id, () => app.identities.saveGroup(group, true));
  await logOperation(app, caller, identityOperation('Create', 'Group', { groupId: group.id }));
  return group;
}

/** A group the caller may see (404 otherwise). */
export function getGroup(app: AppContext, caller: AuthContext, input: { id: string }): Promise<GroupRecord> {
  return visibleGroup(app, caller, input.id);
}

export async function updateGroup(app: AppContext, caller: AuthContext, input: GroupInput): Promise<GroupRecord> {
  const group = await visibleGroup(app, caller, input.id);
  await caller.require({ permission: 'UPDATE', resource: 'Group', resourceId: group.id });
  const updated = { ...group, name: orNull(input.name), type: orNull(input.type) };
  await app.identities.saveGroup(updated, false);
  await logOperation(app, caller, identityOperation('Update', 'Group', { groupId: group.id }));
  return updated;
}

/** Deletes the group with its memberships and the authorizations on it. */
export async function deleteGroup(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  const id = input.id;
  await caller.require({ permission: 'DELETE', resource: 'Group', resourceId: id });
  if (!(await app.identities.getGroup(id))) throw identityNotFound('Group', id);
  const members = await app.identities.groupMembers(id);
  await Promise.all(members.map((userId) => app.identities.removeGroupMember(id, userId)));
  const tenants = await app.identities.listTenants();
  await Promise.all(
    tenants.map(async (t) => {
      if ((await app.identities.tenantGroups(t.id)).includes(id)) await app.identities.removeTenantGroup(t.id, id);
    }),
  );
  await deleteResourceAuthorizations(app, 'Group', id);
  await app.identities.deleteGroup(id);
  await logOperation(app, caller, identityOperation('Delete', 'Group', { groupId: id }));
}

export interface GroupMembership {
  groupId: string;
  userId: string;
}

export async function addGroupMember(app: AppContext, caller: AuthContext, input: GroupMembership): Promise<void> {
  await caller.require({ permission: 'CREATE', resource: 'GroupMembership', resourceId: input.groupId });
  if (!(await app.identities.getGroup(input.groupId))) throw identityNotFound('Group', input.groupId);
  if (!(await app.identities.getUser(input.userId))) throw identityNotFound('User', input.userId);
  await app.identities.addGroupMember(input.groupId, input.userId);
  await logOperation(app, caller, identityOperation('Create', 'Group membership', { userId: input.userId, groupId: input.groupId }));
}

export async function removeGroupMember(app: AppContext, caller: AuthContext, input: GroupMembership): Promise<void> {
  await caller.require({ permission: 'DELETE', resource: 'GroupMembership', resourceId: input.groupId });
  await app.identities.removeGroupMember(input.groupId, input.userId);
  await logOperation(app, caller, identityOperation('Delete', 'Group membership', { userId: input.userId, groupId: input.groupId }));
}
