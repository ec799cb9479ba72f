import * as z from 'zod/v4';
import {
  countVariableInstances,
  getVariableInstance,
  queryVariableInstances,
  VARIABLE_INSTANCE_SORT_KEYS,
  type VariableInstanceFilter,
  type VariableInstanceView,
} from '../../app/variable-instances.ts';
import { json } from '../http.ts';
import { firstSorting, pagingParams, qs, readQuery, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { VariableConditionList, variableConditionsOfBody, variableConditionsOfQuery } from '../variable-conditions.ts';
import { binaryResponse } from '../variables-resource.ts';
import { toVariableDto } from '../variables.ts';

const OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'like'] as const;
const INVALID_COMPARATOR = 'Invalid variable comparator specified';

/** Camunda's VariableInstanceQueryDto, `variableValues` read apart. */
const FilterParams = z.object({
  variableName: qs.string(),
  variableNameLike: qs.string(),
  processInstanceIdIn: qs.list(),
  executionIdIn: qs.list(),
  caseInstanceIdIn: qs.list(),
  caseExecutionIdIn: qs.list(),
  taskIdIn: qs.list(),
  batchIdIn: qs.list(),
  activityInstanceIdIn: qs.list(),
  tenantIdIn: qs.list(),
  variableNamesIgnoreCase: qs.boolean(),
  variableValuesIgnoreCase: qs.boolean(),
  variableScopeIdIn: qs.list(),
});
const ListParams = z.object({ ...FilterParams.shape, ...sortingParams(VARIABLE_INSTANCE_SORT_KEYS), ...pagingParams, deserializeValues: qs.boolean() });

const QueryBody = z
  .object({
    variableName: z.string().nullish(),
    variableNameLike: z.string().nullish(),
    processInstanceIdIn: z.array(z.string()).nullish(),
    executionIdIn: z.array(z.string()).nullish(),
    caseInstanceIdIn: z.array(z.string()).nullish(),
    caseExecutionIdIn: z.array(z.string()).nullish(),
    taskIdIn: z.array(z.string()).nullish(),
    batchIdIn: z.array(z.string()).nullish(),
    activityInstanceIdIn: z.array(z.string()).nullish(),
    tenantIdIn: z.array(z.string()).nullish(),
    variableNamesIgnoreCase: z.boolean().nullish(),
    variableValuesIgnoreCase: z.boolean().nullish(),
    variableScopeIdIn: z.array(z.string()).nullish(),
    variableValues: VariableConditionList,
    sorting: SortingList,
  })
  .passthrough();
type QueryBody = z.infer<typeof QueryBody>;

function filterOfQuery(ctx: RouteContext): VariableInstanceFilter {
  return { ...readQuery(ctx.req, FilterParams), variableValues: variableConditionsOfQuery(ctx.req.query, 'variableValues', OPERATORS, INVALID_COMPARATOR) };
}

function filterOfBody(body: QueryBody): VariableInstanceFilter {
  const filter: Record<string, unknown> = {};
  for (const key of Object.keys(FilterParams.shape)) {
    const value = body[key as keyof QueryBody];
    if (value !== null && value !== undefined) filter[key] = value;
  }
  return { ...(filter as VariableInstanceFilter), variableValues: variableConditionsOfBody(body.variableValues, OPERATORS, INVALID_COMPARATOR) };
}

/** Camunda's VariableInstanceDto: the value as a VariableValueDto, with where it lives. */
function variableInstanceDto(view: VariableInstanceView) {
  return {
    ...toVariableDto(view.value),
    id: view.id,
    name: view.name,
    processDefinitionId: view.processDefinitionId,
    processInstanceId: view.processInstanceId,
    executionId: view.executionId,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: view.taskId,
    batchId: null,
    activityInstanceId: view.activityInstanceId,
    tenantId: view.tenantId,
    errorMessage: null,
  };
}

export const variableInstanceRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/variable-instance',
    handler: async (ctx) => {
      const { firstResult, maxResults, sortBy, sortOrder } = readQuery(ctx.req, ListParams);
      const found = await queryVariableInstances(ctx.app, ctx.auth, { filter: filterOfQuery(ctx), sorting: sortingOf({ sortBy, sortOrder }), firstResult, maxResults });
      return json(200, found.map(variableInstanceDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/variable-instance',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object({ ...pagingParams, deserializeValues: qs.boolean() }));
      const body = readBody(ctx.req, QueryBody);
      const sorting = firstSorting(body.sorting, VARIABLE_INSTANCE_SORT_KEYS);
      const found = await queryVariableInstances(ctx.app, ctx.auth, { filter: filterOfBody(body), sorting, firstResult, maxResults });
      return json(200, found.map(variableInstanceDto));
    },
  }),
  route({ method: 'GET', pattern: '/variable-instance/count', handler: async (ctx) => json(200, { count: await countVariableInstances(ctx.app, ctx.auth, filterOfQuery(ctx)) }) }),
  route({
    method: 'POST',
    pattern: '/variable-instance/count',
    handler: async (ctx) => json(200, { count: await countVariableInstances(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
  }),
  route({
    method: 'GET',
    pattern: '/variable-instance/{id}',
    handler: async (ctx) => {
      readQuery(ctx.req, z.object({ deserializeValue: qs.boolean() }));
      return json(200, variableInstanceDto(await getVariableInstance(ctx.app, ctx.auth, { id: ctx.params.id })));
    },
  }),
  route({
    method: 'GET',
    pattern: '/variable-instance/{id}/data',
    handler: async (ctx) => binaryResponse((await getVariableInstance(ctx.app, ctx.auth, { id: ctx.params.id })).value, ctx.params.id),
  }),
];
