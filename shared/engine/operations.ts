import type { ProcessModel } from '../bpmn/model.ts';
import { disarm, registerEventSubProcesses } from './behaviors/event-registration.ts';
import type { EngineEnvironment } from './environment.ts';
import { EngineError, badUserRequest, mismatchingMessage, notFound, processEngineError } from './errors.ts';
import { expectKind } from './expect-kind.ts';
import { fireExecutionListeners } from './listeners.ts';
import { findExternalTaskOwner, findJob, findSubscriptions, findTaskOwner } from './lookup.ts';
import { applyVariables, cloneState, type OperationResult, requireActive, runOperation } from './operation.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState, CallerState, JobState, ProcessInstanceState, Variables } from './state.ts';
import { fireTaskListeners } from './task-listeners.ts';
import { requireExternalTaskActive, requireTaskActive } from './suspension.ts';
import { TreeIndex } from './tree-index.ts';
import { hasOwn } from './own-properties.ts';
import { fireEvent } from './triggers.ts';

export interface StartInput {
  definitionId: string;
  businessKey?: string;
  tenantId?: string;
  variables?: Variables;
  /** The process instance id; generated when absent. */
  id?: string;
  /** The start event an event started it at (message, signal, timer, condition); default: the initial one. */
  startEventId?: string;
  /** The call activity instance that started it, when a call activity did. */
  caller?: CallerState;
}

/** Starts an instance at its start event (by default the process's initial one) and runs it to its first wait states. */
export function startProcessInstance(model: ProcessModel, input: StartInput, env: EngineEnvironment): OperationResult {
  const startEventId = input.startEventId ?? model.initialStartEventId;
  if (!startEventId) throw processEngineError('Cannot start process instance, initial activity where the process instance should start is null: initial is null');
  const state = newInstanceState(model, input, env);
  const id = state.id;
  if (startEventId !== model.initialStartEventId) state.startActivityId = startEventId;
  return runOperation(state, model, env, (runtime) => {
    runtime.events.push({ type: 'processStart', processInstanceId: id, time: env.now() });
    fireExecutionListeners(runtime, state.root, model.root.listeners, 'start', model.id);
    registerEventSubProcesses(runtime, runtime.state.root, model.root);
    runtime.enter(runtime.state.root, runtime.def(startEventId));
  });
}

/** A new instance's state before anything ran: its ids, business key, tenant, caller and variables. */
export function newInstanceState(model: ProcessModel, input: StartInput, env: EngineEnvironment): ProcessInstanceState {
  const id = input.id ?? env.newId();
  const state: ProcessInstanceState = { id, definitionId: input.definitionId, definitionKey: model.id, status: 'ACTIVE', startTime: env.now(), root: { id, activityId: model.id } };
  if (input.businessKey !== undefined) state.businessKey = input.businessKey;
  if (input.tenantId !== undefined) state.tenantId = input.tenantId;
  if (input.caller) state.caller = input.caller;
  if (input.variables && Object.keys(input.variables).length > 0) state.root.variables = { ...input.variables };
  return state;
}

/** Completes a user task: variables set with normal scoping from the task, complete listeners, then on. */
export function completeTask(state: ProcessInstanceState, model: ProcessModel, taskId: string, variables: Variables | undefined, env: EngineEnvironment): OperationResult {
  requireActive(state);
  requireTaskActive(state, taskId);
  return runOperation(state, model, env, (runtime) => {
    const owner = findTaskOwner(runtime.tree, taskId);
    applyVariables(runtime, owner, variables);
    fireTaskListeners(runtime, owner, expectKind(runtime.defOf(owner), 'userTask'), 'complete');
    runtime.events.push({ type: 'taskComplete', taskId, time: env.now() });
    delete owner.task;
    runtime.leave(owner);
  });
}

