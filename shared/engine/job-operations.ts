/**
 * Changes to one job of an instance that do not run it (Camunda's ManagementService#setJobDuedate,
 * #recalculateJobDuedate, #setJobPriority).
 */
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { processEngineError } from './errors.ts';
import { findJob } from './lookup.ts';
import { cloneState, runOperation } from './operation.ts';
import type { JobState, ProcessInstanceState } from './state.ts';
import { scheduleTimer } from './timers.ts';
import { TreeIndex } from './tree-index.ts';

/** Camunda's job handler type of a job, as its messages name it. */
export function jobHandlerType(job: Pick<JobState, 'kind'>): string {
  return job.kind === 'timer' ? 'timer-transition' : 'async-continuation';
}

function onJob(state: ProcessInstanceState, jobId: string, change: (job: JobState) => void): ProcessInstanceState {
  const copy = cloneState(state);
  change(findJob(new TreeIndex(copy.root), jobId).job);
  return copy;
}

/**
 * PUT /job/{id}/duedate: a null due date makes the job due at once. With `cascade`, a timer cycle's
 * later runs move by as much as this one (Camunda's repeatOffset).
 */
export function setJobDuedate(state: ProcessInstanceState, jobId: string, dueDate: number | null, cascade: boolean): ProcessInstanceState {
  return onJob(state, jobId, (job) => {
    if (cascade && dueDate !== null && job.kind === 'timer' && job.dueDate !== undefined) {
      const offset = (job.repeatOffset ?? 0) + (dueDate - job.dueDate);
      if (offset === 0) delete job.repeatOffset;
      else job.repeatOffset = offset;
    }
    if (dueDate === null) delete job.dueDate;
    else job.dueDate = dueDate;
  });
}

/**
 * POST /job/{id}/duedate/recalculate: the timer's definition evaluated again, from the job's creation
 * (`creationDateBased`) or from now. A cycle keeps the runs it has left.
 */
export function recalculateJobDuedate(state: ProcessInstanceState, model: ProcessModel, jobId: string, creationDateBased: boolean, env: EngineEnvironment): ProcessInstanceState {
  const { job: found } = findJob(new TreeIndex(state.root), jobId);
  if (found.kind !== 'timer') throw processEngineError(`Only timer jobs can be recalculated, but the job with id '${jobId}' is of type '${jobHandlerType(found)}'.`);
  let dueDate = 0;
  runOperation(state, model, env, (runtime) => {
    const { owner, job } = findJob(runtime.tree, jobId);
    const definition = runtime.def(job.activityId);
    const timer = 'timer' in definition ? definition.timer : undefined;
    if (!timer) throw processEngineError(`No timer declaration found for job id '${jobId}'.`);
    const text = String(runtime.evaluate(timer.expression, owner));
    dueDate = scheduleTimer(timer.kind, text, creationDateBased ? job.created : env.now()).dueDate;
  });
  return onJob(state, jobId, (job) => {
    job.dueDate = dueDate + (job.repeatOffset ?? 0);
  });
}

/** PUT /job/{id}/priority. */
export function setJobPriority(state: ProcessInstanceState, jobId: string, priority: number): ProcessInstanceState {
  return onJob(state, jobId, (job) => {
    if (priority === 0) delete job.priority;
    else job.priority = priority;
  });
}
