/**
 * The user operation log of operations on an instance's job or external task (Camunda's
 * logJobOperation, logExternalTaskOperation): its context and the property the operation set, its
 * value before and after.
 */
import type { ExternalTaskState, JobState, ProcessInstanceState } from '../engine/state.ts';
import { TreeIndex } from '../engine/tree-index.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import { listJobs } from '../engine/lookup.ts';
import { jobDefinitionId } from './job-definitions.ts';
import { CATEGORY, instanceContext, type LoggedUpdate, type PropertyChange } from './operation-log.ts';

function jobIn(state: ProcessInstanceState, jobId: string): ReturnType<typeof listJobs>[number] | undefined {
  return listJobs(state).find(({ job }) => job.id === jobId);
}

/**
 * An operation on one job; `changes` reads the job before and after (none: Camunda's EMPTY_CHANGE).
 * A job gone before the operation logs nothing.
 */
export function jobOperation(operationType: string, jobId: string, changes?: (before: JobState, after: JobState | undefined) => PropertyChange[]): LoggedUpdate {
  return (before, after) => {
    const found = jobIn(before, jobId);
    if (!found) return undefined;
    const { job, owner } = found;
    const context = {
      ...instanceContext(before),
      jobId,
      jobDefinitionId: jobDefinitionId(before.definitionId, job.activityId, job.kind),
      executionId: executionIdOf(owner, before.id),
    };
    return { operationType, entityType: 'Job', category: CATEGORY.operator, context, changes: changes?.(job, jobIn(after, jobId)?.job) };
  };
}

function externalTaskIn(state: ProcessInstanceState, externalTaskId: string) {
  if (state.status !== 'ACTIVE') return undefined;
  const owner = new TreeIndex(state.root).find((node) => node.externalTask?.id === externalTaskId);
  return owner ? { owner, task: owner.externalTask! } : undefined;
}

/** An operation on an external task (SetExternalTaskRetries, SetPriority, Unlock), like jobOperation. */
export function externalTaskOperation(operationType: string, externalTaskId: string, changes?: (before: ExternalTaskState, after: ExternalTaskState | undefined) => PropertyChange[]): LoggedUpdate {
  return (before, after) => {
    const found = externalTaskIn(before, externalTaskId);
    if (!found) return undefined;
    const context = { ...instanceContext(before), externalTaskId, executionId: executionIdOf(found.owner, before.id) };
    return { operationType, entityType: 'ExternalTask', category: CATEGORY.operator, context, changes: changes?.(found.task, externalTaskIn(after, externalTaskId)?.task) };
  };
}
