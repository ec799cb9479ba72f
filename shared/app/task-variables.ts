/**
 * A task's variables (Camunda's TaskService#getVariables(Local), #setVariables(Local),
 * #removeVariables(Local)): read from, and written to, the instance the task belongs to.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { nullValue } from '../engine/errors.ts';
import * as engine from '../engine/index.ts';
import type { Variables } from '../engine/index.ts';
import { requireTask } from './access.ts';
import type { AppContext } from './app-context.ts';
import { loggedWithInstance, type VariableOperation } from './operation-log.ts';
import { taskVariableOperation } from './task-operation-log.ts';

// Camunda's commands word a missing task differently: reading and setting (GetTaskVariablesCmd,
// SetTaskVariablesCmd) say it "doesn't exist", removing (RemoveTaskVariablesCmd) "Cannot find".
const doesNotExist = (taskId: string) => nullValue(`task ${taskId} doesn't exist: task is null`);
const cannotFind = (taskId: string) => nullValue(`Cannot find task with id ${taskId}: task is null`);

/** The task's variables, with its scopes' (`local`: its own only). Task READ, or READ_TASK on its definition. */
export async function readTaskVariables(app: AppContext, caller: AuthContext, taskId: string, local: boolean): Promise<Variables> {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item) throw doesNotExist(taskId);
  await requireTask(caller, item, 'READ');
  const loaded = await app.engine.load(item.processInstanceId as string);
  // The task can end between reading its item and its instance.
  if (!loaded || !engine.hasTask(loaded.stored.state, taskId)) throw doesNotExist(taskId);
  return engine.taskVariables(loaded.stored.state, taskId, local);
}

/** Sets then removes variables of a task: UPDATE_VARIABLE or UPDATE on the task, or their task-wide forms on its definition. */
export async function modifyTaskVariables(
  app: AppContext,
  caller: AuthContext,
  input: { taskId: string; modifications: Variables; deletions: readonly string[]; local: boolean; operation: VariableOperation },
): Promise<void> {
  const missing = () => (input.operation === 'RemoveVariable' ? cannotFind(input.taskId) : doesNotExist(input.taskId));
  const item = await app.engine.deps.items.getTask(input.taskId);
  if (!item) throw missing();
  await requireTask(caller, item, 'UPDATE_VARIABLE');
  await app.engine.update(
    item.processInstanceId as string,
    (state, model) => {
      if (!engine.hasTask(state, input.taskId)) throw missing();
      return engine.modifyTaskVariables(state, model, input, app.engine.env);
    },
    missing,
    loggedWithInstance(app, caller, taskVariableOperation(input.operation, input.taskId)),
  );
}
