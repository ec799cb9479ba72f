/**
 * Suspension (Camunda's SuspensionState): a suspended instance does nothing until it is activated
 * again. Its jobs are suspended with it, and a job can be suspended on its own; the commands that
 * would move a suspended instance refuse with Camunda's ENGINE-03043.
 */
import { suspendedEntity } from './errors.ts';
import { executionIdOf } from './execution-facade.ts';
import { findJob, listJobs } from './lookup.ts';
import { cloneState } from './operation.ts';
import type { ActivityInstanceState, JobState, ProcessInstanceState } from './state.ts';
import { TreeIndex } from './tree-index.ts';

/** Suspends or activates an instance and every job it has (Camunda's cascade to its jobs). */
export function setInstanceSuspension(state: ProcessInstanceState, suspended: boolean): ProcessInstanceState {
  const copy = cloneState(state);
  if (suspended) copy.suspended = true;
  else delete copy.suspended;
  for (const { job } of listJobs(copy)) setSuspended(job, suspended);
  return copy;
}

/** PUT /job/{id}/suspended: one job. */
export function setJobSuspension(state: ProcessInstanceState, jobId: string, suspended: boolean): ProcessInstanceState {
  const copy = cloneState(state);
  setSuspended(findJob(new TreeIndex(copy.root), jobId).job, suspended);
  return copy;
}

function setSuspended(job: JobState, suspended: boolean): void {
  if (suspended) job.suspended = true;
  else delete job.suspended;
}

/** Whether a job may run: neither it nor its instance is suspended. */
export function jobRunnable(state: ProcessInstanceState, job: JobState): boolean {
  return !state.suspended && !job.suspended;
}

/** Task lifecycle commands (complete, claim, assign, delegate, resolve, identity links) on a suspended instance's task. */
export function requireTaskActive(state: ProcessInstanceState, taskId: string): void {
  if (state.suspended) throw suspendedEntity('task', taskId);
}

export function requireExternalTaskActive(state: ProcessInstanceState, externalTaskId: string): void {
  if (state.suspended) throw suspendedEntity('ExternalTask', externalTaskId);
}

/** What moves a token of a suspended instance (signal, message trigger, start instructions) names its execution. */
export function requireExecutionActive(state: ProcessInstanceState, node: ActivityInstanceState = state.root): void {
  if (state.suspended) throw suspendedEntity('Execution', executionIdOf(node, state.id));
}
