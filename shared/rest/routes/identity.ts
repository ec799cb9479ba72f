import * as z from 'zod/v4';
import { hashPassword, verifyPassword } from '../../auth/password.ts';
import { RESOURCE_TYPES, type ResourceName } from '../../auth/resources.ts';
import { isConditionalFailure } from '../../store/errors.ts';
import type { GroupRecord, TenantRecord, UserRecord } from '../../store/identity-repository.ts';
import { filterAllowed } from '../access.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { groupDto, groupInfoGroupDto, groupInfoUserDto, tenantDto, userProfileDto } from '../identity-dto.ts';
import { booleanParam, listParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { sqlLike } from '../../query/sql-like.ts';

/**
 * Users, groups, tenants and their memberships (Camunda's UserRestService, GroupRestService,
 * TenantRestService and IdentityRestService). As in Camunda, reads go through authorization-filtered
 * queries: a user, group or tenant the caller may not READ is answered like a missing one (404), while
 * writes check their permission explicitly (403 AuthorizationException).
 */

const text = z.string().nullish();
/** Camunda's columns: ids are VARCHAR(64), names and e-mail addresses VARCHAR(255). */
const identifier = z.string().max(64).nullish();
const label = z.string().max(255).nullish();

const UserProfile = z.object({ id: identifier, firstName: label, lastName: label, email: label });
const UserCreate = z.object({ profile: UserProfile.nullish(), credentials: z.object({ password: text }).nullish() });
const UserCredentials = z.object({ password: text, authenticatedUserPassword: text });
const GroupBody = z.object({ id: identifier, name: label, type: label });
const TenantBody = z.object({ id: identifier, name: label });
const Credentials = z.object({ username: text, password: text });

const orNull = (value: string | null | undefined) => value ?? null;

const notFound = (kind: 'User' | 'Group' | 'Tenant', id: string) => new RestError(404, `${kind} with id ${id} does not exist`);


const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Creates a record that must be new; an existing id is Camunda's "already exists" 400. */
async function createNew(kind: 'User' | 'Group' | 'Tenant', id: string, save: () => Promise<void>): Promise<void> {
  try {
    await save();
  } catch (error) {
    if (isConditionalFailure(error)) throw invalidRequest(`${kind} with id '${id}' already exists`);
    throw error;
  }
}

/** Drops the authorizations whose resource is the deleted user, group or tenant (as Camunda does). */
async function deleteResourceAuthorizations(ctx: RouteContext, resource: ResourceName, id: string): Promise<void> {
  const type = RESOURCE_TYPES[resource];
  const stale = (await ctx.identities.listAuthorizations()).filter((a) => a.resourceType === type && a.resourceId === id);
  await Promise.all(stale.map((a) => ctx.identities.deleteAuthorization(a.id)));
}

// users ////////////////////////////////////////////////////////////////////////////////////////////

const isSelf = (ctx: RouteContext, userId: string) => ctx.auth.userId === userId;

/** READ on the user, or the caller's own profile. */
const mayReadUser = (ctx: RouteContext, userId: string) => (isSelf(ctx, userId) ? Promise.resolve(true) : ctx.auth.isAllowed({ permission: 'READ', resource: 'User', resourceId: userId }));

/** The user if it exists and the caller may see it (Camunda's filtered `createUserQuery().userId(id)`). */
async function visibleUser(ctx: RouteContext, id: string): Promise<UserRecord> {
  const user = await ctx.identities.getUser(id);
  if (!user || !(await mayReadUser(ctx, id))) throw notFound('User', id);
  return user;
}

async function queryUsers(ctx: RouteContext): Promise<UserRecord[]> {
  const q = ctx.req.query;
  const sort = sorting(q, ['userId', 'firstName', 'lastName', 'email']);
  const id = stringParam(q, 'id');
  const idIn = listParam(q, 'idIn');
  const firstName = stringParam(q, 'firstName');
  const firstNameLike = stringParam(q, 'firstNameLike');
  const lastName = stringParam(q, 'lastName');
  const lastNameLike = stringParam(q, 'lastNameLike');
  const email = stringParam(q, 'email');
  const emailLike = stringParam(q, 'emailLike');
  const memberOfGroup = stringParam(q, 'memberOfGroup');
  const memberOfTenant = stringParam(q, 'memberOfTenant');
  const groupMembers = memberOfGroup === undefined ? undefined : new Set(await ctx.identities.groupMembers(memberOfGroup));
  const tenantMembers = memberOfTenant === undefined ? undefined : new Set(await ctx.identities.tenantUsers(memberOfTenant));
  const firstNameMatches = firstNameLike === undefined ? undefined : sqlLike(firstNameLike);
  const lastNameMatches = lastNameLike === undefined ? undefined : sqlLike(lastNameLike);
  const emailMatches = emailLike === undefined ? undefined : sqlLike(emailLike);
  const users = (await ctx.identities.listUsers()).filter(
    (u) =>
      (id === undefined || u.id === id) &&
      (idIn === undefined || idIn.includes(u.id)) &&
      (firstName === undefined || u.firstName === firstName) &&
      (!firstNameMatches || firstNameMatches(u.firstName)) &&
      (lastName === undefined || u.lastName === lastName) &&
      (!lastNameMatches || lastNameMatches(u.lastName)) &&
      (email === undefined || u.email === email) &&
      (!emailMatches || emailMatches(u.email)) &&
      (!groupMembers || groupMembers.has(u.id)) &&
      (!tenantMembers || tenantMembers.has(u.id)),
  );
  // The list is Camunda's authorization-filtered user query: only users the caller may READ.
  const readable = await filterAllowed(users, (u) => ctx.auth.isAllowed({ permission: 'READ', resource: 'User', resourceId: u.id }));
  return sortItems(readable.sort(byId), sort, (u, by) => (by === 'userId' ? u.id : by === 'firstName' ? u.firstName : by === 'lastName' ? u.lastName : u.email));
}

const userRoutes: Route[] = [
  route({ method: 'GET', pattern: '/user', handler: async (ctx) => json(200, page(await queryUsers(ctx), ctx.req.query).map(userProfileDto)) }),
  route({ method: 'GET', pattern: '/user/count', handler: async (ctx) => json(200, { count: (await queryUsers(ctx)).length }) }),
  route({
    method: 'POST',
    pattern: '/user/create',
    handler: async (ctx) => {
      const body = readBody(ctx.req, UserCreate);
      const profile = body.profile;
      if (!profile?.id) throw invalidRequest('request object must provide profile information with valid id.');
      await ctx.auth.require({ permission: 'CREATE', resource: 'User' });
      const password = body.credentials?.password;
      const user: UserRecord = {
        id: profile.id,
        firstName: orNull(profile.firstName),
        lastName: orNull(profile.lastName),
        email: orNull(profile.email),
        // Without credentials the user exists but can never log in (no hash verifies).
        passwordHash: password === undefined || password === null ? '' : hashPassword(password),
      };
      await createNew('User', user.id, () => ctx.identities.saveUser(user, true));
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/user/{id}/profile',
    handler: async (ctx) => json(200, userProfileDto(await visibleUser(ctx, ctx.params.id))),
  }),
  route({
    method: 'PUT',
    pattern: '/user/{id}/profile',
    handler: async (ctx) => {
      const profile = readBody(ctx.req, UserProfile);
      const user = await visibleUser(ctx, ctx.params.id);
      await ctx.auth.require({ permission: 'UPDATE', resource: 'User', resourceId: user.id });
      await ctx.identities.saveUser({ ...user, firstName: orNull(profile.firstName), lastName: orNull(profile.lastName), email: orNull(profile.email) }, false);
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/user/{id}/credentials',
    handler: async (ctx) => {
      const body = readBody(ctx.req, UserCredentials);
      if (ctx.auth.userId !== null) {
        // Camunda makes the caller confirm their own current password before any password change.
        const caller = await ctx.identities.getUser(ctx.auth.userId);
        if (!caller || !verifyPassword(body.authenticatedUserPassword ?? '', caller.passwordHash)) {
          throw invalidRequest('The given authenticated user password is not valid.');
        }
      }
      const user = await visibleUser(ctx, ctx.params.id);
      if (!isSelf(ctx, user.id)) await ctx.auth.require({ permission: 'UPDATE', resource: 'User', resourceId: user.id });
      if (body.password === undefined || body.password === null) throw invalidRequest('The password must not be null.');
      await ctx.identities.saveUser({ ...user, passwordHash: hashPassword(body.password) }, false);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/user/{id}',
    handler: async (ctx) => {
      const id = ctx.params.id;
      await ctx.auth.require({ permission: 'DELETE', resource: 'User', resourceId: id });
      const user = await ctx.identities.getUser(id);
      if (!user) throw notFound('User', id);
      const groups = await ctx.identities.groupsOf(id);
      await Promise.all(groups.map((g) => ctx.identities.removeGroupMember(g, id)));
      const tenants = await ctx.identities.listTenants();
      await Promise.all(
        tenants.map(async (t) => {
          if ((await ctx.identities.tenantUsers(t.id)).includes(id)) await ctx.identities.removeTenantUser(t.id, id);
        }),
      );
      await deleteResourceAuthorizations(ctx, 'User', id);
      await ctx.identities.deleteUser(id);
      return noContent();
    },
  }),
];

// groups ///////////////////////////////////////////////////////////////////////////////////////////

const mayReadGroup = (ctx: RouteContext, groupId: string) => ctx.auth.isAllowed({ permission: 'READ', resource: 'Group', resourceId: groupId });

async function visibleGroup(ctx: RouteContext, id: string): Promise<GroupRecord> {
  const group = await ctx.identities.getGroup(id);
  if (!group || !(await mayReadGroup(ctx, id))) throw notFound('Group', id);
  return group;
}

async function queryGroups(ctx: RouteContext): Promise<GroupRecord[]> {
  const q = ctx.req.query;
  const sort = sorting(q, ['id', 'name', 'type']);
  const id = stringParam(q, 'id');
  const idIn = listParam(q, 'idIn');
  const name = stringParam(q, 'name');
  const nameLike = stringParam(q, 'nameLike');
  const type = stringParam(q, 'type');
  const member = stringParam(q, 'member');
  const memberOfTenant = stringParam(q, 'memberOfTenant');
  const groupsOfMember = member === undefined ? undefined : new Set(await ctx.identities.groupsOf(member));
  const tenantGroups = memberOfTenant === undefined ? undefined : new Set(await ctx.identities.tenantGroups(memberOfTenant));
  const nameMatches = nameLike === undefined ? undefined : sqlLike(nameLike);
  const groups = (await ctx.identities.listGroups()).filter(
    (g) =>
      (id === undefined || g.id === id) &&
      (idIn === undefined || idIn.includes(g.id)) &&
      (name === undefined || g.name === name) &&
      (!nameMatches || nameMatches(g.name)) &&
      (type === undefined || g.type === type) &&
      (!groupsOfMember || groupsOfMember.has(g.id)) &&
      (!tenantGroups || tenantGroups.has(g.id)),
  );
  const readable = await filterAllowed(groups, (g) => mayReadGroup(ctx, g.id));
  return sortItems(readable.sort(byId), sort, (g, by) => (by === 'id' ? g.id : by === 'name' ? g.name : g.type));
}

const groupRoutes: Route[] = [
  route({ method: 'GET', pattern: '/group', handler: async (ctx) => json(200, page(await queryGroups(ctx), ctx.req.query).map(groupDto)) }),
  route({ method: 'GET', pattern: '/group/count', handler: async (ctx) => json(200, { count: (await queryGroups(ctx)).length }) }),
  route({
    method: 'POST',
    pattern: '/group/create',
    handler: async (ctx) => {
      const body = readBody(ctx.req, GroupBody);
      if (!body.id) throw invalidRequest('request object must provide group information with valid id.');
      await ctx.auth.require({ permission: 'CREATE', resource: 'Group' });
      const group: GroupRecord = { id: body.id, name: orNull(body.name), type: orNull(body.type) };
      await createNew('Group', group.id, () => ctx.identities.saveGroup(group, true));
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/group/{id}', handler: async (ctx) => json(200, groupDto(await visibleGroup(ctx, ctx.params.id))) }),
  route({
    method: 'PUT',
    pattern: '/group/{id}',
    handler: async (ctx) => {
      const body = readBody(ctx.req, GroupBody);
      const group = await visibleGroup(ctx, ctx.params.id);
      await ctx.auth.require({ permission: 'UPDATE', resource: 'Group', resourceId: group.id });
      await ctx.identities.saveGroup({ ...group, name: orNull(body.name), type: orNull(body.type) }, false);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/group/{id}',
    handler: async (ctx) => {
      const id = ctx.params.id;
      await ctx.auth.require({ permission: 'DELETE', resource: 'Group', resourceId: id });
      const group = await ctx.identities.getGroup(id);
      if (!group) throw notFound('Group', id);
      const members = await ctx.identities.groupMembers(id);
      await Promise.all(members.map((userId) => ctx.identities.removeGroupMember(id, userId)));
      const tenants = await ctx.identities.listTenants();
      await Promise.all(
        tenants.map(async (t) => {
          if ((await ctx.identities.tenantGroups(t.id)).includes(id)) await ctx.identities.removeTenantGroup(t.id, id);
        }),
      );
      await deleteResourceAuthorizations(ctx, 'Group', id);
      await ctx.identities.deleteGroup(id);
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/group/{id}/members/{userId}',
    handler: async (ctx) => {
      const { id, userId } = ctx.params as { id: string; userId: string };
      await ctx.auth.require({ permission: 'CREATE', resource: 'GroupMembership', resourceId: id });
      if (!(await ctx.identities.getGroup(id))) throw notFound('Group', id);
      if (!(await ctx.identities.getUser(userId))) throw notFound('User', userId);
      await ctx.identities.addGroupMember(id, userId);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/group/{id}/members/{userId}',
    handler: async (ctx) => {
      const { id, userId } = ctx.params as { id: string; userId: string };
      await ctx.auth.require({ permission: 'DELETE', resource: 'GroupMembership', resourceId: id });
      await ctx.identities.removeGroupMember(id, userId);
      return noContent();
    },
  }),
];

// identity /////////////////////////////////////////////////////////////////////////////////////////

const identityServiceRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/identity/groups',
    handler: async (ctx) => {
      const userId = stringParam(ctx.req.query, 'userId');
      if (userId === undefined) throw invalidRequest('No user id was supplied');
      const groupIds = await ctx.identities.groupsOf(userId);
      const stored = (await Promise.all(groupIds.map((g) => ctx.identities.getGroup(g)))).filter((g): g is GroupRecord => g !== undefined);
      const groups = (await filterAllowed(stored, (g) => mayReadGroup(ctx, g.id))).sort((a, b) => {
        const x = a.name ?? '';
        const y = b.name ?? '';
        return x < y ? -1 : x > y ? 1 : byId(a, b);
      });
      const memberIds = new Set((await Promise.all(groups.map((g) => ctx.identities.groupMembers(g.id)))).flat());
      memberIds.delete(userId);
      const members = (await Promise.all([...memberIds].map((id) => ctx.identities.getUser(id)))).filter((u): u is UserRecord => u !== undefined);
      const visible = await filterAllowed(members, (u) => ctx.auth.isAllowed({ permission: 'READ', resource: 'User', resourceId: u.id }));
      return json(200, { groups: groups.map(groupInfoGroupDto), groupUsers: visible.sort(byId).map(groupInfoUserDto) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/identity/verify',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Credentials);
      if (body.username === undefined || body.username === null || body.password === undefined || body.password === null) {
        throw invalidRequest('Username and password are required');
      }
      const user = await ctx.identities.getUser(body.username);
      const authenticated = user !== undefined && verifyPassword(body.password, user.passwordHash);
      return json(200, { authenticatedUser: body.username, authenticated });
    },
  }),
];

// tenants //////////////////////////////////////////////////////////////////////////////////////////

const mayReadTenant = (ctx: RouteContext, tenantId: string) => ctx.auth.isAllowed({ permission: 'READ', resource: 'Tenant', resourceId: tenantId });

async function visibleTenant(ctx: RouteContext, id: string): Promise<TenantRecord> {
  const tenant = await ctx.identities.getTenant(id);
  if (!tenant || !(await mayReadTenant(ctx, id))) throw notFound('Tenant', id);
  return tenant;
}

async function queryTenants(ctx: RouteContext): Promise<TenantRecord[]> {
  const q = ctx.req.query;
  const sort = sorting(q, ['id', 'name']);
  const id = stringParam(q, 'id');
  const idIn = listParam(q, 'idIn');
  const name = stringParam(q, 'name');
  const nameLike = stringParam(q, 'nameLike');
  const userMember = stringParam(q, 'userMember');
  const groupMember = stringParam(q, 'groupMember');
  const includingGroupsOfUser = booleanParam(q, 'includingGroupsOfUser') ?? false;
  const nameMatches = nameLike === undefined ? undefined : sqlLike(nameLike);
  let tenants = (await ctx.identities.listTenants()).filter(
    (t) => (id === undefined || t.id === id) && (idIn === undefined || idIn.includes(t.id)) && (name === undefined || t.name === name) && (!nameMatches || nameMatches(t.name)),
  );
  if (userMember !== undefined) {
    const viaGroups = includingGroupsOfUser ? new Set((await ctx.identities.identityOf(userMember)).tenantIds) : new Set<string>();
    tenants = await filterAllowed(tenants, async (t) => viaGroups.has(t.id) || (await ctx.identities.tenantUsers(t.id)).includes(userMember));
  }
  if (groupMember !== undefined) tenants = await filterAllowed(tenants, async (t) => (await ctx.identities.tenantGroups(t.id)).includes(groupMember));
  const readable = await filterAllowed(tenants, (t) => mayReadTenant(ctx, t.id));
  return sortItems(readable.sort(byId), sort, (t, by) => (by === 'id' ? t.id : t.name));
}

const tenantRoutes: Route[] = [
  route({ method: 'GET', pattern: '/tenant', handler: async (ctx) => json(200, page(await queryTenants(ctx), ctx.req.query).map(tenantDto)) }),
  route({ method: 'GET', pattern: '/tenant/count', handler: async (ctx) => json(200, { count: (await queryTenants(ctx)).length }) }),
  route({
    method: 'POST',
    pattern: '/tenant/create',
    handler: async (ctx) => {
      const body = readBody(ctx.req, TenantBody);
      if (!body.id) throw invalidRequest('request object must provide tenant information with valid id.');
      await ctx.auth.require({ permission: 'CREATE', resource: 'Tenant' });
      const tenant: TenantRecord = { id: body.id, name: orNull(body.name) };
      await createNew('Tenant', tenant.id, () => ctx.identities.saveTenant(tenant, true));
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/tenant/{id}', handler: async (ctx) => json(200, tenantDto(await visibleTenant(ctx, ctx.params.id))) }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}',
    handler: async (ctx) => {
      const body = readBody(ctx.req, TenantBody);
      const tenant = await visibleTenant(ctx, ctx.params.id);
      await ctx.auth.require({ permission: 'UPDATE', resource: 'Tenant', resourceId: tenant.id });
      await ctx.identities.saveTenant({ ...tenant, name: orNull(body.name) }, false);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}',
    handler: async (ctx) => {
      const id = ctx.params.id;
      await ctx.auth.require({ permission: 'DELETE', resource: 'Tenant', resourceId: id });
      if (!(await ctx.identities.getTenant(id))) throw notFound('Tenant', id);
      const [users, groups] = await Promise.all([ctx.identities.tenantUsers(id), ctx.identities.tenantGroups(id)]);
      await Promise.all([...users.map((u) => ctx.identities.removeTenantUser(id, u)), ...groups.map((g) => ctx.identities.removeTenantGroup(id, g))]);
      await deleteResourceAuthorizations(ctx, 'Tenant', id);
      await ctx.identities.deleteTenant(id);
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}/user-members/{userId}',
    handler: async (ctx) => {
      const { id, userId } = ctx.params as { id: string; userId: string };
      await ctx.auth.require({ permission: 'CREATE', resource: 'TenantMembership', resourceId: id });
      if (!(await ctx.identities.getTenant(id))) throw notFound('Tenant', id);
      if (!(await ctx.identities.getUser(userId))) throw notFound('User', userId);
      await ctx.identities.addTenantUser(id, userId);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}/user-members/{userId}',
    handler: async (ctx) => {
      const { id, userId } = ctx.params as { id: string; userId: string };
      await ctx.auth.require({ permission: 'DELETE', resource: 'TenantMembership', resourceId: id });
      await ctx.identities.removeTenantUser(id, userId);
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}/group-members/{groupId}',
    handler: async (ctx) => {
      const { id, groupId } = ctx.params as { id: string; groupId: string };
      await ctx.auth.require({ permission: 'CREATE', resource: 'TenantMembership', resourceId: id });
      if (!(await ctx.identities.getTenant(id))) throw notFound('Tenant', id);
      if (!(await ctx.identities.getGroup(groupId))) throw notFound('Group', groupId);
      await ctx.identities.addTenantGroup(id, groupId);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}/group-members/{groupId}',
    handler: async (ctx) => {
      const { id, groupId } = ctx.params as { id: string; groupId: string };
      await ctx.auth.require({ permission: 'DELETE', resource: 'TenantMembership', resourceId: id });
      await ctx.identities.removeTenantGroup(id, groupId);
      return noContent();
    },
  }),
];

/** Literal segments (`/count`, `/create`) come before `{id}` patterns within each resource. */
export const identityRoutes: Route[] = [...userRoutes, ...groupRoutes, ...identityServiceRoutes, ...tenantRoutes];
