import * as z from 'zod/v4';
import { countTaskHistory, type HistoricTaskRecord, queryTaskHistory, TASK_HISTORY_SORT_KEYS, type TaskHistoryFilter } from '../../app/task-history.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { bodyFilters, firstSorting, pagingParams, qs, readQuery, SortingList, sorted, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/** Camunda's HistoricTaskInstanceQueryDto, by the type of each parameter. */
const TEXT = [
  'taskId',
  'taskParentTaskId',
  'processInstanceId',
  'rootProcessInstanceId',
  'processInstanceBusinessKey',
  'processInstanceBusinessKeyLike',
  'executionId',
  'processDefinitionId',
  'processDefinitionKey',
  'processDefinitionName',
  'caseInstanceId',
  'caseExecutionId',
  'caseDefinitionId',
  'caseDefinitionKey',
  'caseDefinitionName',
  'taskName',
  'taskNameLike',
  'taskDescription',
  'taskDescriptionLike',
  'taskDefinitionKey',
  'taskDeleteReason',
  'taskDeleteReasonLike',
  'taskAssignee',
  'taskAssigneeLike',
  'taskOwner',
  'taskOwnerLike',
  'taskInvolvedUser',
  'taskInvolvedGroup',
  'taskHadCandidateUser',
  'taskHadCandidateGroup',
] as const;
const LISTS = ['processInstanceBusinessKeyIn', 'activityInstanceIdIn', 'taskDefinitionKeyIn', 'tenantIdIn'] as const;
const FLAGS = [
  'assigned',
  'unassigned',
  'finished',
  'unfinished',
  'processFinished',
  'processUnfinished',
  'withoutTaskDueDate',
  'withoutTenantId',
  'withCandidateGroups',
  'withoutCandidateGroups',
  'variableNamesIgnoreCase',
  'variableValuesIgnoreCase',
] as const;
const DATES = [
  'taskDueDate',
  'taskDueDateBefore',
  'taskDueDateAfter',
  'taskFollowUpDate',
  'taskFollowUpDateBefore',
  'taskFollowUpDateAfter',
  'startedBefore',
  'startedAfter',
  'finishedBefore',
  'finishedAfter',
] as const;
/** Filters on variables (`name_operator_value` lists in a query string); refused by the use case. */
const VARIABLES = ['taskVariables', 'processVariables'] as const;

const fields = <T>(names: readonly string[], make: () => T) => Object.fromEntries(names.map((name) => [name, make()])) as Record<string, T>;

const FilterParams = z.object({
  ...fields(TEXT, qs.string),
  ...fields(LISTS, qs.list),
  ...fields(FLAGS, qs.boolean),
  ...fields(DATES, () => qs.of((raw) => parseDate(raw))),
  ...fields(VARIABLES, qs.list),
  taskPriority: qs.integer(),
});
const ListParams = z.object({ ...sortingParams(TASK_HISTORY_SORT_KEYS), ...FilterParams.shape, ...pagingParams });
const CountParams = z.object({ ...sortingParams(TASK_HISTORY_SORT_KEYS), ...FilterParams.shape });

const dateBody = () =>
  z
    .string()
    .nullish()
    .transform((text, ctx) => {
      if (text == null) return undefined;
      const time = parseDate(text);
      if (time === undefined) ctx.addIssue({ code: 'custom', message: 'a date' });
      return time;
    });

const QueryBody = z
  .object({
    ...fields(TEXT, () => z.string().nullish()),
    ...fields(LISTS, () => z.array(z.string()).nullish()),
    ...fields(FLAGS, () => z.boolean().nullish()),
    ...fields(DATES, dateBody),
    ...fields(VARIABLES, () => z.array(z.unknown()).nullish()),
    taskPriority: z.number().int().nullish(),
    sorting: SortingList,
  })
  .passthrough();

const filterOfBody = (body: z.infer<typeof QueryBody>) => bodyFilters<TaskHistoryFilter>(body, FilterParams.shape, true);

/** Camunda's HistoricTaskInstanceDto. */
function historicTaskDto(record: HistoricTaskRecord) {
  return {
    id: record.id,
    processDefinitionKey: record.processDefinitionKey,
    processDefinitionId: record.processDefinitionId,
    processInstanceId: record.processInstanceId,
    executionId: record.executionId,
    caseDefinitionKey: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    activityInstanceId: record.activityInstanceId,
    name: record.name,
    description: record.description,
    deleteReason: record.deleteReason,
    owner: record.owner,
    assignee: record.assignee,
    startTime: formatDate(record.startTime),
    endTime: formatDate(record.endTime),
    duration: record.endTime === null ? null : record.endTime - record.startTime,
    taskDefinitionKey: record.taskDefinitionKey,
    priority: record.priority,
    due: formatDate(record.due),
    parentTaskId: null,
    followUp: formatDate(record.followUp),
    tenantId: record.tenantId,
    removalTime: null,
    rootProcessInstanceId: record.rootProcessInstanceId,
    taskState: record.taskState,
  };
}

export const taskHistoryRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/task',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryTaskHistory(ctx.app, ctx.auth, { filter: filter as TaskHistoryFilter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicTaskDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/task',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      const body = readBody(ctx.req, QueryBody);
      const sort = firstSorting(body.sorting, TASK_HISTORY_SORT_KEYS);
      const found = await queryTaskHistory(ctx.app, ctx.auth, { filter: filterOfBody(body), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(historicTaskDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/task/count',
    handler: async (ctx) => {
      const { sort: _sort, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countTaskHistory(ctx.app, ctx.auth, filter as TaskHistoryFilter) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/task/count',
    handler: async (ctx) => json(200, { count: await countTaskHistory(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
  }),
];
