import * as z from 'zod/v4';
import * as authorizations from '../../app/authorizations.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { authorizationDto } from '../identity-dto.ts';
import { page, pagingParams, qs, readQuery, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/**
 * Camunda's AuthorizationRestService: parse, call the use case of shared/app (which checks the
 * caller's permissions and validates the authorization's content), map to AuthorizationDto.
 */

const AuthorizationQueryParams = z.object({
  ...sortingParams<authorizations.AuthorizationSortBy>(['resourceType', 'resourceId']),
  id: qs.string(),
  type: qs.integer(),
  userIdIn: qs.list(),
  groupIdIn: qs.list(),
  resourceType: qs.integer(),
  resourceId: qs.string(),
});
const AuthorizationListParams = z.object({ ...AuthorizationQueryParams.shape, ...pagingParams });
const AuthorizationCheckParams = z.object({ permissionName: qs.string(), resourceName: qs.string(), resourceType: qs.integer(), resourceId: qs.string(), userId: qs.string() });

const AuthorizationBody = z.object({
  type: z.number().int().nullish(),
  permissions: z.array(z.string()).nullish(),
  userId: z.string().max(255).nullish(),
  groupId: z.string().max(255).nullish(),
  resourceType: z.number().int().nullish(),
  resourceId: z.string().max(255).nullish(),
});

function authorizationQuery({ sortBy, sortOrder, ...filter }: z.infer<typeof AuthorizationQueryParams>): authorizations.AuthorizationQuery {
  return { sort: sortingOf({ sortBy, sortOrder }), ...filter };
}

export const authorizationRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/authorization',
    handler: async ({ app, auth, req }) => {
      const { firstResult, maxResults, ...query } = readQuery(req, AuthorizationListParams);
      return json(200, page(await authorizations.queryAuthorizations(app, auth, authorizationQuery(query)), { firstResult, maxResults }).map(authorizationDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/authorization/count',
    handler: async ({ app, auth, req }) => json(200, { count: await authorizations.countAuthorizations(app, auth, authorizationQuery(readQuery(req, AuthorizationQueryParams))) }),
  }),
  route({
    method: 'GET',
    pattern: '/authorization/check',
    handler: async ({ app, auth, req }) => {
      const { permissionName, resourceName, resourceType, userId, ...q } = readQuery(req, AuthorizationCheckParams);
      const resourceId = q.resourceId ?? null;
      if (permissionName === undefined) throw invalidRequest("Query parameter 'permissionName' cannot be null");
      if (resourceName === undefined) throw invalidRequest("Query parameter 'resourceName' cannot be null");
      if (resourceType === undefined) throw invalidRequest("Query parameter 'resourceType' cannot be null");
      const authorized = await authorizations.checkAuthorization(app, auth, { permissionName, resourceType, resourceId, userId });
      return json(200, { permissionName, resourceName, resourceId, authorized });
    },
  }),
  route({
    method: 'POST',
    pattern: '/authorization/create',
    handler: async ({ app, auth, req }) => json(200, authorizationDto(await authorizations.createAuthorization(app, auth, readBody(req, AuthorizationBody)))),
  }),
  route({
    method: 'GET',
    pattern: '/authorization/{id}',
    handler: async ({ app, auth, params }) => json(200, authorizationDto(await authorizations.getAuthorization(app, auth, { id: params.id }))),
  }),
  route({
    method: 'PUT',
    pattern: '/authorization/{id}',
    handler: async ({ app, auth, req, params }) => {
      await authorizations.updateAuthorization(app, auth, { ...readBody(req, AuthorizationBody), id: params.id });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/authorization/{id}',
    handler: async ({ app, auth, params }) => {
      await authorizations.deleteAuthorization(app, auth, { id: params.id });
      return noContent();
    },
  }),
];
