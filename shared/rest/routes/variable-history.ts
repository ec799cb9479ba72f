import * as z from 'zod/v4';
import {
  countVariableHistory,
  deleteVariableHistory,
  deleteVariableHistoryOfInstance,
  getVariableHistory,
  type HistoricVariableRecord,
  queryVariableHistory,
  VARIABLE_HISTORY_SORT_KEYS,
  type VariableHistoryFilter,
} from '../../app/variable-history.ts';
import { formatDate } from '../dates.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { bodyFilters, fieldsOf, firstSorting, pagingParams, qs, readQuery, sorted, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';
import { binaryResponse } from '../variables-resource.ts';
import { toVariableDto } from '../variables.ts';

/** Camunda's HistoricVariableInstanceQueryDto, by the type of each parameter. */
const TEXT = ['variableName', 'variableNameLike', 'variableValue', 'processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'caseInstanceId'] as const;
const LISTS = ['variableTypeIn', 'processInstanceIdIn', 'executionIdIn', 'caseExecutionIdIn', 'caseActivityIdIn', 'taskIdIn', 'activityInstanceIdIn', 'tenantIdIn', 'variableNameIn'] as const;
const FLAGS = ['variableNamesIgnoreCase', 'variableValuesIgnoreCase', 'includeDeleted', 'withoutTenantId'] as const;

const FilterParams = z.object({ ...fieldsOf(TEXT, qs.string), ...fieldsOf(LISTS, qs.list), ...fieldsOf(FLAGS, qs.boolean) });
const ListParams = z.object({ ...sortingParams(VARIABLE_HISTORY_SORT_KEYS), ...FilterParams.shape, ...pagingParams, deserializeValues: qs.boolean() });
const CountParams = z.object({ ...sortingParams(VARIABLE_HISTORY_SORT_KEYS), ...FilterParams.shape });
const QueryBody = z
  .object({
    ...fieldsOf(TEXT, () => z.string().nullish()),
    // A JSON body may give the value to compare with as any scalar.
    variableValue: z.union([z.string(), z.number(), z.boolean()]).nullish(),
    ...fieldsOf(LISTS, () => z.array(z.string()).nullish()),
    ...fieldsOf(FLAGS, () => z.boolean().nullish()),
    sorting: SortingList,
  })
  .passthrough();

/** HistoricVariableInstanceQueryDto#applyFilters: a value is compared only with a variable name. */
function checked(filter: VariableHistoryFilter): VariableHistoryFilter {
  if (filter.variableValue !== undefined && filter.variableName === undefined) {
    throw invalidRequest('Only a single variable value parameter specified: variable name and value are required to be able to query after a specific variable value.');
  }
  return filter;
}

const filterOfBody = (body: z.infer<typeof QueryBody>) => checked(bodyFilters<VariableHistoryFilter>(body, FilterParams.shape, true));

/** Camunda's HistoricVariableInstanceDto: the value as a VariableValueDto, with where it lived. */
function historicVariableDto(record: HistoricVariableRecord) {
  return {
    ...(record.value ? toVariableDto(record.value) : { type: null, value: null, valueInfo: {} }),
    id: record.id,
    name: record.name,
    processDefinitionKey: record.processDefinitionKey,
    processDefinitionId: record.processDefinitionId,
    processInstanceId: record.processInstanceId,
    executionId: record.executionId,
    activityInstanceId: record.activityInstanceId,
    caseDefinitionKey: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: record.taskId,
    tenantId: record.tenantId,
    errorMessage: record.errorMessage,
    state: record.state,
    createTime: formatDate(record.createTime),
    removalTime: null,
    rootProcessInstanceId: record.rootProcessInstanceId,
  };
}

export const variableHistoryRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/variable-instance',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, deserializeValues: _d, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryVariableHistory(ctx.app, ctx.auth, { filter: checked(filter as VariableHistoryFilter), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicVariableDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/variable-instance',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object({ ...pagingParams, deserializeValues: qs.boolean() }));
      const body = readBody(ctx.req, QueryBody);
      const sort = firstSorting(body.sorting, VARIABLE_HISTORY_SORT_KEYS);
      const found = await queryVariableHistory(ctx.app, ctx.auth, { filter: filterOfBody(body), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicVariableDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/variable-instance/count',
    handler: async (ctx) => {
      const { sort: _sort, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countVariableHistory(ctx.app, ctx.auth, checked(filter as VariableHistoryFilter)) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/variable-instance/count',
    handler: async (ctx) => json(200, { count: await countVariableHistory(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
  }),
  route({
    method: 'GET',
    pattern: '/history/variable-instance/{id}',
    handler: async (ctx) => {
      readQuery(ctx.req, z.object({ deserializeValues: qs.boolean() }));
      return json(200, historicVariableDto(await getVariableHistory(ctx.app, ctx.auth, { id: ctx.params.id })));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/variable-instance/{id}/data',
    handler: async (ctx) => {
      const record = await getVariableHistory(ctx.app, ctx.auth, { id: ctx.params.id });
      return binaryResponse(record.value ?? { type: 'Null', value: null }, ctx.params.id);
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/history/variable-instance/{id}',
    handler: async (ctx) => {
      await deleteVariableHistory(ctx.app, ctx.auth, { id: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/history/process-instance/{id}/variable-instances',
    handler: async (ctx) => {
      await deleteVariableHistoryOfInstance(ctx.app, ctx.auth, { processInstanceId: ctx.params.id });
      return noContent();
    },
  }),
];
