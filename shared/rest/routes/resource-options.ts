/**
 * OPTIONS on the identity and authorization resources: the links Camunda lists for the caller
 * (shared/app/resource-options.ts decides which).
 */
import { allowedLinks, type LinkSpec } from '../../app/resource-options.ts';
import type { ResourceName } from '../../auth/resources.ts';
import { json } from '../http.ts';
import { route, type Route, type RouteContext } from '../router.ts';

async function options(ctx: RouteContext, links: LinkSpec[]) {
  const allowed = await allowedLinks(ctx.auth, links);
  return json(200, { links: allowed.map(({ path, method, rel }) => ({ method, href: `${ctx.req.baseUrl}${path}`, rel })) });
}

const needs = (resource: ResourceName, resourceId: string, permission: string) => ({ requires: { resource, resourceId, permission } });

/** A collection: list and count, and create with CREATE on any (`*`) of its resource. */
function collection(base: string, resource: ResourceName): Route {
  return route({
    method: 'OPTIONS',
    pattern: base,
    handler: (ctx) =>
      options(ctx, [
        { path: base, method: 'GET', rel: 'list' },
        { path: `${base}/count`, method: 'GET', rel: 'count' },
        { path: `${base}/create`, method: 'POST', rel: 'create', ...needs(resource, '*', 'CREATE') },
      ]),
  });
}

/** One member: self, and delete and update with those permissions on it. */
function member(base: string, resource: ResourceName, selfSuffix = ''): Route {
  return route({
    method: 'OPTIONS',
    pattern: `${base}/{id}`,
    handler: (ctx) => {
      const path = `${base}/${encodeURIComponent(ctx.params.id)}`;
      return options(ctx, [
        { path: `${path}${selfSuffix}`, method: 'GET', rel: 'self' },
        { path, method: 'DELETE', rel: 'delete', ...needs(resource, ctx.params.id, 'DELETE') },
        { path: `${path}${selfSuffix}`, method: 'PUT', rel: 'update', ...needs(resource, ctx.params.id, 'UPDATE') },
      ]);
    },
  });
}

/** A membership list: delete and create with those permissions on the membership resource of the owner. */
function memberships(base: string, segment: string, resource: ResourceName): Route {
  return route({
    method: 'OPTIONS',
    pattern: `${base}/{id}/${segment}`,
    handler: (ctx) => {
      const path = `${base}/${encodeURIComponent(ctx.params.id)}/${segment}`;
      return options(ctx, [
        { path, method: 'DELETE', rel: 'delete', ...needs(resource, ctx.params.id, 'DELETE') },
        { path, method: 'PUT', rel: 'create', ...needs(resource, ctx.params.id, 'CREATE') },
      ]);
    },
  });
}

export const resourceOptionRoutes: Route[] = [
  collection('/user', 'User'),
  member('/user', 'User', '/profile'),
  collection('/group', 'Group'),
  member('/group', 'Group'),
  memberships('/group', 'members', 'GroupMembership'),
  collection('/tenant', 'Tenant'),
  member('/tenant', 'Tenant'),
  memberships('/tenant', 'user-members', 'TenantMembership'),
  memberships('/tenant', 'group-members', 'TenantMembership'),
  collection('/authorization', 'Authorization'),
  member('/authorization', 'Authorization'),
];
