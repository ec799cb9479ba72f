import type { ProcessModel } from '../bpmn/model.ts';
import type { BehaviorContext } from './behavior-context.ts';
import { behaviorOf } from './behaviors/behavior-table.ts';
import { propagateError, propagateEscalation } from './behaviors/event-propagation.ts';
import { deliverSignal } from './behaviors/signals.ts';
import { executionIdOf } from './execution-facade.ts';
import { requireExternalTaskActive } from './suspension.ts';
import type { EngineEnvironment } from './environment.ts';
import { badUserRequest, processEngineError } from './errors.ts';
import { findExternalTaskOwner, findTaskOwner } from './lookup.ts';
import { applyVariables, type OperationResult, requireActive, runOperation } from './operation.ts';
import { resolveIncidentsOf } from './operations.ts';
import type { ActivityInstanceState, ProcessInstanceState, Variables } from './state.ts';

/**
 * BPMN errors, escalations and signals that reach an instance from outside it. Errors and escalations
 * reported for a waiting task: Camunda's TaskService.handleBpmnError,
 * TaskService.handleEscalation and ExternalTaskService.handleBpmnError. Variables are set first,
 * with normal scoping from the task; then the error or escalation propagates from the task's token.
 */

/** Camunda's ensureNotEmpty on the reported code (the application checks it before it looks the task up). */
export function requireCode(name: 'errorCode' | 'escalationCode', value: string | undefined): string {
  if (!value) throw badUserRequest(`${name} is empty`);
  return value;
}

/**
 * An uncaught error ends the token as a none end event would (Camunda's default when no handler
 * exists): what it waited for is deleted, then it ends in its scope.
 */
function endUncaught(ctx: BehaviorContext, owner: ActivityInstanceState): void {
  const definition = ctx.defOf(owner);
  behaviorOf(definition).cancel?.(ctx, owner, definition);
  delete owner.task;
  delete owner.externalTask;
  ctx.leave(owner, [], { failed: true });
}

/** `POST /task/{id}/bpmnError`. */
export function handleTaskBpmnError(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  error: { errorCode?: string; errorMessage?: string; variables?: Variables },
  env: EngineEnvironment,
): OperationResult {
  const errorCode = requireCode('errorCode', error.errorCode);
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const owner = findTaskOwner(runtime.tree, taskId);
    applyVariables(runtime, owner, error.variables);
    if (!propagateError(runtime, owner, errorCode, error.errorMessage)) endUncaught(runtime, owner);
  });
}

/** `POST /task/{id}/bpmnEscalation`: an escalation nobody catches is Camunda's ENGINE-02043 error. */
export function handleTaskEscalation(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  escalation: { escalationCode?: string; variables?: Variables },
  env: EngineEnvironment,
): OperationResult {
  const escalationCode = requireCode('escalationCode', escalation.escalationCode);
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const owner = findTaskOwner(runtime.tree, taskId);
    applyVariables(runtime, owner, escalation.variables);
    if (!propagateEscalation(runtime, owner, escalationCode)) {
      throw processEngineError(`ENGINE-02043 Execution with id '${owner.activityId}' throws an escalation event with escalationCode '${escalationCode}', but no escalation handler was defined. `);
    }
  });
}

/** `POST /external-task/{id}/bpmnError`: only the worker holding the lock may report it. */
export function handleExternalTaskBpmnError(
  state: ProcessInstanceState,
  model: ProcessModel,
  externalTaskId: string,
  error: { workerId: string; errorCode?: string; errorMessage?: string; variables?: Variables },
  env: EngineEnvironment,
): OperationResult {
  const errorCode = requireCode('errorCode', error.errorCode);
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const owner = findExternalTaskOwner(runtime.tree, externalTaskId);
    const lockedBy = owner.externalTask!.workerId;
    if (lockedBy !== error.workerId) {
      throw badUserRequest(`Bpmn error of External Task ${externalTaskId} cannot be reported by worker '${error.workerId}'. It is locked by worker '${lockedBy ?? 'null'}'.`);
    }
    requireExternalTaskActive(runtime.state, externalTaskId);
    applyVariables(runtime, owner, error.variables);
    resolveIncidentsOf(owner, externalTaskId);
    delete owner.externalTask;
    if (!propagateError(runtime, owner, errorCode, error.errorMessage)) endUncaught(runtime, owner);
  });
}

/** What a delivered signal did to one instance. */
export interface SignalReceipt extends OperationResult {
  /** How many of the instance's subscriptions received it (0: the state is unchanged). */
  received: number;
}

/**
 * A signal broadcast (POST /signal, or another instance's signal throw event) reaches this instance:
 * every signal subscription of that name fires, each receiving instance first getting the
 * variables with normal scoping. With `executionId`, only that execution's subscriptions.
 */
export function receiveSignal(state: ProcessInstanceState, model: ProcessModel, signalName: string, variables: Variables | undefined, env: EngineEnvironment, executionId?: string): SignalReceipt {
  requireActive(state);
  let received = 0;
  const result = runOperation(state, model, env, (runtime) => {
    received = deliverSignal(
      runtime,
      signalName,
      (owner) => applyVariables(runtime, owner, variables),
      executionId === undefined ? undefined : (owner) => executionIdOf(owner, state.id) === executionId,
    );
  });
  return { ...result, received };
}
