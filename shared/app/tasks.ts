import * as operations from '../engine/operations.ts';
import type { Variables } from '../engine/state.ts';
import { filterAllowed, mayTask, requireTask } from './access.ts';
import type { UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import type { QueryItem } from './read-models.ts';

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
  sort?: { by: TaskSortKey; descending: boolean };
}

const noSuchTask = (id: string) => new ResourceNotFound(`No matching task with id ${id}`);

/** The tasks the caller may read (Task READ or the definition's READ_TASK) that match every given filter. */
export const queryTasks: UseCase<TaskQuery, QueryItem[]> = async (app, caller, query) => {
  const filters: [string, string | undefined][] = [
    ['processInstanceId', query.processInstanceId],
    ['processDefinitionId', query.processDefinitionId],
    ['processDefinitionKey', query.processDefinitionKey],
    ['taskDefinitionKey', query.taskDefinitionKey],
    ['assignee', query.assignee],
    ['id', query.taskId],
  ];
  const matching = (await app.engine.deps.items.tasks()).filter((item) => filters.every(([field, value]) => value === undefined || item[field] === value));
  const readable = await filterAllowed(matching, (item) => mayTask(caller, item, 'READ'));
  return sorted(readable, query.sort);
};

export const countTasks: UseCase<TaskQuery, number> = async (app, caller, query) => (await queryTasks(app, caller, { ...query, sort: undefined })).length;

/** One task the caller may read; an unreadable task is reported as missing. */
export const getTask: UseCase<{ taskId: string }, QueryItem> = async (app, caller, { taskId }) => {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw noSuchTask(taskId);
  return item;
};

/** Sets (or with no user clears) the assignee: Task UPDATE or the definition's UPDATE_TASK. */
export const claimTask: UseCase<{ taskId: string; userId?: string }, void> = async (app, caller, { taskId, userId }) => {
  const item = await getTask(app, caller, { taskId });
  await requireTask(caller, item, 'UPDATE');
  await app.engine.update(
    taskOwner(item),
    (state, model) => operations.claimTask(state, model, taskId, userId, app.engine.env),
    () => noSuchTask(taskId),
  );
};

export const unclaimTask: UseCase<{ taskId: string }, void> = (app, caller, { taskId }) => claimTask(app, caller, { taskId });

/** Completes the task with the given variables; returns the instance's variables afterwards. */
export const completeTask: UseCase<{ taskId: string; variables: Variables }, Variables> = async (app, caller, { taskId, variables }) => {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) {
    throw new ResourceNotFound(`Cannot complete task ${taskId}: task with id ${taskId} does not exist`, 'RestException');
  }
  await requireTask(caller, item, 'UPDATE');
  const state = await app.engine.update(
    taskOwner(item),
    (s, model) => operations.completeTask(s, model, taskId, variables, app.engine.env),
    () => noSuchTask(taskId),
  );
  return state.root.variables ?? {};
};

function taskOwner(item: QueryItem): string {
  return item.processInstanceId as string;
}

function sorted(items: QueryItem[], sort: TaskQuery['sort']): QueryItem[] {
  if (!sort) return items;
  const value = (item: QueryItem) => (item[sort.by] as string | number | null | undefined) ?? '';
  const ordered = [...items].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return sort.descending ? ordered.reverse() : ordered;
}
