/**
 * Operators' calls on external tasks (Camunda's ExternalTaskService#setRetries, #setPriority, #lock,
 * #getExternalTaskErrorDetails): each on one task of an instance the caller may update.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { badUserRequest, EngineError, nullValue } from '../engine/errors.ts';
import * as engine from '../engine/index.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { mayInstanceItem, requireInstanceItem } from './access.ts';
import type { AppContext } from './app-context.ts';
import { externalTaskOperation } from './job-operation-log.ts';
import { type LoggedUpdate, loggedWithInstance } from './operation-log.ts';
import { RequestError, ResourceNotFound } from './errors.ts';
import { type ExternalTaskFilter, findExternalTasks } from './external-task-queries.ts';
import { findProcessInstances, type ProcessInstanceFilter } from './process-instances.ts';

const noSuchExternalTask = (id: string) => new ResourceNotFound(`External task with id ${id} does not exist`, 'RestException');

/** Camunda's REST resource turns the engine's user errors of these calls into a 400 RestException. */
function asRestException(error: unknown): unknown {
  if (error instanceof EngineError && error.isUserError) return Object.assign(new RequestError(400, error.message, 'RestException', error.code), { cause: error });
  return error;
}

/**
 * The task's item when the caller may read its instance. Camunda's commands would name the instance
 * in a 403 for a task the caller cannot see; here such a task is as missing as an unknown one (as
 * for every external task route), so a 403 never reveals what the caller may not read.
 */
async function readableItem(app: AppContext, caller: AuthContext, externalTaskId: string) {
  const item = await app.engine.deps.items.getExternalTask(externalTaskId);
  return item && (await mayInstanceItem(caller, item, 'READ')) ? item : undefined;
}

async function changeExternalTask(app: AppContext, caller: AuthContext, externalTaskId: string, change: (state: ProcessInstanceState) => ProcessInstanceState, logged: LoggedUpdate): Promise<void> {
  const item = await readableItem(app, caller, externalTaskId);
  if (!item) throw noSuchExternalTask(externalTaskId);
  await requireInstanceItem(caller, item, 'UPDATE');
  await app.engine.update(item.processInstanceId as string, change, () => noSuchExternalTask(externalTaskId), loggedWithInstance(app, caller, logged));
}

/** Camunda checks the count before it looks the task up. */
function requireRetries(retries: number | null | undefined, checkNegative = true): number {
  if (retries === null || retries === undefined) throw new RequestError(400, 'The number of retries cannot be null.');
  if (checkNegative && retries < 0) throw badUserRequest('The number of retries cannot be negative: retries is not greater than or equal to 0');
  return retries;
}

/** PUT /external-task/{id}/retries. */
export async function setExternalTaskRetries(app: AppContext, caller: AuthContext, input: { externalTaskId: string; retries: number | null | undefined }): Promise<void> {
  const retries = requireRetries(input.retries);
  await changeExternalTask(
    app,
    caller,
    input.externalTaskId,
    (state) => engine.setExternalTaskRetries(state, input.externalTaskId, retries, app.engine.env),
    externalTaskOperation('SetExternalTaskRetries', input.externalTaskId, (task) => [{ property: 'retries', orgValue: task.retries, newValue: retries }]),
  );
}

/** PUT /external-task/{id}/priority. */
export async function setExternalTaskPriority(app: AppContext, caller: AuthContext, input: { externalTaskId: string; priority: number }): Promise<void> {
  await changeExternalTask(
    app,
    caller,
    input.externalTaskId,
    (state) => engine.setExternalTaskPriority(state, input.externalTaskId, input.priority),
    externalTaskOperation('SetPriority', input.externalTaskId, (task) => [{ property: 'priority', orgValue: task.priority, newValue: input.priority }]),
  );
}

