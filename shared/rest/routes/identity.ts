import * as z from 'zod/v4';
import * as groups from '../../app/groups.ts';
import * as identity from '../../app/identity-service.ts';
import * as tenants from '../../app/tenants.ts';
import * as users from '../../app/users.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent, type RestRequest } from '../http.ts';
import { groupDto, groupInfoGroupDto, groupInfoUserDto, tenantDto, userProfileDto } from '../identity-dto.ts';
import { bodyFilters, page, pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/**
 * Users, groups, tenants and their memberships (Camunda's UserRestService, GroupRestService,
 * TenantRestService and IdentityRestService): parse, call the use case of shared/app (which checks
 * the caller's permissions), map to Camunda's DTOs.
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

// users ////////////////////////////////////////////////////////////////////////////////////////////

const UserQueryParams = z.object({
  ...sortingParams<users.UserSortBy>(['userId', 'firstName', 'lastName', 'email']),
  id: qs.string(),
  idIn: qs.list(),
  firstName: qs.string(),
  firstNameLike: qs.string(),
  lastName: qs.string(),
  lastNameLike: qs.string(),
  email: qs.string(),
  emailLike: qs.string(),
  memberOfGroup: qs.string(),
  memberOfTenant: qs.string(),
});
const UserListParams = z.object({ ...UserQueryParams.shape, ...pagingParams });

const userRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/user',
    handler: async ({ app, auth, req }) => {
      const { firstResult, maxResults, ...query } = readQuery(req, UserListParams);
      return json(200, page(await users.queryUsers(app, auth, sorted(query)), { firstResult, maxResults }).map(userProfileDto));
    },
  }),
  route({ method: 'GET', pattern: '/user/count', handler: async ({ app, auth, req }) => json(200, { count: await users.countUsers(app, auth, sorted(readQuery(req, UserQueryParams))) }) }),
  route({
    method: 'POST',
    pattern: '/user/create',
    handler: async ({ app, auth, req }) => {
      const { profile, credentials } = readBody(req, UserCreate);
      if (!profile?.id) throw invalidRequest('request object must provide profile information with valid id.');
      await users.createUser(app, auth, { ...profile, id: profile.id, password: credentials?.password });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/user/{id}/profile', handler: async ({ app, auth, params }) => json(200, userProfileDto(await users.getUserProfile(app, auth, { id: params.id }))) }),
  route({
    method: 'PUT',
    pattern: '/user/{id}/profile',
    handler: async ({ app, auth, req, params }) => {
      const { firstName, lastName, email } = readBody(req, UserProfile);
      await users.updateUserProfile(app, auth, { id: params.id, firstName, lastName, email });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/user/{id}/credentials',
    handler: async ({ app, auth, req, params }) => {
      await users.updateUserCredentials(app, auth, { ...readBody(req, UserCredentials), id: params.id });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/user/{id}/unlock',
    handler: async ({ app, auth, params }) => {
      await users.unlockUser(app, auth, { id: params.id });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/user/{id}',
    handler: async ({ app, auth, params }) => {
      await users.deleteUser(app, auth, { id: params.id });
      return noContent();
    },
  }),
];

// groups ///////////////////////////////////////////////////////////////////////////////////////////

const GroupQueryParams = z.object({
  ...sortingParams<groups.GroupSortBy>(['id', 'name', 'type']),
  id: qs.string(),
  idIn: qs.list(),
  name: qs.string(),
  nameLike: qs.string(),
  type: qs.string(),
  member: qs.string(),
  memberOfTenant: qs.string(),
});
const GroupListParams = z.object({ ...GroupQueryParams.shape, ...pagingParams });
const GroupSortBy = z.enum(['id', 'name', 'type']);

/** Camunda's GroupQueryDto as a POST body: the filters as JSON, `sortBy` and `sortOrder` as fields. */
const GroupQueryBody = z.object({
  id: z.string().nullish(),
  idIn: z.array(z.string()).nullish(),
  name: z.string().nullish(),
  nameLike: z.string().nullish(),
  type: z.string().nullish(),
  member: z.string().nullish(),
  memberOfTenant: z.string().nullish(),
  sortBy: z.string().nullish(),
  sortOrder: z.enum(['asc', 'desc']).nullish(),
});

function groupQueryOf(req: RestRequest): groups.GroupQuery {
  const { sortBy, sortOrder, ...filters } = readBody(req, GroupQueryBody);
  const query = bodyFilters<groups.GroupQuery>(filters, GroupQueryParams.shape);
  if ((sortBy ?? undefined) === undefined && (sortOrder ?? undefined) === undefined) return query;
  if (!sortBy || !sortOrder) throw invalidRequest('Only a single sorting parameter specified. sortBy and sortOrder required');
  const by = GroupSortBy.safeParse(sortBy);
  if (!by.success) throw invalidRequest(`Cannot set query parameter 'sortBy' to value '${sortBy}'`);
  return { ...query, sort: { by: by.data, descending: sortOrder === 'desc' } };
}

const groupRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/group',
    handler: async ({ app, auth, req }) => {
      const { firstResult, maxResults, ...query } = readQuery(req, GroupListParams);
      return json(200, page(await groups.queryGroups(app, auth, sorted(query)), { firstResult, maxResults }).map(groupDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/group',
    handler: async ({ app, auth, req }) => {
      const { firstResult, maxResults } = readQuery(req, z.object(pagingParams));
      return json(200, page(await groups.queryGroups(app, auth, groupQueryOf(req)), { firstResult, maxResults }).map(groupDto));
    },
  }),
  route({ method: 'POST', pattern: '/group/count', handler: async ({ app, auth, req }) => json(200, { count: await groups.countGroups(app, auth, groupQueryOf(req)) }) }),
  route({ method: 'GET', pattern: '/group/count', handler: async ({ app, auth, req }) => json(200, { count: await groups.countGroups(app, auth, sorted(readQuery(req, GroupQueryParams))) }) }),
  route({
    method: 'POST',
    pattern: '/group/create',
    handler: async ({ app, auth, req }) => {
      const body = readBody(req, GroupBody);
      if (!body.id) throw invalidRequest('request object must provide group information with valid id.');
      await groups.createGroup(app, auth, { ...body, id: body.id });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/group/{id}', handler: async ({ app, auth, params }) => json(200, groupDto(await groups.getGroup(app, auth, { id: params.id }))) }),
  route({
    method: 'PUT',
    pattern: '/group/{id}',
    handler: async ({ app, auth, req, params }) => {
      const { name, type } = readBody(req, GroupBody);
      await groups.updateGroup(app, auth, { id: params.id, name, type });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/group/{id}',
    handler: async ({ app, auth, params }) => {
      await groups.deleteGroup(app, auth, { id: params.id });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/group/{id}/members/{userId}',
    handler: async ({ app, auth, params }) => {
      await groups.addGroupMember(app, auth, { groupId: params.id, userId: params.userId });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/group/{id}/members/{userId}',
    handler: async ({ app, auth, params }) => {
      await groups.removeGroupMember(app, auth, { groupId: params.id, userId: params.userId });
      return noContent();
    },
  }),
];

// identity /////////////////////////////////////////////////////////////////////////////////////////

const UserGroupsParams = z.object({ userId: qs.string() });

const identityServiceRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/identity/groups',
    handler: async ({ app, auth, req }) => {
      const { userId } = readQuery(req, UserGroupsParams);
      if (userId === undefined) throw invalidRequest('No user id was supplied');
      const info = await identity.userGroupInfo(app, auth, { userId });
      return json(200, { groups: info.groups.map(groupInfoGroupDto), groupUsers: info.groupUsers.map(groupInfoUserDto) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/identity/verify',
    handler: async ({ app, auth, req }) => {
      const { username, password } = readBody(req, Credentials);
      if (username === undefined || username === null || password === undefined || password === null) {
        throw invalidRequest('Username and password are required');
      }
      // Camunda's AuthenticationResult of a bare password check: no groups or tenants looked up.
      return json(200, { authenticatedUser: username, authenticated: await identity.verifyUser(app, auth, { username, password }), tenants: null, groups: null });
    },
  }),
  // No password policy is configured here (the product has none): Camunda then answers 404 without a body.
  route({ method: 'GET', pattern: '/identity/password-policy', handler: async () => ({ status: 404 }) }),
  route({ method: 'POST', pattern: '/identity/password-policy', handler: async () => ({ status: 404 }) }),
];

// tenants //////////////////////////////////////////////////////////////////////////////////////////

const TenantQueryParams = z.object({
  ...sortingParams<tenants.TenantSortBy>(['id', 'name']),
  id: qs.string(),
  idIn: qs.list(),
  name: qs.string(),
  nameLike: qs.string(),
  userMember: qs.string(),
  groupMember: qs.string(),
  includingGroupsOfUser: qs.boolean(),
});
const TenantListParams = z.object({ ...TenantQueryParams.shape, ...pagingParams });
const tenantQuery = (params: z.infer<typeof TenantQueryParams>): tenants.TenantQuery => sorted({ ...params, includingGroupsOfUser: params.includingGroupsOfUser ?? false });

const tenantRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/tenant',
    handler: async ({ app, auth, req }) => {
      const { firstResult, maxResults, ...query } = readQuery(req, TenantListParams);
      return json(200, page(await tenants.queryTenants(app, auth, tenantQuery(query)), { firstResult, maxResults }).map(tenantDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/tenant/count',
    handler: async ({ app, auth, req }) => json(200, { count: await tenants.countTenants(app, auth, tenantQuery(readQuery(req, TenantQueryParams))) }),
  }),
  route({
    method: 'POST',
    pattern: '/tenant/create',
    handler: async ({ app, auth, req }) => {
      const body = readBody(req, TenantBody);
      if (!body.id) throw invalidRequest('request object must provide tenant information with valid id.');
      await tenants.createTenant(app, auth, { id: body.id, name: body.name });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/tenant/{id}', handler: async ({ app, auth, params }) => json(200, tenantDto(await tenants.getTenant(app, auth, { id: params.id }))) }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}',
    handler: async ({ app, auth, req, params }) => {
      const { name } = readBody(req, TenantBody);
      await tenants.updateTenant(app, auth, { id: params.id, name });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}',
    handler: async ({ app, auth, params }) => {
      await tenants.deleteTenant(app, auth, { id: params.id });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}/user-members/{userId}',
    handler: async ({ app, auth, params }) => {
      await tenants.addTenantUserMember(app, auth, { tenantId: params.id, userId: params.userId });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}/user-members/{userId}',
    handler: async ({ app, auth, params }) => {
      await tenants.removeTenantUserMember(app, auth, { tenantId: params.id, userId: params.userId });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/tenant/{id}/group-members/{groupId}',
    handler: async ({ app, auth, params }) => {
      await tenants.addTenantGroupMember(app, auth, { tenantId: params.id, groupId: params.groupId });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/tenant/{id}/group-members/{groupId}',
    handler: async ({ app, auth, params }) => {
      await tenants.removeTenantGroupMember(app, auth, { tenantId: params.id, groupId: params.groupId });
      return noContent();
    },
  }),
];

/** Literal segments (`/count`, `/create`) come before `{id}` patterns within each resource. */
export const identityRoutes: Route[] = [...userRoutes, ...groupRoutes, ...identityServiceRoutes, ...tenantRoutes];
