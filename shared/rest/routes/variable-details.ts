import * as z from 'zod/v4';
import { countVariableDetails, getVariableDetail, queryVariableDetails, VARIABLE_DETAIL_SORT_KEYS, type VariableDetailFilter, type VariableDetailRecord } from '../../app/variable-details.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { bodyFilters, dateBody, fieldsOf, firstSorting, pagingParams, qs, readQuery, sorted, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';
import { binaryResponse } from '../variables-resource.ts';
import { toVariableDto } from '../variables.ts';

/** Camunda's HistoricDetailQueryDto, by the type of each parameter. */
const TEXT = ['processInstanceId', 'executionId', 'taskId', 'activityInstanceId', 'caseInstanceId', 'caseExecutionId', 'variableInstanceId', 'variableNameLike', 'userOperationId'] as const;
const LISTS = ['processInstanceIdIn', 'variableTypeIn', 'tenantIdIn'] as const;
const FLAGS = ['withoutTenantId', 'formFields', 'variableUpdates', 'excludeTaskDetails', 'initial'] as const;
const DATES = ['occurredBefore', 'occurredAfter'] as const;

const FilterParams = z.object({ ...fieldsOf(TEXT, qs.string), ...fieldsOf(LISTS, qs.list), ...fieldsOf(FLAGS, qs.boolean), ...fieldsOf(DATES, () => qs.of((raw) => parseDate(raw))) });
const ListParams = z.object({ ...sortingParams(VARIABLE_DETAIL_SORT_KEYS), ...FilterParams.shape, ...pagingParams, deserializeValues: qs.boolean() });
const CountParams = z.object({ ...sortingParams(VARIABLE_DETAIL_SORT_KEYS), ...FilterParams.shape });

const QueryBody = z
  .object({
    ...fieldsOf(TEXT, () => z.string().nullish()),
    ...fieldsOf(LISTS, () => z.array(z.string()).nullish()),
    ...fieldsOf(FLAGS, () => z.boolean().nullish()),
    ...fieldsOf(DATES, dateBody),
    sorting: SortingList,
  })
  .passthrough();

/** Camunda's HistoricVariableUpdateDto (a HistoricDetailDto of type variableUpdate). */
function detailDto(record: VariableDetailRecord) {
  return {
    ...(record.value ? toVariableDto(record.value) : { type: null, value: null, valueInfo: {} }),
    id: record.id,
    type: 'variableUpdate',
    processDefinitionKey: record.processDefinitionKey,
    processDefinitionId: record.processDefinitionId,
    processInstanceId: record.processInstanceId,
    activityInstanceId: record.activityInstanceId,
    executionId: record.executionId,
    caseDefinitionKey: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: record.taskId,
    tenantId: record.tenantId,
    userOperationId: null,
    time: formatDate(record.time),
    removalTime: null,
    rootProcessInstanceId: record.rootProcessInstanceId,
    variableName: record.variableName,
    variableInstanceId: record.variableInstanceId,
    variableType: record.value?.type ?? null,
    initial: record.initial,
    revision: record.revision,
    errorMessage: record.errorMessage,
  };
}

export const variableDetailRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/detail',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, deserializeValues: _d, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryVariableDetails(ctx.app, ctx.auth, { filter: filter as VariableDetailFilter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(detailDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/detail',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object({ ...pagingParams, deserializeValues: qs.boolean() }));
      const body = readBody(ctx.req, QueryBody);
      const sort = firstSorting(body.sorting, VARIABLE_DETAIL_SORT_KEYS);
      const filter = bodyFilters<VariableDetailFilter>(body, FilterParams.shape, true);
      const found = await queryVariableDetails(ctx.app, ctx.auth, { filter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(detailDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/detail/count',
    handler: async (ctx) => {
      const { sort: _sort, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countVariableDetails(ctx.app, ctx.auth, filter as VariableDetailFilter) });
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/detail/{id}',
    handler: async (ctx) => {
      readQuery(ctx.req, z.object({ deserializeValue: qs.boolean() }));
      return json(200, detailDto(await getVariableDetail(ctx.app, ctx.auth, { id: ctx.params.id })));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/detail/{id}/data',
    handler: async (ctx) => binaryResponse((await getVariableDetail(ctx.app, ctx.auth, { id: ctx.params.id })).value ?? { type: 'Null', value: null }, ctx.params.id),
  }),
];
