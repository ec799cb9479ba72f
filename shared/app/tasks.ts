import * as operations from '../engine/operations.ts';
import type { Variables } from '../engine/state.ts';
import { mayTask, requireTask } from './access.ts';
import { setTaskAssignee } from './task-commands.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { loggedWithInstance } from './operation-log.ts';
import { taskFormSubmission, taskOperation } from './task-operation-log.ts';
import { ResourceNotFound } from './errors.ts';
import { nullValue, processEngineError } from '../engine/errors.ts';
import { submitTaskForm as submitTaskFormOperation } from '../engine/task-forms.ts';
import type { QueryItem } from './read-models.ts';
import { allOfStream, itemsNeeded, type Paging, pageOf, pageOfStream } from './result-page.ts';
import { taskIndexFor } from '../store/query-items.ts';
import type { AuthContext } from '../auth/auth-context.ts';

/** User tasks (Camunda's TaskService): query, read, claim, unclaim, complete. */

export const TASK_SORT_KEYS = ['id', 'name', 'assignee', 'created', 'processInstanceId', 'taskDefinitionKey'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];

export interface TaskQuery {
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  taskDefinitionKey?: string;
  assignee?: string;
  taskId?: string;
  /** Tasks this user may claim: a candidate user, or a member of a candidate group. */
  candidateUser?: string;
  candidateGroup?: string;
  candidateGroups?: readonly string[];
  /** With a candidate filter: also the tasks already assigned (Camunda leaves them out by default). */
  includeAssignedTasks?: boolean;
  sort?: { by: TaskSortKey; descending: boolean };
}

/** The users and groups a candidate filter asks for (a candidate user brings their groups), or undefined without one. */
async function candidatesOf(app: AppContext, query: TaskQuery): Promise<{ users: string[]; groups: string[] } | undefined> {
  const { candidateUser, candidateGroup, candidateGroups } = query;
  if (candidateUser !== undefined && (candidateGroup !== undefined || candidateGroups !== undefined)) {
    throw processEngineError(`Invalid query usage: cannot set both candidateUser and ${candidateGroup !== undefined ? 'candidateGroup' : 'candidateGroupIn'}`);
  }
  if (candidateGroup !== undefined && candidateGroups !== undefined) throw processEngineError('Invalid query usage: cannot set both candidateGroup and candidateGroupIn');
  if (candidateGroups !== undefined && candidateGroups.length === 0) throw processEngineError('Candidate group list is empty');
  if (candidateUser !== undefined) return { users: [candidateUser], groups: [...(await app.identityCache.identityOf(candidateUser)).groupIds] };
  if (candidateGroup !== undefined) return { users: [], groups: [candidateGroup] };
  if (candidateGroups !== undefined) return { users: [], groups: [...candidateGroups] };
  return undefined;
}

function isCandidate(item: QueryItem, candidates: { users: readonly string[]; groups: readonly string[] }, includeAssigned: boolean): boolean {
  if (!includeAssigned && item.assignee !== null && item.assignee !== undefined) return false;
  const users = (item.candidateUsers as string[] | undefined) ?? [];
  const groups = (item.candidateGroups as string[] | undefined) ?? [];
  return candidates.users.some((user) => users.includes(user)) || candidates.groups.some((group) => groups.includes(group));
}

const noSuchTask = (id: string) => new ResourceNotFound(`No matching task with id ${id}`);

function filtersOf(query: TaskQuery): [string, string | undefined][] {
  return [
    ['processInstanceId', query.processInstanceId],
    ['processDefinitionId', query.processDefinitionId],
    ['processDefinitionKey', query.processDefinitionKey],
    ['taskDefinitionKey', query.taskDefinitionKey],
    ['assignee', query.assignee],
    ['id', query.taskId],
  ];
}

/**
 * The readable tasks of the query in creation order, read from the narrowest task index (pushed-down
 * paging without a sort): by id, by instance, by candidate, by assignee, by definition key, or all.
 */
async function readableTasks(app: AppContext, caller: AuthContext, query: TaskQuery, paging: Paging) {
  const filters = filtersOf(query);
  const candidates = await candidatesOf(app, query);
  const accept = async (item: QueryItem) =>
    filters.every(([field, value]) => value === undefined || item[field] === value) &&
    (!candidates || isCandidate(item, candidates, query.includeAssignedTasks === true)) &&
    (await mayTask(caller, item, 'READ'));
  const hint = { expected: itemsNeeded(paging) };
  const items = app.engine.deps.items;
  const byCandidate = candidates && !query.taskId && !query.processInstanceId;
  return { stream: byCandidate ? items.tasksOfCandidates(candidates, hint) : items.tasks(query, hint), accept };
}