/** POST /external-task/{id}/lock: the input is checked before the task is looked up, as in LockExternalTaskCmd. */
export async function lockExternalTask(app: AppContext, caller: AuthContext, input: { externalTaskId: string; workerId: string | null | undefined; lockDuration: number }): Promise<void> {
  const { externalTaskId, workerId, lockDuration } = input;
  if (workerId === null || workerId === undefined) throw nullValue('workerId is null');
  if (lockDuration <= 0) throw new RequestError(400, 'lockDuration is not greater than 0', 'RestException');
  try {
    // Camunda does not log a lock.
    await changeExternalTask(
      app,
      caller,
      externalTaskId,
      (state) => engine.lockExternalTaskFor(state, externalTaskId, workerId, lockDuration, app.engine.env),
      () => undefined,
    );
  } catch (error) {
    throw asRestException(error);
  }
}

/**
 * GET /external-task/{id}/errorDetails: undefined when the task has none. READ on its instance. An
 * unknown task is Camunda's REST 404 here, not its engine's NullValueException (a 500): an
 * unreadable task must answer as an unknown one, and a refusal is no server error.
 */
export async function externalTaskErrorDetails(app: AppContext, caller: AuthContext, externalTaskId: string): Promise<string | undefined> {
  const missing = () => noSuchExternalTask(externalTaskId);
  const item = await readableItem(app, caller, externalTaskId);
  if (!item) throw missing();
  const loaded = await app.engine.load(item.processInstanceId as string);
  if (!loaded || loaded.stored.state.status !== 'ACTIVE') throw missing();
  try {
    return engine.externalTaskErrorDetails(loaded.stored.state, externalTaskId);
  } catch (error) {
    // Completed between reading its item and its instance.
    if (error instanceof EngineError) throw missing();
    throw error;
  }
}

export interface BulkRetries {
  retries: number | null | undefined;
  externalTaskIds?: readonly (string | null)[];
  processInstanceIds?: readonly string[];
  externalTaskQuery?: ExternalTaskFilter;
  processInstanceQuery?: ProcessInstanceFilter;
}

/**
 * PUT /external-task/retries (SetExternalTasksRetriesCmd): the union of the given ids, the tasks of
 * the given instances and the matches of the queries; Camunda's checks in its order. Tasks of
 * instances the caller may not read are left out (or, named by id, unknown), and every task is
 * checked before the first is changed. Each task is then changed in its own instance's write:
 * unlike Camunda's one transaction, a failure midway (a store fault) leaves the tasks before it changed.
 */
export async function setExternalTasksRetries(app: AppContext, caller: AuthContext, input: BulkRetries): Promise<void> {
  const items = app.engine.deps.items;
  const ids = new Set<string>();
  if (input.externalTaskQuery) for (const task of await findExternalTasks(app, caller, input.externalTaskQuery)) ids.add(task.id as string);
  const ofInstances = async (instanceIds: readonly string[]) => {
    for (const instanceId of instanceIds) {
      for (const task of await items.externalTasksOfInstance(instanceId)) if (await mayInstanceItem(caller, task, 'READ')) ids.add(task.id as string);
    }
  };
  if (input.processInstanceQuery) await ofInstances((await findProcessInstances(app, caller, input.processInstanceQuery)).map((instance) => instance.id));
  const retries = requireRetries(input.retries, false);
  if (input.externalTaskIds?.some((id) => id === null)) throw new RequestError(400, 'External task id cannot be null: externalTaskIds contains null value');
  for (const id of input.externalTaskIds ?? []) ids.add(id as string);
  await ofInstances(input.processInstanceIds ?? []);
  if (ids.size === 0) throw new RequestError(400, 'externalTaskIds is empty');
  if (retries < 0) throw new RequestError(400, 'The number of retries cannot be negative: retries is not greater than or equal to 0');
  const tasks = [];
  for (const id of ids) {
    const item = await readableItem(app, caller, id);
    if (!item) throw new RequestError(404, `Cannot find external task with id ${id}: externalTask is null`);
    await requireInstanceItem(caller, item, 'UPDATE');
    tasks.push(item);
  }
  for (const item of tasks) {
    const id = item.id as string;
    await app.engine.update(
      item.processInstanceId as string,
      (state) => engine.setExternalTaskRetries(state, id, retries, app.engine.env),
      () => noSuchExternalTask(id),
    );
  }
}
