import { randomUUID } from 'node:crypto';
import * as z from 'zod/v4';
import { type Authorization, isAuthorized, type PermissionCheck } from '../../auth/evaluate.ts';
import { AUTHORIZATION_TYPES, PERMISSIONS, resourceNameOf, type ResourceName } from '../../auth/resources.ts';
import { filterAllowed } from '../access.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { authorizationDto } from '../identity-dto.ts';
import { integerParam, listParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';

/**
 * Camunda's AuthorizationRestService. Authorizations are read through an authorization-filtered
 * query (READ on the authorization's id), so one the caller may not read answers 404; create, update
 * and delete check CREATE, UPDATE and DELETE on the Authorization resource.
 */

const AuthorizationBody = z.object({
  type: z.number().int().nullish(),
  permissions: z.array(z.string()).nullish(),
  userId: z.string().max(255).nullish(),
  groupId: z.string().max(255).nullish(),
  resourceType: z.number().int().nullish(),
  resourceId: z.string().max(255).nullish(),
});
type AuthorizationBody = z.infer<typeof AuthorizationBody>;

/** Permissions every resource knows besides its own. */
const UNIVERSAL = ['ALL', 'NONE'];

function resourceOf(resourceType: number | null | undefined): ResourceName {
  if (resourceType === undefined || resourceType === null) throw invalidRequest("Authorization 'resourceType' cannot be null.");
  const resource = resourceNameOf(resourceType);
  if (!resource) throw invalidRequest(`The resource type '${resourceType}' is not valid.`);
  return resource;
}

/** Names as Camunda's PermissionConverter answers them: ALL alone when present, NONE dropped, no duplicates. */
function permissionsFor(names: readonly string[], resource: ResourceName): string[] {
  for (const name of names) {
    if (!UNIVERSAL.includes(name) && !PERMISSIONS[resource].includes(name)) {
      throw invalidRequest(`The permission '${name}' is not valid for '${resource}' resource type.`);
    }
  }
  if (names.includes('ALL')) return ['ALL'];
  return [...new Set(names.filter((n) => n !== 'NONE'))];
}

/** Camunda's AuthorizationEntity and SaveAuthorizationCmd validation. */
function validated(a: Authorization): Authorization {
  if (a.type === AUTHORIZATION_TYPES.GLOBAL) {
    if (a.groupId !== null) throw invalidRequest("Cannot use 'groupId' for GLOBAL authorization.");
    if (a.userId !== null && a.userId !== '*') throw invalidRequest(`Illegal value '${a.userId}' for userId for GLOBAL authorization. Must be '*'.`);
  }
  if ((a.userId === null) === (a.groupId === null)) throw invalidRequest("Authorization must either have a 'userId' or a 'groupId'.");
  return a;
}

function fromCreateBody(body: AuthorizationBody): Authorization {
  const type = body.type;
  if (type !== AUTHORIZATION_TYPES.GLOBAL && type !== AUTHORIZATION_TYPES.GRANT && type !== AUTHORIZATION_TYPES.REVOKE) {
    throw invalidRequest(`The authorization type '${type ?? null}' is not valid: use 0 (GLOBAL), 1 (GRANT) or 2 (REVOKE).`);
  }
  const resource = resourceOf(body.resourceType);
  return validated({
    id: randomUUID(),
    type,
    permissions: permissionsFor(body.permissions ?? [], resource),
    userId: body.userId ?? null,
    groupId: body.groupId ?? null,
    resourceType: body.resourceType!,
    resourceId: body.resourceId ?? '*',
  });
}

/** Camunda's AuthorizationDto.update: ids always, resource type and permissions only when given; the type stays. */
function updated(existing: Authorization, body: AuthorizationBody): Authorization {
  const resourceType = body.resourceType ?? existing.resourceType;
  const resource = resourceOf(resourceType);
  return validated({
    ...existing,
    userId: body.userId ?? null,
    groupId: body.groupId ?? null,
    resourceId: body.resourceId ?? '*',
    resourceType,
    permissions: permissionsFor(body.permissions ?? existing.permissions, resource),
  });
}

const mayRead = (ctx: RouteContext, id: string) => ctx.auth.isAllowed({ permission: 'READ', resource: 'Authorization', resourceId: id });

async function visibleAuthorization(ctx: RouteContext, id: string): Promise<Authorization> {
  const authorization = await ctx.identities.getAuthorization(id);
  if (!authorization || !(await mayRead(ctx, id))) throw new RestError(404, `Authorization with id ${id} does not exist.`);
  return authorization;
}

async function queryAuthorizations(ctx: RouteContext): Promise<Authorization[]> {
  const q = ctx.req.query;
  const sort = sorting(q, ['resourceType', 'resourceId']);
  const id = stringParam(q, 'id');
  const type = integerParam(q, 'type');
  const userIdIn = listParam(q, 'userIdIn');
  const groupIdIn = listParam(q, 'groupIdIn');
  const resourceType = integerParam(q, 'resourceType');
  const resourceId = stringParam(q, 'resourceId');
  const matching = (await ctx.identities.listAuthorizations()).filter(
    (a) =>
      (id === undefined || a.id === id) &&
      (type === undefined || a.type === type) &&
      (userIdIn === undefined || (a.userId !== null && userIdIn.includes(a.userId))) &&
      (groupIdIn === undefined || (a.groupId !== null && groupIdIn.includes(a.groupId))) &&
      (resourceType === undefined || a.resourceType === resourceType) &&
      (resourceId === undefined || a.resourceId === resourceId),
  );
  const readable = await filterAllowed(matching, (a) => mayRead(ctx, a.id));
  return sortItems(readable, sort, (a, by) => (by === 'resourceType' ? a.resourceType : a.resourceId));
}

export const authorizationRoutes: Route[] = [
  route({ method: 'GET', pattern: '/authorization', handler: async (ctx) => json(200, page(await queryAuthorizations(ctx), ctx.req.query).map(authorizationDto)) }),
  route({ method: 'GET', pattern: '/authorization/count', handler: async (ctx) => json(200, { count: (await queryAuthorizations(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/authorization/check',
    handler: async (ctx) => {
      const q = ctx.req.query;
      const permissionName = stringParam(q, 'permissionName');
      const resourceName = stringParam(q, 'resourceName');
      const resourceType = integerParam(q, 'resourceType');
      const resourceId = stringParam(q, 'resourceId') ?? null;
      const userId = stringParam(q, 'userId');
      if (permissionName === undefined) throw invalidRequest("Query parameter 'permissionName' cannot be null");
      if (resourceName === undefined) throw invalidRequest("Query parameter 'resourceName' cannot be null");
      if (resourceType === undefined) throw invalidRequest("Query parameter 'resourceType' cannot be null");
      const resource = resourceOf(resourceType);
      permissionsFor([permissionName], resource);
      const answer = (authorized: boolean) => json(200, { permissionName, resourceName, resourceId, authorized });
      if (!ctx.auth.enabled) return answer(true);
      // Without a resource id (or with '*') the check is on the resource type: only '*' authorizations count.
      const check: PermissionCheck = { permission: permissionName, resource, resourceId: resourceId === null || resourceId === '*' ? undefined : resourceId };
      if (userId === undefined || userId === ctx.auth.userId) return answer(await ctx.auth.isAllowed(check));
      // Asking on someone else's behalf needs READ on authorizations (Camunda's rule).
      if (!(await ctx.auth.isAllowed({ permission: 'READ', resource: 'Authorization' }))) {
        throw new RestError(403, 'You must have READ permission for Authorization resource.');
      }
      return answer(isAuthorized(await ctx.identities.identityOf(userId), await ctx.identities.listAuthorizations(), check));
    },
  }),
  route({
    method: 'POST',
    pattern: '/authorization/create',
    handler: async (ctx) => {
      const authorization = fromCreateBody(readBody(ctx.req, AuthorizationBody));
      await ctx.auth.require({ permission: 'CREATE', resource: 'Authorization' });
      await ctx.identities.saveAuthorization(authorization);
      return json(200, authorizationDto(authorization));
    },
  }),
  route({ method: 'GET', pattern: '/authorization/{id}', handler: async (ctx) => json(200, authorizationDto(await visibleAuthorization(ctx, ctx.params.id))) }),
  route({
    method: 'PUT',
    pattern: '/authorization/{id}',
    handler: async (ctx) => {
      const body = readBody(ctx.req, AuthorizationBody);
      const existing = await visibleAuthorization(ctx, ctx.params.id);
      const authorization = updated(existing, body);
      await ctx.auth.require({ permission: 'UPDATE', resource: 'Authorization', resourceId: existing.id });
      await ctx.identities.saveAuthorization(authorization);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/authorization/{id}',
    handler: async (ctx) => {
      const existing = await visibleAuthorization(ctx, ctx.params.id);
      await ctx.auth.require({ permission: 'DELETE', resource: 'Authorization', resourceId: existing.id });
      await ctx.identities.deleteAuthorization(existing.id);
      return noContent();
    },
  }),
];
