/**
 * What Camunda's ExternalTaskService does to one external task besides the worker's own calls:
 * retries (with the incident they imply), priority, and a lock taken outside fetchAndLock.
 */
import type { EngineEnvironment } from './environment.ts';
import { badUserRequest } from './errors.ts';
import { findExternalTaskOwner } from './lookup.ts';
import { cloneState } from './operation.ts';
import { resolveIncidentsOf } from './operations.ts';
import type { ActivityInstanceState, ExternalTaskState, ProcessInstanceState } from './state.ts';
import { requireExternalTaskActive } from './suspension.ts';
import { TreeIndex } from './tree-index.ts';

function onExternalTask(state: ProcessInstanceState, externalTaskId: string, change: (owner: ActivityInstanceState, task: ExternalTaskState) => void): ProcessInstanceState {
  const copy = cloneState(state);
  const owner = findExternalTaskOwner(new TreeIndex(copy.root), externalTaskId);
  change(owner, owner.externalTask!);
  return copy;
}

/** Retries left: none set yet counts as some (Camunda's `retries == null || retries > 0`). */
const hasRetriesLeft = (task: ExternalTaskState) => task.retries === undefined || task.retries > 0;

/**
 * Sets the retries (ExternalTaskEntity#setRetriesAndManageIncidents): taking the last retries away
 * raises a failedExternalTask incident with the task's error message; giving retries back resolves it.
 */
export function setExternalTaskRetries(state: ProcessInstanceState, externalTaskId: string, retries: number, env: EngineEnvironment): ProcessInstanceState {
  return onExternalTask(state, externalTaskId, (owner, task) => {
    if (hasRetriesLeft(task) && retries <= 0) {
      if (!owner.incidents) owner.incidents = [];
      owner.incidents.push({ id: env.newId(), type: 'failedExternalTask', activityId: owner.activityId, message: task.errorMessage, configuration: task.id, created: env.now() });
    } else if (!hasRetriesLeft(task) && retries > 0) {
      resolveIncidentsOf(owner, task.id);
    }
    task.retries = retries;
  });
}

export function setExternalTaskPriority(state: ProcessInstanceState, externalTaskId: string, priority: number): ProcessInstanceState {
  return onExternalTask(state, externalTaskId, (_owner, task) => {
    task.priority = priority;
  });
}

/**
 * Locks the task for a worker (LockExternalTaskCmd): refused while another worker's lock runs; the
 * same worker, or anyone after the lock expired, takes it.
 */
export function lockExternalTaskFor(state: ProcessInstanceState, externalTaskId: string, workerId: string, lockDuration: number, env: EngineEnvironment): ProcessInstanceState {
  return onExternalTask(state, externalTaskId, (_owner, task) => {
    const heldByOther = task.workerId !== undefined && task.workerId !== workerId && task.lockExpiration !== undefined && env.now() <= task.lockExpiration;
    if (heldByOther) throw badUserRequest(`External Task ${externalTaskId} cannot be locked by worker '${workerId}'. It is locked by worker '${task.workerId}'.`);
    requireExternalTaskActive(state, externalTaskId);
    task.workerId = workerId;
    task.lockExpiration = env.now() + lockDuration;
  });
}

/** The error details a worker last reported for an external task of the state, if any. */
export function externalTaskErrorDetails(state: ProcessInstanceState, externalTaskId: string): string | undefined {
  return findExternalTaskOwner(new TreeIndex(state.root), externalTaskId).externalTask!.errorDetails;
}
