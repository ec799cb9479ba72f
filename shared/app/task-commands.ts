/**
 * Assigning, delegating and resolving user tasks (Camunda's TaskService#setAssignee, #delegateTask,
 * #resolveTask). Each reads the task's item for its instance and permissions, then changes the
 * instance; Camunda's commands look the task up without the query's authorization filter, so a task
 * the caller may not change is a 403, not a 404.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { type EngineError, notFound, nullValue } from '../engine/errors.ts';
import * as engine from '../engine/index.ts';
import type { OperationResult, ProcessInstanceState, Variables } from '../engine/index.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import { mayTask, requireTask, type TaskAction } from './access.ts';
import { RequestError } from './errors.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { type LoggedUpdate, loggedWithInstance } from './operation-log.ts';
import { identityLinkOperation, taskOperation } from './task-operation-log.ts';

const cannotFind = (taskId: string) => `Cannot find task with id ${taskId}: task is null`;

/** Runs an engine operation on the instance of a task the caller may change as `action` asks. */
async function changeTask(
  app: AppContext,
  caller: AuthContext,
  taskId: string,
  action: TaskAction,
  missing: (message: string) => EngineError,
  operation: (state: ProcessInstanceState, model: ProcessModel) => OperationResult,
  logged: LoggedUpdate,
): Promise<void> {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item) throw missing(cannotFind(taskId));
  await requireTask(caller, item, action);
  await app.engine.update(item.processInstanceId as string, operation, () => missing(cannotFind(taskId)), loggedWithInstance(app, caller, logged));
}

/** POST /task/{id}/assignee: Camunda's AssignTaskCmd reports an unknown task as NotFoundException (400). */
export const setTaskAssignee: UseCase<{ taskId: string; userId: string | null }, void> = (app, caller, { taskId, userId }) =>
  changeTask(app, caller, taskId, 'ASSIGN', notFound, (state, model) => engine.setTaskAssignee(state, model, taskId, userId, app.engine.env), taskOperation('Assign', taskId));

/** POST /task/{id}/delegate: an unknown task is EnsureUtil's NullValueException (500). */
export const delegateTask: UseCase<{ taskId: string; userId: string | null }, void> = (app, caller, { taskId, userId }) =>
  changeTask(app, caller, taskId, 'ASSIGN', nullValue, (state, model) => engine.delegateTask(state, model, taskId, userId, app.engine.env), taskOperation('Delegate', taskId));

/** POST /task/{id}/resolve: Camunda's ResolveTaskCmd is a CompleteTaskCmd, hence TASK_WORK. */
export const resolveTask: UseCase<{ taskId: string; variables: Variables }, void> = (app, caller, { taskId, variables }) =>
  changeTask(app, caller, taskId, 'WORK', nullValue, (state, model) => engine.resolveTask(state, model, taskId, variables, app.engine.env), taskOperation('Resolve', taskId));

export interface IdentityLinkInput {
  taskId: string;
  userId?: string;
  groupId?: string;
  type: string | null;
}

/** GET /task/{id}/identity-links: READ on the task; an unknown task is EnsureUtil's NullValueException. */
export async function taskIdentityLinks(app: AppContext, caller: AuthContext, input: { taskId: string; type?: string }): Promise<engine.IdentityLink[]> {
  const item = await app.engine.deps.items.getTask(input.taskId);
  if (!item) throw nullValue(cannotFind(input.taskId));
  await requireTask(caller, item, 'READ');
  const loaded = await app.engine.load(item.processInstanceId as string);
  if (!loaded || !engine.hasTask(loaded.stored.state, input.taskId)) throw nullValue(cannotFind(input.taskId));
  const links = engine.taskIdentityLinks(engine.taskOf(loaded.stored.state, input.taskId));
  return input.type === undefined ? links : links.filter((link) => link.type === input.type);
}

/** POST /task/{id}/identity-links: TASK_ASSIGN (or UPDATE); an unknown task is a NotFoundException (400). */
export const addTaskIdentityLink: UseCase<IdentityLinkInput & { type: string }, void> = (app, caller, { taskId, ...link }) =>
  changeTask(app, caller, taskId, 'ASSIGN', notFound, (state, model) => engine.addTaskIdentityLink(state, model, taskId, link, app.engine.env), identityLinkOperation('Add', taskId, link));

/** POST /task/{id}/identity-links/delete: the type is required; an unknown task is a NullValueException. */
export const deleteTaskIdentityLink: UseCase<IdentityLinkInput, void> = async (app, caller, { taskId, type, ...link }) => {
  if (type === null) throw nullValue('type is required when adding a new task identity link: type is null');
  await changeTask(
    app,
    caller,
    taskId,
    'ASSIGN',
    nullValue,
    (state, model) => engine.deleteTaskIdentityLink(state, model, taskId, { ...link, type }, app.engine.env),
    identityLinkOperation('Delete', taskId, { ...link, type }),
  );
};

/**
 * PUT /task/{id} (TaskService#saveTask on the task Camunda's resource read): every field of the
 * body replaces the task's; UPDATE on the task or UPDATE_TASK on its definition. A task the caller
 * may not read is Camunda's 404 for an unknown one.
 */
export const updateTask: UseCase<{ taskId: string; changes: engine.TaskChanges }, void> = async (app, caller, { taskId, changes }) => {
  const missing = () => new RequestError(404, `No matching task with id ${taskId}`);
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw missing();
  await requireTask(caller, item, 'UPDATE');
  await app.engine.update(
    item.processInstanceId as string,
    (state, model) => {
      if (!engine.hasTask(state, taskId)) throw missing();
      return engine.updateTask(state, model, taskId, changes, app.engine.env);
    },
    missing,
    loggedWithInstance(app, caller, taskOperation('Update', taskId)),
  );
};
