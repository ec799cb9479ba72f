import * as z from 'zod/v4';
import { ACTIVITY_HISTORY_SORT_KEYS, countActivityHistory, getActivityHistory, type HistoricActivityRecord, queryActivityHistory } from '../../app/activity-history.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { dateBody, qs } from '../query-params.ts';
import { route, type Route } from '../router.ts';

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

/** The same filters in the JSON body of POST. */
const BODY_FILTERS = {
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
};

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
  ...historyQueryRoutes({
    path: '/history/activity-instance',
    sortKeys: ACTIVITY_HISTORY_SORT_KEYS,
    filterParams: FilterParams,
    bodyFilters: BODY_FILTERS,
    query: queryActivityHistory,
    count: countActivityHistory,
    dto: historicActivityDto,
  }),
  route({ method: 'GET', pattern: '/history/activity-instance/{id}', handler: async (ctx) => json(200, historicActivityDto(await getActivityHistory(ctx.app, ctx.auth, { id: ctx.params.id }))) }),
];
