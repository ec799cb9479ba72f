/**
 * What each kind of batch does to one of its elements, as the job handlers of Camunda's batches do:
 * modification (ModificationBatchJobHandler), deletion (DeleteProcessInstancesJobHandler),
 * suspension (UpdateProcessInstancesSuspendStateJobHandler), job retries (SetJobRetriesJobHandler)
 * and variables (BatchSetVariablesHandler). Pure: the execution run loads and stores.
 */
import { type BatchOperation, isModification } from '../batch/batch.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { badUserRequest, EngineError, notFound, processEngineError } from '../engine/errors.ts';
import { setExternalTaskRetries } from '../engine/external-task-operations.ts';
import { setJobDuedate } from '../engine/job-operations.ts';
import { listJobs } from '../engine/lookup.ts';
import { TreeIndex } from '../engine/tree-index.ts';
import { definitionMismatch, instanceCannotBeModified, modifyProcessInstance } from '../engine/modification/modify.ts';
import type { OperationResult } from '../engine/operation.ts';
import { deleteProcessInstance, modifyVariables, setJobRetries } from '../engine/operations.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { setInstanceSuspension } from '../engine/suspension.ts';

/** SetExternalTasksRetriesCmd's NotFoundException for a task that is gone. */
export const noExternalTaskFound = (externalTaskId: string): Error => notFound(`Cannot find external task with id ${externalTaskId}: externalTask is null`);

/** Camunda's CommandLogger#exceptionNoJobFoundForId, its stray quote included. */
export const noJobFound = (jobId: string): Error => processEngineError(`ENGINE-13053 No job found with id '${jobId}'.'`);

/**
 * What an element whose instance is gone (or ended) means: suspension and variables pass it by
 * (Camunda's commands update nothing and fail only if asked to), the others fail their job.
 */
export function missingElement(operation: BatchOperation, elementId: string): Error | undefined {
  if (isModification(operation) || 'validation' in operation) return instanceCannotBeModified(elementId);
  if ('deletion' in operation) return notFound(`No process instance found for id '${elementId}'`);
  if ('jobRetries' in operation) return noJobFound(elementId);
  if ('externalTaskRetries' in operation) return noExternalTaskFound(elementId);
  return undefined;
}

/**
 * The batch's operation on one element of a loaded, running instance: the instance id itself, or
 * for job retries one of its jobs. Returns the state unchanged where nothing is to do (an ended
 * instance the operation passes by, an instance already in the requested suspension state).
 */
export function applyOperation(operation: BatchOperation, elementId: string, state: ProcessInstanceState, model: ProcessModel, env: EngineEnvironment): OperationResult | ProcessInstanceState {
  // A validation batch applies its modification as a modification batch does (its execution writes nothing).
  const modification = isModification(operation) ? operation : 'validation' in operation ? operation.validation : undefined;
  if (modification) {
    if (state.definitionId !== modification.processDefinitionId) throw definitionMismatch(elementId, state.definitionId, modification.processDefinitionId);
    try {
      const { instructions, skipCustomListeners, skipIoMappings } = modification;
      return modifyProcessInstance(state, model, { instructions, skipCustomListeners, skipIoMappings }, env);
    } catch (error) {
      const message = (error as Error).message;
      throw new EngineError(error instanceof EngineError ? error.type : 'ProcessEngineException', message.includes(elementId) ? message : `${message} [process instance '${elementId}']`);
    }
  }
  if ('deletion' in operation) {
    const { skipCustomListeners, skipIoMappings, skipSubprocesses } = operation.deletion;
    return deleteProcessInstance(state, model, env, { skipCustomListeners, skipIoMappings, skipSubprocesses });
  }
  if ('jobRetries' in operation) {
    if (state.status !== 'ACTIVE' || !listJobs(state).some(({ job }) => job.id === elementId)) throw noJobFound(elementId);
    const { retries, dueDate, dueDateSet } = operation.jobRetries;
    const retried = setJobRetries(state, elementId, retries, env);
    return dueDateSet ? setJobDuedate(retried, elementId, dueDate, false) : retried;
  }
  if ('externalTaskRetries' in operation) {
    const { retries } = operation.externalTaskRetries;
    if (state.status !== 'ACTIVE' || !new TreeIndex(state.root).find((node) => node.externalTask?.id === elementId)) throw noExternalTaskFound(elementId);
    if (retries < 0) throw badUserRequest('The number of retries cannot be negative: retries is not greater than or equal to 0');
    return setExternalTaskRetries(state, elementId, retries, env);
  }
  if ('historyDeletion' in operation || 'restart' in operation) throw new Error('A history deletion or a restart changes no running instance');
  if (state.status !== 'ACTIVE') return state;
  if ('suspension' in operation) {
    return Boolean(state.suspended) === operation.suspension.suspended ? state : setInstanceSuspension(state, operation.suspension.suspended);
  }
  if ('variables' in operation) return modifyVariables(state, model, operation.variables, [], env);
  throw new Error('A batch operation without an effect on an instance');
}

/** Whether applying the operation may have made jobs of the instance due (they are then queued). */
export function mayMakeJobsDue(operation: BatchOperation): boolean {
  return ('suspension' in operation && !operation.suspension.suspended) || 'jobRetries' in operation;
}
