import * as z from 'zod/v4';
import { completeExternalTask, extendExternalTaskLock, fetchAndLock, getExternalTask, handleExternalTaskBpmnError, handleExternalTaskFailure, unlockExternalTask } from '../../app/external-tasks.ts';
import { externalTaskErrorDetails, lockExternalTask, setExternalTaskPriority, setExternalTaskRetries, setExternalTasksRetries } from '../../app/external-task-admin.ts';
import { countExternalTasks, EXTERNAL_TASK_SORT_KEYS, type ExternalTaskFilter, type ExternalTaskSortKey, externalTaskTopicNames, findExternalTasks } from '../../app/external-task-queries.ts';
import { setExternalTaskRetriesAsync } from '../../app/instance-batches.ts';
import { ProcessInstanceQuery } from './process-instance.ts';
import { fromQueryBody as fromHistoryQueryBody, HistoryQueryBody } from './history.ts';
import { batchDto } from '../batch-dto.ts';
import { externalTaskDto } from '../dto.ts';
import { answeringEngineFailures, engineFailureAs, invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { onlyKnownFilters, bodyFilters, firstSorting, pagingParams, qs, readQuery, SortingList, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';

/** A Java long of the query string. */
const qsLong = () => qs.of((raw) => (/^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined));

/** Camunda's ExternalTaskQueryDto in the query string. */
const ExternalTaskFilterParams = z.object({
  externalTaskId: qs.string(),
  externalTaskIdIn: qs.list(),
  activityId: qs.string(),
  activityIdIn: qs.list(),
  topicName: qs.string(),
  workerId: qs.string(),
  locked: qs.boolean(),
  notLocked: qs.boolean(),
  withRetriesLeft: qs.boolean(),
  noRetriesLeft: qs.boolean(),
  processInstanceId: qs.string(),
  processInstanceIdIn: qs.list(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  processDefinitionKeyIn: qs.list(),
  tenantIdIn: qs.list(),
  priorityHigherThanOrEquals: qsLong(),
  priorityLowerThanOrEquals: qsLong(),
});
const ExternalTaskListParams = z.object({ ...ExternalTaskFilterParams.shape, ...sortingParams(EXTERNAL_TASK_SORT_KEYS), ...pagingParams });
const ListingParams = z.object(pagingParams);

/** The same query as a JSON body, with `sorting` as a list (its first known entry orders). */
const ExternalTaskQueryBody = z
  .object({
    externalTaskId: z.string().nullish(),
    externalTaskIdIn: z.array(z.string()).nullish(),
    activityId: z.string().nullish(),
    activityIdIn: z.array(z.string()).nullish(),
    topicName: z.string().nullish(),
    workerId: z.string().nullish(),
    locked: z.boolean().nullish(),
    notLocked: z.boolean().nullish(),
    withRetriesLeft: z.boolean().nullish(),
    noRetriesLeft: z.boolean().nullish(),
    processInstanceId: z.string().nullish(),
    processInstanceIdIn: z.array(z.string()).nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    processDefinitionKeyIn: z.array(z.string()).nullish(),
    tenantIdIn: z.array(z.string()).nullish(),
    priorityHigherThanOrEquals: z.number().int().nullish(),
    priorityLowerThanOrEquals: z.number().int().nullish(),
    sorting: SortingList,
  })
  .passthrough();
type ExternalTaskQueryBody = z.infer<typeof ExternalTaskQueryBody>;

/** The filter of a body (nulls and empty lists are absent, as Camunda ignores them) and its first known sorting. */
function fromQueryBody(body: ExternalTaskQueryBody): ExternalTaskFilter & { sort?: { by: ExternalTaskSortKey; descending: boolean } } {
  const { sorting, ...fields } = body;
  return { ...bodyFilters<ExternalTaskFilter>(fields, ExternalTaskFilterParams.shape, true), sort: firstSorting(sorting, EXTERNAL_TASK_SORT_KEYS) };
}

function onlySupported(body: ExternalTaskQueryBody): ExternalTaskQueryBody {
  return onlyKnownFilters(body, ExternalTaskFilterParams.shape, 'external task query');
}

const TopicNameParams = z.object({ withLockedTasks: qs.boolean(), withUnlockedTasks: qs.boolean(), withRetriesLeft: qs.boolean() });
const RetriesBody = z.object({ retries: z.number().int().nullish() });
const PriorityBody = z.object({ priority: z.number().int() });
const LockBody = z.object({ workerId: z.string().nullish(), lockDuration: z.number().int().nullish() });
const BulkRetriesBody = z.object({
  retries: z.number().int().nullish(),
  externalTaskIds: z.array(z.string().nullable()).nullish(),
  processInstanceIds: z.array(z.string()).nullish(),
  externalTaskQuery: ExternalTaskQueryBody.nullish(),
  processInstanceQuery: ProcessInstanceQuery.nullish(),
});
/** Camunda's SetRetriesForExternalTasksDto, whose async resource also reads the historic query. */
const AsyncRetriesBody = z.object({ ...BulkRetriesBody.shape, historicProcessInstanceQuery: HistoryQueryBody.nullish() });

/** POST /external-task/retries-async: the engine's user errors as Camunda's resource answers them (NotFound 404, others 400). */
async function retriesAsync(ctx: RouteContext) {
  const body = readBody(ctx.req, AsyncRetriesBody);
  const historic = body.historicProcessInstanceQuery && onlyKnownFilters(body.historicProcessInstanceQuery, HistoryQueryBody.shape, 'historic process instance query');
  const input = {
    retries: body.retries,
    ...(body.externalTaskIds ? { externalTaskIds: body.externalTaskIds } : {}),
    ...(body.processInstanceIds ? { processInstanceIds: body.processInstanceIds } : {}),
    ...(body.externalTaskQuery ? { externalTaskQuery: fromQueryBody(onlySupported(body.externalTaskQuery)) } : {}),
    ...(body.processInstanceQuery ? { processInstanceQuery: onlyKnownFilters(body.processInstanceQuery, ProcessInstanceQuery.shape, 'process instance query') } : {}),
    ...(historic ? { historicProcessInstanceQuery: (({ sort: _sort, ...filter }) => filter)(fromHistoryQueryBody(historic)) } : {}),
  };
  const batch = await answeringEngineFailures(
    () => setExternalTaskRetriesAsync(ctx.app, ctx.auth, input),
    (error) =>
      error.type === 'NotFoundException'
        ? engineFailureAs(error, 404, 'InvalidRequestException')
        : error.type === 'BadUserRequestException'
          ? engineFailureAs(error, 400, 'InvalidRequestException')
          : undefined,
  );
  return json(200, batchDto(batch));
}

const Topic = z.object({
  topicName: z.string().min(1),
  lockDuration: z.number().int().nonnegative(),
  variables: z.array(z.string()).nullish(),
  localVariables: z.boolean().nullish(),
  businessKey: z.string().nullish(),
  processDefinitionId: z.string().nullish(),
  processDefinitionKey: z.string().nullish(),
});

const FetchAndLock = z.object({
  workerId: z.string().min(1),
  maxTasks: z.number().int().nonnegative().nullish(),
  usePriority: z.boolean().nullish(),
  asyncResponseTimeout: z.number().int().nonnegative().nullish(),
  topics: z.array(Topic).nullish(),
});

const Complete = z.object({ workerId: z.string().min(1), variables: VariableMapDto.nullish(), localVariables: VariableMapDto.nullish() });
const Failure = z.object({
  workerId: z.string().min(1),
  errorMessage: z.string().nullish(),
  errorDetails: z.string().nullish(),
  retries: z.number().int().nullish(),
  retryTimeout: z.number().int().nullish(),
});
const BpmnErrorBody = z.object({ workerId: z.string().min(1), errorCode: z.string().nullish(), errorMessage: z.string().nullish(), variables: VariableMapDto.nullish() });
const ExtendLock = z.object({ workerId: z.string().min(1), newDuration: z.number().int().positive() });

export const externalTaskRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/external-task/fetchAndLock',
    handler: async (ctx) => {
      const request = readBody(ctx.req, FetchAndLock);
      const locked = await fetchAndLock(ctx.app, ctx.auth, {
        workerId: request.workerId,
        maxTasks: request.maxTasks ?? undefined,
        asyncResponseTimeout: request.asyncResponseTimeout ?? undefined,
        topics: (request.topics ?? []).map((topic) => ({
          topicName: topic.topicName,
          lockDuration: topic.lockDuration,
          variables: topic.variables ?? undefined,
          businessKey: topic.businessKey ?? undefined,
          processDefinitionId: topic.processDefinitionId ?? undefined,
          processDefinitionKey: topic.processDefinitionKey ?? undefined,
        })),
      });
      return json(
        200,
        locked.map(({ task, variables }) => ({ ...externalTaskDto(task), errorDetails: null, variables: toVariableMapDto(variables), extensionProperties: {} })),
      );
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task',
    handler: async (ctx) => json(200, (await findExternalTasks(ctx.app, ctx.auth, sorted(readQuery(ctx.req, ExternalTaskListParams)))).map(externalTaskDto)),
  }),
  route({
    method: 'POST',
    pattern: '/external-task',
    handler: async (ctx) => {
      const paging = readQuery(ctx.req, ListingParams);
      return json(200, (await findExternalTasks(ctx.app, ctx.auth, { ...fromQueryBody(readBody(ctx.req, ExternalTaskQueryBody)), ...paging })).map(externalTaskDto));
    },
  }),
  route({ method: 'GET', pattern: '/external-task/count', handler: async (ctx) => json(200, { count: await countExternalTasks(ctx.app, ctx.auth, readQuery(ctx.req, ExternalTaskFilterParams)) }) }),
  route({
    method: 'POST',
    pattern: '/external-task/count',
    handler: async (ctx) => json(200, { count: await countExternalTasks(ctx.app, ctx.auth, fromQueryBody(readBody(ctx.req, ExternalTaskQueryBody))) }),
  }),
  route({ method: 'GET', pattern: '/external-task/topic-names', handler: async (ctx) => json(200, await externalTaskTopicNames(ctx.app, ctx.auth, readQuery(ctx.req, TopicNameParams))) }),
  route({ method: 'POST', pattern: '/external-task/retries-async', idempotent: true, handler: retriesAsync }),
  route({
    method: 'PUT',
    pattern: '/external-task/retries',
    handler: async (ctx) => {
      const body = readBody(ctx.req, BulkRetriesBody);
      await setExternalTasksRetries(ctx.app, ctx.auth, {
        retries: body.retries,
        externalTaskIds: body.externalTaskIds ?? undefined,
        processInstanceIds: body.processInstanceIds ?? undefined,
        externalTaskQuery: body.externalTaskQuery ? fromQueryBody(onlySupported(body.externalTaskQuery)) : undefined,
        processInstanceQuery: body.processInstanceQuery ?? undefined,
      });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/external-task/{id}/retries',
    handler: async (ctx) => {
      await setExternalTaskRetries(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, retries: readBody(ctx.req, RetriesBody).retries });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/external-task/{id}/priority',
    handler: async (ctx) => {
      await setExternalTaskPriority(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, priority: readBody(ctx.req, PriorityBody).priority });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/lock',
    handler: async (ctx) => {
      const body = readBody(ctx.req, LockBody);
      await lockExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, workerId: body.workerId, lockDuration: body.lockDuration ?? 0 });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task/{id}/errorDetails',
    handler: async (ctx) => {
      const details = await externalTaskErrorDetails(ctx.app, ctx.auth, ctx.params.id);
      return details === undefined ? noContent() : { status: 200, rawBody: details, headers: { 'content-type': 'text/plain' } };
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task/{id}',
    handler: async (ctx) => json(200, externalTaskDto(await getExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id }))),
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/complete',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Complete);
      const variables = fromVariableMap(body.variables);
      const localVariables = fromVariableMap(body.localVariables);
      await completeExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, workerId: body.workerId, variables, localVariables });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/bpmnError',
    handler: async (ctx) => {
      const body = readBody(ctx.req, BpmnErrorBody);
      await handleExternalTaskBpmnError(ctx.app, ctx.auth, {
        externalTaskId: ctx.params.id,
        workerId: body.workerId,
        errorCode: body.errorCode ?? undefined,
        errorMessage: body.errorMessage ?? undefined,
        variables: fromVariableMap(body.variables),
      });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/failure',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Failure);
      if ((body.retries ?? 0) < 0) throw invalidRequest('retries must be >= 0');
      await handleExternalTaskFailure(ctx.app, ctx.auth, {
        externalTaskId: ctx.params.id,
        workerId: body.workerId,
        errorMessage: body.errorMessage ?? undefined,
        errorDetails: body.errorDetails ?? undefined,
        retries: body.retries ?? 0,
        retryTimeout: body.retryTimeout ?? 0,
      });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/extendLock',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ExtendLock);
      await extendExternalTaskLock(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, workerId: body.workerId, newDuration: body.newDuration });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/unlock',
    handler: async (ctx) => {
      await unlockExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id });
      return noContent();
    },
  }),
];