/** Claims (or unclaims with undefined) a user task; Camunda refuses to claim a task someone else holds. */
export function claimTask(state: ProcessInstanceState, model: ProcessModel, taskId: string, userId: string | undefined, env: EngineEnvironment): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const task = findTaskOwner(runtime.tree, taskId).task!;
    if (userId !== undefined && task.assignee !== undefined && task.assignee !== userId) {
      throw new EngineError('TaskAlreadyClaimedException', `Task '${taskId}' is already claimed by someone else.`);
    }
    // Camunda's ClaimTaskCmd: claimed by another first; claiming it again for its assignee sets nothing, so checks nothing.
    if (userId === undefined || task.assignee !== userId) requireTaskActive(runtime.state, taskId);
    if (userId === undefined) delete task.assignee;
    else task.assignee = userId;
    task.lastUpdated = env.now();
  });
}

/** Delivers a message to this instance's single waiting subscription of that name. */
export function correlateMessage(state: ProcessInstanceState, model: ProcessModel, messageName: string, variables: Variables | undefined, env: EngineEnvironment): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const matches = findSubscriptions(runtime.tree, messageName);
    if (matches.length === 0) {
      throw mismatchingMessage(`Cannot correlate message '${messageName}': No process definition or execution matches the parameters`);
    }
    if (matches.length > 1) {
      throw mismatchingMessage(
        `Cannot correlate a message with name '${messageName}' to a single execution. ${matches.length} executions match the correlation keys: CorrelationSet [messageName=${messageName}, processInstanceId=${state.id}]`,
      );
    }
    const { owner, subscription } = matches[0]!;
    applyVariables(runtime, runtime.state.root, variables);
    disarm(owner, 'subscription', subscription.id);
    fireEvent(runtime, owner, runtime.def(subscription.activityId));
  });
}

/** The outcome of running a job: success, or the failure recorded on the job (retries, incident). */
export interface JobResult extends OperationResult {
  failure?: Error;
}

/**
 * Executes a job (async continuation or timer). A failure rolls the work back and instead records
 * it on the job as Camunda does: retries decremented, exception message kept, an incident at 0.
 */
export function executeJob(state: ProcessInstanceState, model: ProcessModel, jobId: string, env: EngineEnvironment): JobResult {
  requireActive(state);
  try {
    return runOperation(state, model, env, (runtime) => {
      const { owner, job } = findJob(runtime.tree, jobId);
      resolveIncidentsOf(owner, job.id);
      runtime.events.push({ type: 'jobExecuted', jobId: job.id });
      runJob(runtime, owner, job);
    });
  } catch (error) {
    if (error instanceof EngineError && error.type === 'NotFoundException') throw error;
    return { ...recordJobFailure(state, jobId, error as Error, env), failure: error as Error };
  }
}

function runJob(runtime: Runtime, owner: ActivityInstanceState, job: JobState): void {
  disarm(owner, 'job', job.id);
  const definition = runtime.def(job.activityId);
  switch (job.kind) {
    case 'async-before': {
      const scope = runtime.parentOf(owner);
      runtime.tree.remove(owner);
      runtime.enter(scope, definition, { skipAsyncBefore: true, localVariables: owner.variables, compensationThrowerId: owner.compensationThrower });
      return;
    }
    case 'async-after': {
      const scope = runtime.parentOf(owner);
      const flows = runtime.outgoingToTake(owner, definition);
      runtime.tree.remove(owner);
      runtime.takeFlows(scope, definition, flows);
      return;
    }
    case 'timer':
      fireEvent(runtime, owner, definition, job);
      return;
  }
}

