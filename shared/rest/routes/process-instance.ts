import * as z from 'zod/v4';
import { buildActivityInstanceTree } from '../../engine/activity-instance-tree.ts';
import { notFound } from '../../engine/errors.ts';
import { instanceCannotBeModified, modifyProcessInstance } from '../../engine/modification/modify.ts';
import { modifyVariables } from '../../engine/operations.ts';
import type { ActivityInstanceState, ProcessInstanceState } from '../../engine/state.ts';
import { getOwn } from '../../engine/own-properties.ts';
import { count, METRIC } from '../../observability/metrics.ts';
import { processInstanceDto } from '../dto.ts';
import { filterAllowed, mayInstance, requireInstance } from '../access.ts';
import { AuthorizationError } from '../../auth/auth-context.ts';
import { notFoundError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { ModificationBody, toInstructions } from '../modification-dto.ts';
import { booleanParam, listParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableDto, fromVariableMap, toVariableDto, toVariableMapDto, VariableMapDto, VariableValueDto } from '../variables.ts';

const missingInstance = (id: string) => () => notFoundError(`Process instance with id ${id} does not exist`);

function activeActivityIds(state: ProcessInstanceState): Set<string> {
  const ids = new Set<string>();
  const visit = (node: ActivityInstanceState) => {
    for (const child of node.children ?? []) {
      ids.add(child.activityId);
      visit(child);
    }
  };
  visit(state.root);
  return ids;
}

/** A process instance query as Camunda's ProcessInstanceQueryDto (query string or POST body). */
export const ProcessInstanceQuery = z
  .object({
    processInstanceIds: z.array(z.string()).nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    businessKey: z.string().nullish(),
    activityIdIn: z.array(z.string()).nullish(),
    tenantIdIn: z.array(z.string()).nullish(),
    withoutTenantId: z.boolean().nullish(),
  })
  .passthrough();
export type ProcessInstanceQuery = z.infer<typeof ProcessInstanceQuery>;

export async function queryProcessInstances(ctx: RouteContext, query: ProcessInstanceQuery): Promise<ProcessInstanceState[]> {
  const stored = await ctx.service.deps.instances.list(query.processDefinitionId ? { processDefinitionId: query.processDefinitionId } : {});
  const readable = await filterAllowed(stored, (s) => mayInstance(ctx, s.state, 'READ'));
  return readable
    .map((s) => s.state)
    .filter(
      (s) =>
        (!query.processInstanceIds || query.processInstanceIds.includes(s.id)) &&
        (!query.processDefinitionKey || s.definitionKey === query.processDefinitionKey) &&
        (!query.businessKey || s.businessKey === query.businessKey) &&
        (!query.tenantIdIn || (s.tenantId !== undefined && query.tenantIdIn.includes(s.tenantId))) &&
        (!query.withoutTenantId || s.tenantId === undefined) &&
        (!query.activityIdIn || query.activityIdIn.some((id) => activeActivityIds(s).has(id))),
    )
    .sort((a, b) => a.startTime - b.startTime);
}

function queryFromString(q: Record<string, string | undefined>): ProcessInstanceQuery {
  return {
    processInstanceIds: listParam(q, 'processInstanceIds'),
    processDefinitionId: stringParam(q, 'processDefinitionId'),
    processDefinitionKey: stringParam(q, 'processDefinitionKey'),
    businessKey: stringParam(q, 'businessKey'),
    activityIdIn: listParam(q, 'activityIdIn'),
    tenantIdIn: listParam(q, 'tenantIdIn'),
    withoutTenantId: booleanParam(q, 'withoutTenantId'),
  };
}

const INSTANCE_SORT = ['instanceId', 'definitionKey', 'definitionId', 'tenantId', 'businessKey'];

function sortInstances(instances: ProcessInstanceState[], q: Record<string, string | undefined>): ProcessInstanceState[] {
  const sort = sorting(q, INSTANCE_SORT);
  return sortItems(instances, sort, (s, by) =>
    by === 'instanceId' ? s.id : by === 'definitionKey' ? s.definitionKey : by === 'definitionId' ? s.definitionId : by === 'tenantId' ? (s.tenantId ?? null) : (s.businessKey ?? null),
  );
}

const VariablesModification = z.object({ modifications: VariableMapDto.nullish(), deletions: z.array(z.string()).nullish() });

/** Loads a running instance the caller may read (an unreadable one is reported like a missing one). */
async function loadActive(ctx: RouteContext<'id'>, action: 'READ' | 'UPDATE' = 'READ') {
  const loaded = await ctx.service.load(ctx.params.id);
  if (!loaded || !(await mayInstance(ctx, loaded.stored.state, 'READ'))) throw missingInstance(ctx.params.id)();
  if (action !== 'READ') await requireInstance(ctx, loaded.stored.state, action);
  return loaded;
}

export const processInstanceRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/process-instance',
    handler: async (ctx) => {
      const instances = sortInstances(await queryProcessInstances(ctx, queryFromString(ctx.req.query)), ctx.req.query);
      return json(200, page(instances, ctx.req.query).map((s) => processInstanceDto(s, ctx.req.baseUrl)));
    },
  }),
  route({ method: 'GET', pattern: '/process-instance/count', handler: async (ctx) => json(200, { count: (await queryProcessInstances(ctx, queryFromString(ctx.req.query))).length }) }),
  route({
    method: 'POST',
    pattern: '/process-instance',
    handler: async (ctx) => {
      const instances = await queryProcessInstances(ctx, readBody(ctx.req, ProcessInstanceQuery));
      return json(200, page(sortInstances(instances, ctx.req.query), ctx.req.query).map((s) => processInstanceDto(s, ctx.req.baseUrl)));
    },
  }),
  route({ method: 'POST', pattern: '/process-instance/count', handler: async (ctx) => json(200, { count: (await queryProcessInstances(ctx, readBody(ctx.req, ProcessInstanceQuery))).length }) }),
  route({ method: 'GET', pattern: '/process-instance/{id}', handler: async (ctx) => json(200, processInstanceDto((await loadActive(ctx)).stored.state, ctx.req.baseUrl)) }),
  route({
    method: 'DELETE',
    pattern: '/process-instance/{id}',
    handler: async (ctx) => {
      const loaded = await loadActive(ctx);
      await requireInstance(ctx, loaded.stored.state, 'DELETE');
      await ctx.service.deleteInstance(ctx.params.id, {
        skipCustomListeners: booleanParam(ctx.req.query, 'skipCustomListeners') ?? false,
        skipIoMappings: booleanParam(ctx.req.query, 'skipIoMappings') ?? false,
      });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}/activity-instances',
    handler: async (ctx) => {
      const { stored, model } = await loadActive(ctx);
      return json(200, buildActivityInstanceTree(stored.state, model));
    },
  }),
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/modification',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ModificationBody);
      const instructions = toInstructions(body.instructions ?? []);
      if (instructions.length === 0) return noContent();
      const id = ctx.params.id;
      // Ending the instance also needs DELETE (Camunda checks it when the modification cancels it).
      let mayDelete = true;
      if (ctx.auth.enabled) {
        const current = await ctx.service.load(id);
        if (!current) throw instanceCannotBeModified(id);
        await requireInstance(ctx, current.stored.state, 'UPDATE');
        mayDelete = await mayInstance(ctx, current.stored.state, 'DELETE');
      }
      await ctx.service.update(
        id,
        (state, model) => {
          const result = modifyProcessInstance(state, model, { instructions, skipCustomListeners: body.skipCustomListeners ?? false, skipIoMappings: body.skipIoMappings ?? false, externallyTerminated: true }, ctx.service.env);
          if (result.state.status !== 'ACTIVE' && !mayDelete) {
            throw new AuthorizationError(ctx.auth.userId ?? '', [
              { permission: 'DELETE', resource: 'ProcessInstance', resourceId: id },
              { permission: 'DELETE_INSTANCE', resource: 'ProcessDefinition', resourceId: state.definitionKey },
            ]);
          }
          return result;
        },
        () => instanceCannotBeModified(id),
      );
      count(METRIC.instancesModified);
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}/variables',
    handler: async (ctx) => json(200, toVariableMapDto((await loadActive(ctx)).stored.state.root.variables)),
  }),
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/variables',
    handler: async (ctx) => {
      const body = readBody(ctx.req, VariablesModification);
      const modifications = fromVariableMap(body.modifications);
      if (ctx.auth.enabled) await loadActive(ctx, 'UPDATE');
      await ctx.service.update(ctx.params.id, (state, model) => modifyVariables(state, model, modifications, body.deletions ?? [], ctx.service.env), missingInstance(ctx.params.id));
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}/variables/{name}',
    handler: async (ctx) => {
      const value = getOwn((await loadActive(ctx)).stored.state.root.variables, ctx.params.name);
      if (!value) throw notFoundError(`process instance variable with name ${ctx.params.name} does not exist`);
      return json(200, toVariableDto(value));
    },
  }),
  route({
    method: 'PUT',
    pattern: '/process-instance/{id}/variables/{name}',
    handler: async (ctx) => {
      const value = fromVariableDto(readBody(ctx.req, VariableValueDto));
      if (ctx.auth.enabled) await loadActive(ctx, 'UPDATE');
      await ctx.service.update(ctx.params.id, (state, model) => modifyVariables(state, model, { [ctx.params.name]: value }, [], ctx.service.env), missingInstance(ctx.params.id));
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/process-instance/{id}/variables/{name}',
    handler: async (ctx) => {
      if (ctx.auth.enabled) await loadActive(ctx, 'UPDATE');
      await ctx.service.update(ctx.params.id, (state, model) => modifyVariables(state, model, {}, [ctx.params.name], ctx.service.env), missingInstance(ctx.params.id));
      return noContent();
    },
  }),
];

export { notFound };
