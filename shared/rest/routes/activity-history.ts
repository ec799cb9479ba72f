import * as z from 'zod/v4';
import { ACTIVITY_HISTORY_SORT_KEYS, type ActivityHistoryFilter, countActivityHistory, getActivityHistory, type HistoricActivityRecord, queryActivityHistory } from '../../app/activity-history.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { bodyFilters, dateBody, firstSorting, pagingParams, qs, readQuery, sorted, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

const date = () => qs.of((raw) => parseDate(raw));

/** Camunda's HistoricActivityInstanceQueryDto: sorting first, then the filters. */
const FilterParams = z.object({
  activityInstanceId: qs.string(),
  processInstanceId: qs.string(),
  processDefinitionId: qs.string(),
  executionId: qs.string(),
  activityId: qs.string(),
  activityName: qs.string(),
  activityType: qs.string(),
  taskAssignee: qs.string(),
  finished: qs.boolean(),
  unfinished: qs.boolean(),
  canceled: qs.boolean(),
  completeScope: qs.boolean(),
  startedBefore: date(),
  startedAfter: date(),
  finishedBefore: date(),
  finishedAfter: date(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
});
const ListParams = z.object({ ...sortingParams(ACTIVITY_HISTORY_SORT_KEYS), ...FilterParams.shape, ...pagingParams });
const CountParams = z.object({ ...sortingParams(ACTIVITY_HISTORY_SORT_KEYS), ...FilterParams.shape });

const QueryBody = z
  .object({
    activityInstanceId: z.string().nullish(),
    processInstanceId: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    executionId: z.string().nullish(),
    activityId: z.string().nullish(),
    activityName: z.string().nullish(),
    activityType: z.string().nullish(),
    taskAssignee: z.string().nullish(),
    finished: z.boolean().nullish(),
    unfinished: z.boolean().nullish(),
    canceled: z.boolean().nullish(),
    completeScope: z.boolean().nullish(),
    startedBefore: dateBody(),
    startedAfter: dateBody(),
    finishedBefore: dateBody(),
    finishedAfter: dateBody(),
    tenantIdIn: z.array(z.string()).nullish(),
    withoutTenantId: z.boolean().nullish(),
    sorting: SortingList,
  })
  .passthrough();

const filterOfBody = (body: z.infer<typeof QueryBody>) => bodyFilters<ActivityHistoryFilter>(body, FilterParams.shape, true);

/** Camunda's HistoricActivityInstanceDto. */
function historicActivityDto(record: HistoricActivityRecord) {
  return {
    id: record.id,
    parentActivityInstanceId: record.parentActivityInstanceId,
    activityId: record.activityId,
    activityName: record.activityName,
    activityType: record.activityType,
    processDefinitionKey: record.processDefinitionKey,
    processDefinitionId: record.processDefinitionId,
    processInstanceId: record.processInstanceId,
    executionId: record.executionId,
    taskId: record.taskId,
    assignee: record.assignee,
    calledProcessInstanceId: record.calledProcessInstanceId,
    calledCaseInstanceId: null,
    startTime: formatDate(record.startTime),
    endTime: formatDate(record.endTime),
    durationInMillis: record.endTime === null ? null : record.endTime - record.startTime,
    canceled: record.canceled,
    completeScope: false,
    tenantId: record.tenantId,
    removalTime: null,
    rootProcessInstanceId: record.rootProcessInstanceId,
  };
}

export const activityHistoryRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/activity-instance',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryActivityHistory(ctx.app, ctx.auth, { filter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicActivityDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/activity-instance',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      const body = readBody(ctx.req, QueryBody);
      const sort = firstSorting(body.sorting, ACTIVITY_HISTORY_SORT_KEYS);
      const found = await queryActivityHistory(ctx.app, ctx.auth, { filter: filterOfBody(body), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicActivityDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/activity-instance/count',
    handler: async (ctx) => {
      const { sort: _sort, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countActivityHistory(ctx.app, ctx.auth, filter) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/activity-instance/count',
    handler: async (ctx) => json(200, { count: await countActivityHistory(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
  }),
  route({ method: 'GET', pattern: '/history/activity-instance/{id}', handler: async (ctx) => json(200, historicActivityDto(await getActivityHistory(ctx.app, ctx.auth, { id: ctx.params.id }))) }),
];