function recordJobFailure(state: ProcessInstanceState, jobId: string, error: Error, env: EngineEnvironment): OperationResult {
  const copy = cloneState(state);
  const { owner, job } = findJob(new TreeIndex(copy.root), jobId);
  const before = job.retries;
  job.retries = Math.max(0, before - 1);
  job.exceptionMessage = error.message;
  // Only the step from some retries to none raises an incident (Camunda's JobEntity.setRetries).
  if (job.retries === 0 && before > 0) {
    if (!owner.incidents) owner.incidents = [];
    owner.incidents.push({ id: env.newId(), type: 'failedJob', activityId: job.activityId, message: error.message, configuration: job.id, created: env.now() });
  }
  return { state: copy, events: [{ type: 'jobFailed', jobId: job.id, retries: before, message: error.message }] };
}

/** Removes the incidents a job or external task raised on its owner. */
export function resolveIncidentsOf(owner: ActivityInstanceState, configuration: string): void {
  owner.incidents = owner.incidents?.filter((i) => i.configuration !== configuration);
  if (owner.incidents?.length === 0) delete owner.incidents;
}

/** `PUT /job/{id}/retries`: new retries; a positive count resolves the job's incident. */
export function setJobRetries(state: ProcessInstanceState, jobId: string, retries: number, env: EngineEnvironment): ProcessInstanceState {
  if (retries < 0) throw badUserRequest(`The number of job retries must be a non-negative Integer, but '${retries}' has been provided.`);
  const copy = cloneState(state);
  const { owner, job } = findJob(new TreeIndex(copy.root), jobId);
  const before = job.retries;
  job.retries = retries;
  if (retries > 0) resolveIncidentsOf(owner, jobId);
  // Camunda's JobEntity.setRetries: going from some retries to none raises a failedJob incident.
  if (retries === 0 && before > 0) {
    if (!owner.incidents) owner.incidents = [];
    owner.incidents.push({ id: env.newId(), type: 'failedJob', activityId: job.activityId, message: job.exceptionMessage, configuration: job.id, created: env.now() });
  }
  return copy;
}

// ---- external tasks ---------------------------------------------------------------------------

export function lockExternalTask(state: ProcessInstanceState, externalTaskId: string, workerId: string, lockDuration: number, env: EngineEnvironment): ProcessInstanceState {
  const copy = cloneState(state);
  const task = findExternalTaskOwner(new TreeIndex(copy.root), externalTaskId).externalTask!;
  task.workerId = workerId;
  task.lockExpiration = env.now() + lockDuration;
  return copy;
}

function requireLockedBy(externalTaskId: string, task: { workerId?: string; lockExpiration?: number }, workerId: string, action: string, env: EngineEnvironment): void {
  const locked = task.workerId !== undefined && (task.lockExpiration ?? 0) > env.now();
  if (!locked || task.workerId !== workerId) {
    throw badUserRequest(`External Task ${externalTaskId} cannot be ${action} by worker '${workerId}'. It is locked by worker '${locked ? task.workerId : 'null'}'.`);
  }
}

export function completeExternalTask(
  state: ProcessInstanceState,
  model: ProcessModel,
  externalTaskId: string,
  workerId: string,
  variables: Variables | undefined,
  localVariables: Variables | undefined,
  env: EngineEnvironment,
): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const owner = findExternalTaskOwner(runtime.tree, externalTaskId);
    requireLockedBy(externalTaskId, owner.externalTask!, workerId, 'completed', env);
    requireExternalTaskActive(runtime.state, externalTaskId);
    applyVariables(runtime, owner, variables);
    applyVariables(runtime, owner, localVariables, true);
    resolveIncidentsOf(owner, externalTaskId);
    delete owner.externalTask;
    runtime.leave(owner);
  });
}

export interface ExternalTaskFailure {
  workerId: string;
  errorMessage?: string;
  errorDetails?: string;
  retries: number;
  retryTimeout: number;
}

/**
 * Records a worker's failure; at 0 retries the task gets an incident and is no longer fetched. Its
 * event marks the failure for the external task log.
 */
