import * as z from 'zod/v4';
import { claimTask, completeTask, countTasks, getTask, queryTasks, TASK_SORT_KEYS, type TaskQuery, type TaskSortKey, unclaimTask } from '../../app/tasks.ts';
import { reportTaskBpmnError, reportTaskEscalation } from '../../app/task-events.ts';
import { addTaskIdentityLink, delegateTask, deleteTaskIdentityLink, resolveTask, setTaskAssignee, taskIdentityLinks, updateTask } from '../../app/task-commands.ts';
import { parseDate } from '../dates.ts';
import type { TaskChanges } from '../../engine/task-operations.ts';
import { modifyTaskVariables, readTaskVariables } from '../../app/task-variables.ts';
import { fromVariableMapAs, variablesResource } from '../variables-resource.ts';
import { deployedTaskForm, taskForm } from '../../app/forms.ts';
import { formDto, taskDto } from '../dto.ts';
import { answeringEngineFailures, engineFailureAs, invalidRequest, RestError } from '../errors.ts';
import { json, noContent, type RestRequest } from '../http.ts';
import { bodyFilters, firstSorting, pagingParams, qs, readQuery, SortingList, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';

/** Camunda's TaskDto as PUT /task/{id} reads it: every field replaces the task's (priority is a Java int: absent is 0). */
const TaskUpdateBody = z
  .object({
    name: z.string().max(255).nullish(),
    description: z.string().max(4000).nullish(),
    priority: z.number().int().nullish(),
    assignee: z.string().max(255).nullish(),
    owner: z.string().max(255).nullish(),
    delegationState: z.string().nullish(),
    due: z.string().nullish(),
    followUp: z.string().nullish(),
    parentTaskId: z.string().nullish(),
    caseInstanceId: z.string().nullish(),
    tenantId: z.string().nullish(),
  })
  .passthrough();

function taskChanges(body: z.infer<typeof TaskUpdateBody>, current: Record<string, unknown>): TaskChanges {
  const date = (text: string | null | undefined) => {
    if (text == null) return null;
    const time = parseDate(text);
    // Camunda's Jackson answers a date it cannot read with an empty message.
    if (time === undefined) throw invalidRequest('');
    return time;
  };
  const delegation = body.delegationState == null ? ((current.delegationState as 'PENDING' | 'RESOLVED' | null | undefined) ?? null) : body.delegationState.toUpperCase();
  if (delegation !== null && delegation !== 'PENDING' && delegation !== 'RESOLVED') {
    throw invalidRequest(`Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', but was '${body.delegationState}'`);
  }
  // No subtasks and no cases here; a task's tenant is its instance's.
  if (body.parentTaskId != null) throw invalidRequest('A parentTaskId is not supported: this engine has no subtasks');
  if (body.caseInstanceId != null) throw invalidRequest('A caseInstanceId is not supported: this engine runs no cases');
  if (body.tenantId != null && body.tenantId !== (current.tenantId ?? null)) throw invalidRequest(`Cannot change the tenant of a task to '${body.tenantId}': it is its process instance's`);
  return {
    name: body.name ?? null,
    description: body.description ?? null,
    priority: body.priority ?? 0,
    assignee: body.assignee ?? null,
    owner: body.owner ?? null,
    delegationState: delegation as TaskChanges['delegationState'],
    due: date(body.due),
    followUp: date(body.followUp),
  };
}

const BpmnErrorBody = z.object({ errorCode: z.string().nullish(), errorMessage: z.string().nullish(), variables: VariableMapDto.nullish() });
const EscalationBody = z.object({ escalationCode: z.string().nullish(), variables: VariableMapDto.nullish() });
const CompleteBody = z.object({ variables: VariableMapDto.nullish(), withVariablesInReturn: z.boolean().nullish() });
/** Camunda's ASSIGNEE_ column holds 255 characters; here the assignee is also an index key. */
const ClaimBody = z.object({ userId: z.string().max(255).nullish() });

const TaskQueryParams = z.object({
  ...sortingParams<TaskSortKey>(TASK_SORT_KEYS),
  processInstanceId: qs.string(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  taskDefinitionKey: qs.string(),
  assignee: qs.string(),
  taskId: qs.string(),
  candidateUser: qs.string(),
  candidateGroup: qs.string(),
  candidateGroups: qs.list(),
  includeAssignedTasks: qs.boolean(),
});
const TaskListParams = z.object({ ...TaskQueryParams.shape, ...pagingParams });
const ListingParams = z.object(pagingParams);

/**
 * Camunda's TaskQueryDto as a POST body: the filters of the query string as JSON values, and
 * `sorting` as a list (see firstSorting: its first entry orders the result).
 */
const TaskQueryBody = z
  .object({
    processInstanceId: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    taskDefinitionKey: z.string().nullish(),
    assignee: z.string().nullish(),
    taskId: z.string().nullish(),
    candidateUser: z.string().nullish(),
    candidateGroup: z.string().nullish(),
    candidateGroups: z.array(z.string()).nullish(),
    includeAssignedTasks: z.boolean().nullish(),
    sorting: SortingList,
  })
  .passthrough();

function fromQueryBody(body: z.infer<typeof TaskQueryBody>): TaskQuery {
  const { sorting, ...filters } = body;
  const query = bodyFilters<TaskQuery>(filters, TaskQueryParams.shape);
  const sort = firstSorting(sorting, TASK_SORT_KEYS);
  if (sort) query.sort = sort;
  return query;
}

const IdentityLinkBody = z.object({ userId: z.string().max(255).nullish(), groupId: z.string().max(255).nullish(), type: z.string().max(255).nullish() });
const IdentityLinkParams = z.object({ type: qs.string() });

/** Camunda's REST layer checks the link before the engine sees it. */
function identityLinkOf(req: RestRequest): { userId?: string; groupId?: string; type: string | null } {
  const { userId, groupId, type } = readBody(req, IdentityLinkBody);
  if (userId != null && groupId != null) throw invalidRequest('Identity Link requires userId or groupId, but not both.');
  if (userId == null && groupId == null) throw invalidRequest('Identity Link requires userId or groupId.');
  return { ...(userId != null ? { userId } : {}), ...(groupId != null ? { groupId } : {}), type: type ?? null };
}

const UserIdBody = z.object({ userId: z.string().max(255).nullish() });
const ResolveBody = z.object({ variables: VariableMapDto.nullish() });

export const taskRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/task',
    handler: async (ctx) => {
      const { firstResult, maxResults, ...query } = readQuery(ctx.req, TaskListParams);
      return json(200, (await queryTasks(ctx.app, ctx.auth, { ...sorted(query), firstResult, maxResults })).map(taskDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/task',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, ListingParams);
      return json(200, (await queryTasks(ctx.app, ctx.auth, { ...fromQueryBody(readBody(ctx.req, TaskQueryBody)), firstResult, maxResults })).map(taskDto));
    },
  }),
  route({ method: 'POST', pattern: '/task/count', handler: async (ctx) => json(200, { count: await countTasks(ctx.app, ctx.auth, fromQueryBody(readBody(ctx.req, TaskQueryBody))) }) }),
  route({
    method: 'POST',
    pattern: '/task/{id}/assignee',
    handler: async (ctx) => {
      await setTaskAssignee(ctx.app, ctx.auth, { taskId: ctx.params.id, userId: readBody(ctx.req, UserIdBody).userId ?? null });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/delegate',
    handler: async (ctx) => {
      await delegateTask(ctx.app, ctx.auth, { taskId: ctx.params.id, userId: readBody(ctx.req, UserIdBody).userId ?? null });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/resolve',
    handler: async (ctx) => {
      const variables = fromVariableMapAs(readBody(ctx.req, ResolveBody).variables, `Cannot resolve task ${ctx.params.id}`);
      await resolveTask(ctx.app, ctx.auth, { taskId: ctx.params.id, variables });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/task/{id}/form', handler: async (ctx) => json(200, formDto(await taskForm(ctx.app, ctx.auth, ctx.params.id))) }),
  route({
    method: 'GET',
    pattern: '/task/{id}/deployed-form',
    handler: async (ctx) => {
      const form = await deployedTaskForm(ctx.app, ctx.auth, ctx.params.id);
      return { status: 200, binaryBody: form.content, headers: { 'content-type': form.contentType } };
    },
  }),
  route({
    method: 'GET',
    pattern: '/task/{id}/identity-links',
    handler: async (ctx) => json(200, await taskIdentityLinks(ctx.app, ctx.auth, { taskId: ctx.params.id, type: readQuery(ctx.req, IdentityLinkParams).type })),
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/identity-links',
    handler: async (ctx) => {
      const link = identityLinkOf(ctx.req);
      // A link without a type is stored with none in Camunda; here every link has one, so it is refused.
      if (link.type === null) throw invalidRequest('Identity Link requires a type.');
      await addTaskIdentityLink(ctx.app, ctx.auth, { taskId: ctx.params.id, ...link, type: link.type });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/identity-links/delete',
    handler: async (ctx) => {
      await deleteTaskIdentityLink(ctx.app, ctx.auth, { taskId: ctx.params.id, ...identityLinkOf(ctx.req) });
      return noContent();
    },
  }),
  ...variablesResource('/task', 'variables', {
    typeName: 'task',
    read: (app, caller, id) => readTaskVariables(app, caller, id, false),
    modify: (app, caller, id, modifications, deletions, operation) => modifyTaskVariables(app, caller, { taskId: id, modifications, deletions, local: false, operation }),
  }),
  ...variablesResource('/task', 'localVariables', {
    typeName: 'task',
    read: (app, caller, id) => readTaskVariables(app, caller, id, true),
    modify: (app, caller, id, modifications, deletions, operation) => modifyTaskVariables(app, caller, { taskId: id, modifications, deletions, local: true, operation }),
  }),
  route({ method: 'GET', pattern: '/task/count', handler: async (ctx) => json(200, { count: await countTasks(ctx.app, ctx.auth, sorted(readQuery(ctx.req, TaskQueryParams))) }) }),
  route({ method: 'GET', pattern: '/task/{id}', handler: async (ctx) => json(200, taskDto(await getTask(ctx.app, ctx.auth, { taskId: ctx.params.id }))) }),
  route({
    method: 'POST',
    pattern: '/task/{id}/claim',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ClaimBody);
      await claimTask(ctx.app, ctx.auth, { taskId: ctx.params.id, userId: body.userId ?? undefined });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/unclaim',
    handler: async (ctx) => {
      await unclaimTask(ctx.app, ctx.auth, { taskId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/task/{id}',
    handler: async (ctx) => {
      const body = readBody(ctx.req, TaskUpdateBody);
      const current = await getTask(ctx.app, ctx.auth, { taskId: ctx.params.id }).catch((error: unknown) => {
        throw error instanceof RestError && error.status === 404 ? invalidRequest(`No matching task with id ${ctx.params.id}`, 404) : error;
      });
      await updateTask(ctx.app, ctx.auth, { taskId: ctx.params.id, changes: taskChanges(body, current) });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/complete',
    handler: async (ctx) => {
      const body = readBody(ctx.req, CompleteBody);
      // Camunda's resource wraps the engine's refusal of a suspended task ("Cannot complete task …", 500).
      const variables = await answeringEngineFailures(
        () => completeTask(ctx.app, ctx.auth, { taskId: ctx.params.id, variables: fromVariableMap(body.variables) }),
        (error) => (error.type === 'SuspendedEntityInteractionException' ? engineFailureAs(error, 500, 'RestException', `Cannot complete task ${ctx.params.id}`) : undefined),
      );
      return body.withVariablesInReturn ? json(200, toVariableMapDto(variables)) : noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/bpmnError',
    handler: async (ctx) => {
      const body = readBody(ctx.req, BpmnErrorBody);
      await reportTaskBpmnError(ctx.app, ctx.auth, {
        taskId: ctx.params.id,
        errorCode: body.errorCode ?? undefined,
        errorMessage: body.errorMessage ?? undefined,
        variables: fromVariableMap(body.variables),
      });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/bpmnEscalation',
    handler: async (ctx) => {
      const body = readBody(ctx.req, EscalationBody);
      await reportTaskEscalation(ctx.app, ctx.auth, { taskId: ctx.params.id, escalationCode: body.escalationCode ?? undefined, variables: fromVariableMap(body.variables) });
      return noContent();
    },
  }),
];
