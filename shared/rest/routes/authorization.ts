import * as z from 'zod/v4';
import * as authorizations from '../../app/authorizations.ts';
import type { Sorting } from '../../query/sort.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { authorizationDto } from '../identity-dto.ts';
import { integerParam, listParam, page, sorting, stringParam } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/**
 * Camunda's AuthorizationRestService: parse, call the use case of shared/app (which checks the
 * caller's permissions and validates the authorization's content), map to AuthorizationDto.
 */

type Query = Record<string, string | undefined>;

const AuthorizationBody = z.object({
  type: z.number().int().nullish(),
  permissions: z.array(z.string()).nullish(),
  userId: z.string().max(255).nullish(),
  groupId: z.string().max(255).nullish(),
  resourceType: z.number().int().nullish(),
  resourceId: z.string().max(255).nullish(),
});

function authorizationQuery(q: Query): authorizations.AuthorizationQuery {
  return {
    sort: sorting(q, ['resourceType', 'resourceId']) as Sorting<authorizations.AuthorizationSortBy> | undefined,
    id: stringParam(q, 'id'),
    type: integerParam(q, 'type'),
    userIdIn: listParam(q, 'userIdIn'),
    groupIdIn: listParam(q, 'groupIdIn'),
    resourceType: integerParam(q, 'resourceType'),
    resourceId: stringParam(q, 'resourceId'),
  };
}

export const authorizationRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/authorization',
    handler: async ({ app, auth, req }) => json(200, page(await authorizations.queryAuthorizations(app, auth, authorizationQuery(req.query)), req.query).map(authorizationDto)),
  }),
  route({
    method: 'GET',
    pattern: '/authorization/count',
    handler: async ({ app, auth, req }) => json(200, { count: await authorizations.countAuthorizations(app, auth, authorizationQuery(req.query)) }),
  }),
  route({
    method: 'GET',
    pattern: '/authorization/check',
    handler: async ({ app, auth, req }) => {
      const q = req.query;
      const permissionName = stringParam(q, 'permissionName');
      const resourceName = stringParam(q, 'resourceName');
      const resourceType = integerParam(q, 'resourceType');
      const resourceId = stringParam(q, 'resourceId') ?? null;
      const userId = stringParam(q, 'userId');
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
