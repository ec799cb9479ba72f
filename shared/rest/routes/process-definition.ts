import * as z from 'zod/v4';
import type { DefinitionRecord } from '../../store/definition-repository.ts';
import { processDefinitionDto, processInstanceDto } from '../dto.ts';
import { RestError, invalidRequest } from '../errors.ts';
import { json } from '../http.ts';
import { booleanParam, integerParam, listParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { canSeeDefinition, filterAllowed, requireDefinition } from '../access.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';
import { sqlLike } from '../../query/sql-like.ts';

const StartBody = z.object({
  variables: VariableMapDto.nullish(),
  businessKey: z.string().nullish(),
  withVariablesInReturn: z.boolean().nullish(),
  skipCustomListeners: z.boolean().nullish(),
  skipIoMappings: z.boolean().nullish(),
});

async function byId(ctx: RouteContext, id: string): Promise<DefinitionRecord> {
  const definition = await ctx.service.definition(id);
  if (!definition || !(await canSeeDefinition(ctx, definition))) throw new RestError(404, `No matching definition with id ${id}`);
  return definition;
}

async function byKey(ctx: RouteContext, key: string, tenantId: string | null = null): Promise<DefinitionRecord> {
  const definition = await ctx.service.deps.definitions.latestDefinition(key, tenantId);
  if (!definition || !(await canSeeDefinition(ctx, definition))) {
    throw new RestError(404, `No matching process definition with key: ${key} and ${tenantId === null ? 'no tenant-id' : `tenant-id: ${tenantId}`}`, 'RestException');
  }
  return definition;
}

async function start(ctx: RouteContext, definition: DefinitionRecord) {
  const { req, service } = ctx;
  const body = readBody(req, StartBody);
  await requireDefinition(ctx, definition, 'CREATE_INSTANCE');
  await ctx.auth.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  const state = await service.start(definition, { variables: fromVariableMap(body.variables), businessKey: body.businessKey ?? undefined });
  const dto = processInstanceDto(state, req.baseUrl);
  return json(200, body.withVariablesInReturn ? { ...dto, variables: toVariableMapDto(state.root.variables) } : dto);
}

const DEFINITION_SORT = ['category', 'key', 'id', 'name', 'version', 'deploymentId', 'tenantId', 'versionTag'];

async function queryDefinitions(ctx: RouteContext): Promise<DefinitionRecord[]> {
  const { req, service } = ctx;
  const q = req.query;
  const sort = sorting(q, DEFINITION_SORT);
  const id = stringParam(q, 'processDefinitionId');
  const ids = listParam(q, 'processDefinitionIdIn');
  const key = stringParam(q, 'key');
  const keys = listParam(q, 'keysIn');
  const keyLike = stringParam(q, 'keyLike');
  const name = stringParam(q, 'name');
  const deploymentId = stringParam(q, 'deploymentId');
  const version = integerParam(q, 'version');
  const latest = booleanParam(q, 'latestVersion');
  const tenants = listParam(q, 'tenantIdIn');
  const withoutTenant = booleanParam(q, 'withoutTenantId');
  const withoutTenantIncluded = booleanParam(q, 'includeProcessDefinitionsWithoutTenantId');
  let all = await filterAllowed(await service.deps.definitions.listDefinitions(), (d) => canSeeDefinition(ctx, d));
  if (latest) {
    const newest = new Map<string, DefinitionRecord>();
    for (const d of all) {
      const k = `${d.tenantId ?? ''}#${d.key}`;
      if ((newest.get(k)?.version ?? 0) < d.version) newest.set(k, d);
    }
    all = [...newest.values()];
  }
  const keyMatches = keyLike ? sqlLike(keyLike) : undefined;
  const filtered = all.filter(
    (d) =>
      (id === undefined || d.id === id) &&
      (ids === undefined || ids.includes(d.id)) &&
      (key === undefined || d.key === key) &&
      (keys === undefined || keys.includes(d.key)) &&
      (keyMatches === undefined || keyMatches(d.key)) &&
      (name === undefined || d.name === name) &&
      (deploymentId === undefined || d.deploymentId === deploymentId) &&
      (version === undefined || d.version === version) &&
      (tenants === undefined || (d.tenantId !== null && tenants.includes(d.tenantId)) || (withoutTenantIncluded === true && d.tenantId === null)) &&
      (!withoutTenant || d.tenantId === null),
  );
  return sortItems(filtered, sort, (d, by) => (by === 'version' ? d.version : (d as unknown as Record<string, string | null>)[by] ?? null));
}

export const processDefinitionRoutes: Route[] = [
  route({ method: 'GET', pattern: '/process-definition', handler: async (ctx) => json(200, page(await queryDefinitions(ctx), ctx.req.query).map(processDefinitionDto)) }),
  route({ method: 'GET', pattern: '/process-definition/count', handler: async (ctx) => json(200, { count: (await queryDefinitions(ctx)).length }) }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}', handler: async (ctx) => json(200, processDefinitionDto(await byKey(ctx, ctx.params.key))) }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}/xml',
    handler: async (ctx) => {
      const d = await byKey(ctx, ctx.params.key);
      return json(200, { id: d.id, bpmn20Xml: d.xml });
    },
  }),
  route({ method: 'POST', pattern: '/process-definition/key/{key}/start', handler: async (ctx) => start(ctx, await byKey(ctx, ctx.params.key)) }),
  route({
    method: 'POST',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/start',
    handler: async (ctx) => start(ctx, await byKey(ctx, ctx.params.key, ctx.params.tenantId)),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}', handler: async (ctx) => json(200, processDefinitionDto(await byId(ctx, ctx.params.id))) }),
  route({
    method: 'GET',
    pattern: '/process-definition/{id}/xml',
    handler: async (ctx) => {
      const d = await byId(ctx, ctx.params.id);
      return json(200, { id: d.id, bpmn20Xml: d.xml });
    },
  }),
  route({ method: 'POST', pattern: '/process-definition/{id}/start', handler: async (ctx) => start(ctx, await byId(ctx, ctx.params.id)) }),
];

export { invalidRequest };
