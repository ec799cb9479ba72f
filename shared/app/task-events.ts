import { handleTaskBpmnError, handleTaskEscalation, requireCode } from '../engine/thrown-events.ts';
import type { Variables } from '../engine/state.ts';
import { mayTask, requireTask } from './access.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import type { AppContext, UseCase } from './app-context.ts';
import type { InstanceUpdate } from '../service/engine-service.ts';
import { ResourceNotFound } from './errors.ts';

/**
 * A user reports a BPMN error or an escalation for a task (Camunda's TaskService.handleBpmnError and
 * handleEscalation): it propagates from the task's token to the nearest handler. Needs UPDATE on the
 * task, as completing it does.
 */

const noSuchTask = (taskId: string) => new ResourceNotFound(`Cannot find task with id ${taskId}: task is null`, 'RestException');

async function updateTaskInstance(app: AppContext, caller: AuthContext, taskId: string, change: InstanceUpdate): Promise<void> {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw noSuchTask(taskId);
  await requireTask(caller, item, 'WORK');
  await app.engine.update(item.processInstanceId as string, change, () => noSuchTask(taskId));
}

// Camunda validates the code before it looks the task up: so requireCode runs first here too.
export const reportTaskBpmnError: UseCase<{ taskId: string; errorCode?: string; errorMessage?: string; variables: Variables }, void> = async (app, caller, { taskId, ...error }) => {
  requireCode('errorCode', error.errorCode);
  await updateTaskInstance(app, caller, taskId, (state, model) => handleTaskBpmnError(state, model, taskId, error, app.engine.env));
};

export const reportTaskEscalation: UseCase<{ taskId: string; escalationCode?: string; variables: Variables }, void> = async (app, caller, { taskId, ...escalation }) => {
  requireCode('escalationCode', escalation.escalationCode);
  await updateTaskInstance(app, caller, taskId, (state, model) => handleTaskEscalation(state, model, taskId, escalation, app.engine.env));
};
