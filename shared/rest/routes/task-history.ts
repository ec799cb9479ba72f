import * as z from 'zod/v4';
import { countTaskHistory, type HistoricTaskRecord, queryTaskHistory, TASK_HISTORY_SORT_KEYS, type TaskHistoryFilter } from '../../app/task-history.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { bodyFilters, dateBody, fieldsOf, firstSorting, pagingParams, qs, readQuery, sorted, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';
import { VariableConditionList, variableConditionsOfBody, variableConditionsOfQuery } from '../variable-conditions.ts';

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
/** HistoricTaskInstanceQueryDto#applyFilters: a task's variables compare for equality only, its process's in every way. */
const TASK_OPERATORS = ['eq'] as const;
const PROCESS_OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'like'] as const;
const INVALID_TASK_VARIABLE = 'Invalid variable comparator specified';
const INVALID_PROCESS_VARIABLE = 'Invalid process variable comparator specified';

const FilterParams = z.object({
  ...fieldsOf(TEXT, qs.string),
  ...fieldsOf(LISTS, qs.list),
  ...fieldsOf(FLAGS, qs.boolean),
  ...fieldsOf(DATES, () => qs.of((raw) => parseDate(raw))),
  taskPriority: qs.integer(),
});
const ListParams = z.object({ ...sortingParams(TASK_HISTORY_SORT_KEYS), ...FilterParams.shape, ...pagingParams });
const CountParams = z.object({ ...sortingParams(TASK_HISTORY_SORT_KEYS), ...FilterParams.shape });

const QueryBody = z
  .object({
    ...fieldsOf(TEXT, () => z.string().nullish()),
    ...fieldsOf(LISTS, () => z.array(z.string()).nullish()),
    ...fieldsOf(FLAGS, () => z.boolean().nullish()),
    ...fieldsOf(DATES, dateBody),
    taskVariables: VariableConditionList,
    processVariables: VariableConditionList,
    taskPriority: z.number().int().nullish(),
    sorting: SortingList,
  })
  .passthrough();

const filterOfBody = (body: z.infer<typeof QueryBody>): TaskHistoryFilter => ({
  ...bodyFilters<TaskHistoryFilter>(body, FilterParams.shape, true),
  taskVariables: variableConditionsOfBody(body.taskVariables, TASK_OPERATORS, INVALID_TASK_VARIABLE),
  processVariables: variableConditionsOfBody(body.processVariables, PROCESS_OPERATORS, INVALID_PROCESS_VARIABLE),
});

const variableFiltersOfQuery = (query: Record<string, string | undefined>) => ({
  taskVariables: variableConditionsOfQuery(query, 'taskVariables', TASK_OPERATORS, INVALID_TASK_VARIABLE),
  processVariables: variableConditionsOfQuery(query, 'processVariables', PROCESS_OPERATORS, INVALID_PROCESS_VARIABLE),
});

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
      const found = await queryTaskHistory(ctx.app, ctx.auth, {
        filter: { ...(filter as TaskHistoryFilter), ...variableFiltersOfQuery(ctx.req.query) },
        ...(sort ? { sort } : {}),
        firstResult,
        maxResults,
      });
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
      return json(200, { count: await countTaskHistory(ctx.app, ctx.auth, { ...(filter as TaskHistoryFilter), ...variableFiltersOfQuery(ctx.req.query) }) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/task/count',
    handler: async (ctx) => json(200, { count: await countTaskHistory(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
  }),
];
