import * as z from 'zod/v4';
import {
  countProcessDefinitions,
  DEFINITION_SORT_KEYS,
  type DefinitionRef,
  getProcessDefinition,
  getProcessDefinitionXml,
  queryProcessDefinitions,
  startProcessInstance,
  type StartRequest,
} from '../../app/process-definitions.ts';
import { processDefinitionDto, processInstanceDto } from '../dto.ts';
import { json, type RestRequest } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';

const StartBody = z.object({
  variables: VariableMapDto.nullish(),
  /** Camunda's BUSINESS_KEY_ column holds 255 characters; here the business key is also an index key. */
  businessKey: z.string().max(255).nullish(),
  withVariablesInReturn: z.boolean().nullish(),
  skipCustomListeners: z.boolean().nullish(),
  skipIoMappings: z.boolean().nullish(),
});

function startRequest(req: RestRequest): StartRequest {
  const body = readBody(req, StartBody);
  return { variables: fromVariableMap(body.variables), businessKey: body.businessKey ?? undefined, withVariablesInReturn: body.withVariablesInReturn ?? false };
}

/** Starts an instance; the body is read once the definition is found, before the permissions are checked. */
async function start(ctx: RouteContext, definition: DefinitionRef) {
  const { instance, variables } = await startProcessInstance(ctx.app, ctx.auth, { definition, request: () => startRequest(ctx.req) });
  const dto = processInstanceDto(instance, ctx.req.baseUrl);
  return json(200, variables ? { ...dto, variables: toVariableMapDto(variables) } : dto);
}

/** Sorting first, then the filters (a count is not sorted, but a bad sortBy is still a 400). */
const DefinitionQueryParams = z.object({
  ...sortingParams(DEFINITION_SORT_KEYS),
  processDefinitionId: qs.string(),
  processDefinitionIdIn: qs.list(),
  key: qs.string(),
  keysIn: qs.list(),
  keyLike: qs.string(),
  name: qs.string(),
  deploymentId: qs.string(),
  version: qs.integer(),
  latestVersion: qs.boolean(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  includeProcessDefinitionsWithoutTenantId: qs.boolean(),
});
const DefinitionListParams = z.object({ ...DefinitionQueryParams.shape, ...pagingParams });

async function xml(ctx: RouteContext, definition: DefinitionRef) {
  const { id, xml } = await getProcessDefinitionXml(ctx.app, ctx.auth, definition);
  return json(200, { id, bpmn20Xml: xml });
}

export const processDefinitionRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/process-definition',
    handler: async ({ req, app, auth }) => {
      return json(200, (await queryProcessDefinitions(app, auth, sorted(readQuery(req, DefinitionListParams)))).map(processDefinitionDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/count',
    handler: async ({ req, app, auth }) => {
      return json(200, { count: await countProcessDefinitions(app, auth, readQuery(req, DefinitionQueryParams)) });
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}',
    handler: async ({ params, app, auth }) => json(200, processDefinitionDto(await getProcessDefinition(app, auth, { key: params.key }))),
  }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/xml', handler: async (ctx) => xml(ctx, { key: ctx.params.key }) }),
  route({ method: 'POST', pattern: '/process-definition/key/{key}/start', handler: async (ctx) => start(ctx, { key: ctx.params.key }) }),
  route({
    method: 'POST',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/start',
    handler: async (ctx) => start(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}', handler: async ({ params, app, auth }) => json(200, processDefinitionDto(await getProcessDefinition(app, auth, { id: params.id }))) }),
  route({ method: 'GET', pattern: '/process-definition/{id}/xml', handler: async (ctx) => xml(ctx, { id: ctx.params.id }) }),
  route({ method: 'POST', pattern: '/process-definition/{id}/start', handler: async (ctx) => start(ctx, { id: ctx.params.id }) }),
];