export function failExternalTask(state: ProcessInstanceState, externalTaskId: string, failure: ExternalTaskFailure, env: EngineEnvironment): OperationResult {
  requireActive(state);
  const copy = cloneState(state);
  const owner = findExternalTaskOwner(new TreeIndex(copy.root), externalTaskId);
  const task = owner.externalTask!;
  requireLockedBy(externalTaskId, task, failure.workerId, 'failed', env);
  requireExternalTaskActive(copy, externalTaskId);
  if (failure.retries < 0) throw badUserRequest('retries is negative');
  task.retries = failure.retries;
  if (failure.errorMessage !== undefined) task.errorMessage = failure.errorMessage;
  if (failure.errorDetails !== undefined) task.errorDetails = failure.errorDetails;
  task.lockExpiration = env.now() + Math.max(0, failure.retryTimeout);
  if (failure.retries === 0) {
    if (!owner.incidents) owner.incidents = [];
    owner.incidents.push({ id: env.newId(), type: 'failedExternalTask', activityId: owner.activityId, message: failure.errorMessage, configuration: task.id, created: env.now() });
  }
  return { state: copy, events: [{ type: 'externalTaskFailed', externalTaskId }] };
}

export function unlockExternalTask(state: ProcessInstanceState, externalTaskId: string): ProcessInstanceState {
  const copy = cloneState(state);
  const task = findExternalTaskOwner(new TreeIndex(copy.root), externalTaskId).externalTask!;
  delete task.workerId;
  delete task.lockExpiration;
  return copy;
}

export function extendExternalTaskLock(state: ProcessInstanceState, externalTaskId: string, workerId: string, newDuration: number, env: EngineEnvironment): ProcessInstanceState {
  const copy = cloneState(state);
  const task = findExternalTaskOwner(new TreeIndex(copy.root), externalTaskId).externalTask!;
  requireLockedBy(externalTaskId, task, workerId, 'extended', env);
  requireExternalTaskActive(copy, externalTaskId);
  task.lockExpiration = env.now() + newDuration;
  return copy;
}

// ---- variables and deletion -------------------------------------------------------------------

/** `POST /process-instance/{id}/variables`: modifications then deletions, on the process instance scope. */
export function modifyVariables(state: ProcessInstanceState, model: ProcessModel, modifications: Variables | undefined, deletions: readonly string[], env: EngineEnvironment): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const root = runtime.state.root;
    applyVariables(runtime, root, modifications, true);
    for (const name of deletions) {
      if (!hasOwn(root.variables, name)) continue;
      delete root.variables![name];
      runtime.variableChanged(root, name, 'delete');
    }
    if (root.variables && Object.keys(root.variables).length === 0) delete root.variables;
  });
}

/** Deletes (cancels) a running instance; history state EXTERNALLY_TERMINATED as via Camunda's REST API. */
export function deleteProcessInstance(
  state: ProcessInstanceState,
  model: ProcessModel,
  env: EngineEnvironment,
  options: { skipCustomListeners?: boolean; skipIoMappings?: boolean; skipSubprocesses?: boolean; byCaller?: boolean; externallyTerminated?: boolean } = {},
): OperationResult {
  if (state.status !== 'ACTIVE') throw notFound(`No process instance found for id '${state.id}'`);
  // REST deletions are external; a caller deleting what it called passes its own cancellation's source on.
  const externallyTerminated = options.externallyTerminated ?? true;
  return runOperation(
    state,
    model,
    env,
    (runtime) => {
      // Deleted because its caller cancelled the call: the caller needs no word back.
      runtime.endingForCaller = options.byCaller ?? false;
      runtime.endProcessInstance(externallyTerminated ? 'EXTERNALLY_TERMINATED' : 'INTERNALLY_TERMINATED');
    },
    {
      skipCustomListeners: options.skipCustomListeners ?? false,
      skipIoMappings: options.skipIoMappings ?? false,
      skipSubprocesses: options.skipSubprocesses ?? false,
      externalCancellation: externallyTerminated,
    },
  );
}

export { processEngineError };