/**
 * The tasks the caller may read (Task READ or the definition's READ_TASK) that match every given
 * filter, one page of them. In creation order (or the given sort, which reads every match first).
 */
export const queryTasks: UseCase<TaskQuery & Paging, QueryItem[]> = async (app, caller, query) => {
  if (query.sort) {
    const { stream, accept } = await readableTasks(app, caller, query, {});
    return pageOf(sortTasks(await allOfStream(stream, accept), query.sort), query);
  }
  const { stream, accept } = await readableTasks(app, caller, query, query);
  return pageOfStream(stream, accept, query);
};

/** Without authentication and with no filter beyond the index, DynamoDB counts; otherwise the matches are read. */
export const countTasks: UseCase<TaskQuery, number> = async (app, caller, query) => {
  const indexed = taskIndexFor(query);
  const onlyIndexed = filtersOf(query).every(([field, value]) => value === undefined || field === indexed) && (await candidatesOf(app, query)) === undefined;
  if (!caller.enabled && onlyIndexed) return app.engine.deps.items.countTasks(query);
  const { stream, accept } = await readableTasks(app, caller, query, {});
  return (await allOfStream(stream, accept)).length;
};

/** One task the caller may read; an unreadable task is reported as missing. */
export const getTask: UseCase<{ taskId: string }, QueryItem> = async (app, caller, { taskId }) => {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw noSuchTask(taskId);
  return item;
};

/** Sets (or with no user clears) the assignee: Task UPDATE or the definition's UPDATE_TASK. */
export const claimTask: UseCase<{ taskId: string; userId?: string }, void> = async (app, caller, { taskId, userId }) => {
  const item = await getTask(app, caller, { taskId });
  await requireTask(caller, item, 'WORK');
  await app.engine.update(
    taskOwner(item),
    (state, model) => operations.claimTask(state, model, taskId, userId, app.engine.env),
    () => noSuchTask(taskId),
    loggedWithInstance(app, caller, taskOperation('Claim', taskId)),
  );
};

/** Camunda's unclaim is setAssignee(null): TASK_ASSIGN (or UPDATE), whoever holds the task. */
export const unclaimTask: UseCase<{ taskId: string }, void> = (app, caller, { taskId }) => setTaskAssignee(app, caller, { taskId, userId: null });

/** Completes the task with the given variables; returns the instance's variables afterwards. */
export const completeTask: UseCase<{ taskId: string; variables: Variables }, Variables> = async (app, caller, { taskId, variables }) => {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) {
    throw new ResourceNotFound(`Cannot complete task ${taskId}: task with id ${taskId} does not exist`, 'RestException');
  }
  await requireTask(caller, item, 'WORK');
  const state = await app.engine.update(
    taskOwner(item),
    (s, model) => operations.completeTask(s, model, taskId, variables, app.engine.env),
    () => noSuchTask(taskId),
    loggedWithInstance(app, caller, taskOperation('Complete', taskId)),
  );
  return state.root.variables ?? {};
};

/**
 * POST /task/{id}/submit-form (SubmitTaskFormCmd): the generated form checks and converts the
 * variables, then the task completes with them; TASK_WORK as completing. Returns the instance's
 * variables afterwards.
 */
export const submitTaskForm: UseCase<{ taskId: string; variables: Variables }, Variables> = async (app, caller, { taskId, variables }) => {
  const missing = () => nullValue(`Cannot find task with id ${taskId}: task is null`);
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw missing();
  await requireTask(caller, item, 'WORK');
  const state = await app.engine.update(
    taskOwner(item),
    (s, model) => submitTaskFormOperation(s, model, taskId, variables, app.engine.env),
    missing,
    loggedWithInstance(app, caller, taskFormSubmission(taskId)),
  );
  return state.root.variables ?? {};
};

function taskOwner(item: QueryItem): string {
  return item.processInstanceId as string;
}

function sortTasks(items: QueryItem[], sort: TaskQuery['sort']): QueryItem[] {
  if (!sort) return items;
  const value = (item: QueryItem) => (item[sort.by] as string | number | null | undefined) ?? '';
  const ordered = [...items].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return sort.descending ? ordered.reverse() : ordered;
}
