import type { AuthContext } from '../auth/auth-context.ts';
import type { Batch, BatchJob } from '../batch/batch.ts';
import { EngineError } from '../engine/errors.ts';
import * as operations from '../engine/operations.ts';
import { canSeeBatch, filterAllowed, mayInstanceItem, requireInstance, requireInstanceItem } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { invalidRequest, RequestError, ResourceNotFound } from './errors.ts';
import { jobDefinitionId } from './job-definitions.ts';
import { isTimerStartJob } from '../store/start-event-items.ts';
import { isSignalBroadcast } from '../store/signal-items.ts';
import { isCallHandOver } from '../store/hand-over-items.ts';
import { runTimerStartJob, setTimerStartJobRetries, updateTimerStartJob } from '../service/timer-start-jobs.ts';
import * as jobOperations from '../engine/job-operations.ts';
import { scheduleTimerStart } from '../engine/start-events.ts';
import type { JobState, ProcessInstanceState } from '../engine/state.ts';
import { jobOperation } from './job-operation-log.ts';
import { type LoggedUpdate, loggedWithInstance, type PropertyChange } from './operation-log.ts';
import type { ProcessModel, StartEventNode } from '../bpmn/model.ts';
import type { TimerStartJobRecord } from '../store/start-event-items.ts';
import { callerOf, retryHandOver } from '../service/call-hand-over.ts';
import type { QueryItem } from './read-models.ts';

/**
 * Jobs (Camunda's ManagementService): the async continuations, timers and failed jobs of instances,
 * and the execution jobs of batches, which are jobs too (reference §4.5).
 */

/** A job as the caller sees it: an instance's job (its query item) or a batch execution job. */
export type JobView = { kind: 'instance'; item: QueryItem } | { kind: 'batch'; job: BatchJob; batch: Batch | undefined };

export interface JobQuery {
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  jobDefinitionId?: string;
  withException?: boolean;
  noRetriesLeft?: boolean;
  executable?: boolean;
}

const noSuchJob = (id: string) => new ResourceNotFound(`Job with id ${id} does not exist`);

/** The execution jobs of the batch with this job definition; undefined when no batch has it. */
async function batchJobsOf(app: AppContext, caller: AuthContext, query: JobQuery & { jobDefinitionId: string }): Promise<JobView[] | undefined> {
  const batch = (await app.batches.repository.list()).find((b) => b.batchJobDefinitionId === query.jobDefinitionId);
  if (!batch) return undefined;
  if (!(await canSeeBatch(caller, batch))) return [];
  return (await app.batches.repository.jobs(batch.id))
    .filter((job) => (!query.withException || job.exceptionMessage) && (!query.noRetriesLeft || job.retries === 0))
    .map((job) => ({ kind: 'batch', job, batch }));
}

/** Jobs of instances the caller may read, or of a batch they may read when its job definition is asked for. */
export const queryJobs: UseCase<JobQuery, JobView[]> = async (app, caller, query) => {
  const batchJobs = query.jobDefinitionId ? await batchJobsOf(app, caller, { ...query, jobDefinitionId: query.jobDefinitionId }) : undefined;
  if (batchJobs) return batchJobs;
  const items = app.engine.deps.items;
  const pi = query.processInstanceId;
  // Signal broadcasts wait in the jobs index but are the engine's hand-over, not jobs a client sees.
  const jobItems = (pi ? await items.jobsOfInstance(pi) : await items.jobs()).filter((item) => !isSignalBroadcast(item) && !isCallHandOver(item));
  const readable = await filterAllowed(jobItems, (item) => mayInstanceItem(caller, item, 'READ'));
  const now = app.engine.env.now();
  return readable
    .filter(
      (item) =>
        (!query.processDefinitionId || item.processDefinitionId === query.processDefinitionId) &&
        (!query.processDefinitionKey || item.processDefinitionKey === query.processDefinitionKey) &&
        (!query.jobDefinitionId || jobDefinitionId(item.processDefinitionId as string, item.activityId as string, item.jobKind as string) === query.jobDefinitionId) &&
        (!query.withException || item.exceptionMessage) &&
        (!query.noRetriesLeft || item.retries === 0) &&
        (!query.executable || ((item.retries as number) > 0 && ((item.dueDate as number | null) ?? 0) <= now)),
    )
    .map((item) => ({ kind: 'instance', item }));
};

export const countJobs: UseCase<JobQuery, number> = async (app, caller, query) => (await queryJobs(app, caller, query)).length;

/** A batch execution job the caller may see (Batch READ); one of an unreadable batch is reported as missing. */
async function batchJob(app: AppContext, caller: AuthContext, jobId: string): Promise<BatchJob | undefined> {
  const job = await app.batches.repository.getJob(jobId);
  if (!job) return undefined;
  const batch = await app.batches.repository.get(job.batchId);
  if (batch && !(await canSeeBatch(caller, batch))) throw noSuchJob(jobId);
  return job;
}

/** An instance's job whose instance the caller may read. */
async function instanceJob(app: AppContext, caller: AuthContext, jobId: string): Promise<QueryItem> {
  const item = await app.engine.deps.items.getJob(jobId);
  if (!item || isSignalBroadcast(item) || isCallHandOver(item) || !(await mayInstanceItem(caller, item, 'READ'))) throw noSuchJob(jobId);
  return item;
}

const requireBatchUpdate = (caller: AuthContext, job: BatchJob) => caller.require({ permission: 'UPDATE', resource: 'Batch', resourceId: job.batchId });

export const getJob: UseCase<{ jobId: string }, JobView> = async (app, caller, { jobId }) => {
  const job = await batchJob(app, caller, jobId);
  if (job) return { kind: 'batch', job, batch: await app.batches.repository.get(job.batchId) };
  return { kind: 'instance', item: await instanceJob(app, caller, jobId) };
};

/** Deletes a batch execution job (Batch UPDATE); instances' jobs cannot be deleted. */
export const deleteJob: UseCase<{ jobId: string }, void> = async (app, caller, { jobId }) => {
  const job = await batchJob(app, caller, jobId);
  if (!job) throw noSuchJob(jobId);
  await requireBatchUpdate(caller, job);
  await app.batches.deleteJob(job);
};

/** Runs an instance's job now (instance UPDATE); its failure is the answer. */
export const executeJob: UseCase<{ jobId: string }, void> = async (app, caller, { jobId }) => {
  const item = await instanceJob(app, caller, jobId);
  await requireInstanceItem(caller, item, 'UPDATE');
  if (isTimerStartJob(item)) {
    const outcome = await runTimerStartJob(app.engine, jobId, { onRequest: true });
    if (outcome === 'skipped') throw noSuchJob(jobId);
    if (typeof outcome !== 'string') throw outcome.failure instanceof EngineError ? outcome.failure : new EngineError('ProcessEngineException', outcome.failure.message);
    return;
  }
  let failure: Error | undefined;
  await app.engine.update(
    item.processInstanceId as string,
    (state, model) => {
      // A job of a suspended instance cannot run; Camunda's resource answers every engine failure of an execution with 404.
      if (state.suspended) throw new RequestError(404, `ENGINE-03043 Execution with id '${item.executionId as string}' is suspended.`);
      const result = operations.executeJob(state, model, jobId, app.engine.env);
      failure = result.failure;
      return result;
    },
    () => noSuchJob(jobId),
    // Camunda's Execute entry is rolled back with a run that failed.
    loggedWithInstance(app, caller, (before, after) => (failure ? undefined : jobOperation('Execute', jobId)(before, after))),
  );
  if (failure) throw failure instanceof EngineError ? failure : new EngineError('ProcessEngineException', failure.message);
};

/**
 * A call hand-over that ran out of retries shows as an incident on the caller whose configuration is
 * the hand-over's id: setting its retries (UPDATE on that instance) resolves the incident and runs
 * it again. False when the id is not a hand-over's.
 */
async function retryFailedHandOver(app: AppContext, caller: AuthContext, jobId: string, retries: number): Promise<boolean> {
  const stored = await app.engine.deps.handOvers.get(jobId);
  if (!stored) return false;
  const owner = await app.engine.summary(callerOf(stored.record)?.processInstanceId ?? stored.record.calledInstanceId);
  const definition = owner && (await app.engine.definition(owner.definitionId));
  if (!owner || !definition) throw noSuchJob(jobId);
  await requireInstance(caller, { id: owner.id, definitionKey: definition.key, tenantId: owner.tenantId ?? undefined }, 'UPDATE');
  if (retries < 0) throw new EngineError('BadUserRequestException', `The number of job retries must be a non-negative Integer, but '${retries}' has been provided.`);
  return retryHandOver(app.engine, jobId, retries);
}

/** Sets a job's retries: Batch UPDATE for a batch job, instance UPDATE otherwise (then due jobs are queued). */
export const setJobRetries: UseCase<{ jobId: string; retries: number }, void> = async (app, caller, { jobId, retries }) => {
  const job = await batchJob(app, caller, jobId);
  if (job) {
    await requireBatchUpdate(caller, job);
    await app.batches.setJobRetries(job, retries);
    return;
  }
  if (await retryFailedHandOver(app, caller, jobId, retries)) return;
  const item = await instanceJob(app, caller, jobId);
  await requireInstanceItem(caller, item, 'UPDATE');
  if (isTimerStartJob(item)) {
    if (retries < 0) throw new EngineError('BadUserRequestException', `The number of job retries must be a non-negative Integer, but '${retries}' has been provided.`);
    if (!(await setTimerStartJobRetries(app.engine, jobId, retries))) throw noSuchJob(jobId);
    await app.engine.sweepDueJobs();
    return;
  }
  await app.engine.update(
    item.processInstanceId as string,
    (state) => operations.setJobRetries(state, jobId, retries, app.engine.env),
    () => noSuchJob(jobId),
    loggedWithInstance(
      app,
      caller,
      jobOperation('SetJobRetries', jobId, (job) => [{ property: 'retries', orgValue: job.retries, newValue: retries }]),
    ),
  );
  await app.engine.sweepDueJobs();
};

/**
 * GET /job/{id}/stacktrace: Camunda's stack trace of the last failure; here its message, the whole
 * of what a failure records. Undefined for a job that never failed.
 */
export const jobStacktrace: UseCase<{ jobId: string }, string | undefined> = async (app, caller, { jobId }) => {
  const view = await getJob(app, caller, { jobId }).catch((error: unknown) => {
    throw error instanceof ResourceNotFound ? new ResourceNotFound(`No job found with id ${jobId}: job is null`) : error;
  });
  const message = view.kind === 'batch' ? view.job.exceptionMessage : (view.item.exceptionMessage as string | null);
  return message || undefined;
};

/** A job's due date, due date recalculation or priority: instance jobs and timer start jobs; a batch's jobs are run by its batch. */
async function changeJob(
  app: AppContext,
  caller: AuthContext,
  jobId: string,
  missing: () => Error,
  change: {
    instance: (state: ProcessInstanceState, model: ProcessModel) => ProcessInstanceState;
    timerStart: (job: TimerStartJobRecord) => Promise<TimerStartJobRecord>;
    dueDateChanged: boolean;
    logged: LoggedUpdate;
  },
): Promise<void> {
  const batchJob = await app.batches.repository.getJob(jobId);
  if (batchJob) {
    const batch = await app.batches.repository.get(batchJob.batchId);
    if (batch && !(await canSeeBatch(caller, batch))) throw missing();
    throw invalidRequest(`Job ${jobId} is a batch execution job: its batch schedules it`);
  }
  const item = await app.engine.deps.items.getJob(jobId);
  if (!item || isSignalBroadcast(item) || isCallHandOver(item) || !(await mayInstanceItem(caller, item, 'READ'))) throw missing();
  await requireInstanceItem(caller, item, 'UPDATE');
  if (isTimerStartJob(item)) {
    if (!(await updateTimerStartJob(app.engine, jobId, change.timerStart))) throw missing();
    // The sweeper queues a timer start job that became due.
    if (change.dueDateChanged) await app.engine.sweepDueJobs();
    return;
  }
  const state = await app.engine.update(item.processInstanceId as string, (current, model) => change.instance(current, model), missing, loggedWithInstance(app, caller, change.logged));
  if (change.dueDateChanged) await app.engine.queueDueJobsOf(state);
}

const dueDateChange = (before: JobState, after: JobState | undefined): PropertyChange[] => [{ property: 'duedate', orgValue: before.dueDate, newValue: after?.dueDate }];

/** PUT /job/{id}/duedate: UPDATE on the instance or UPDATE_INSTANCE on its definition. */
export const setJobDuedate: UseCase<{ jobId: string; dueDate: number | null; cascade: boolean }, void> = async (app, caller, { jobId, dueDate, cascade }) => {
  await changeJob(app, caller, jobId, () => new RequestError(500, `No job found with id '${jobId}'.`), {
    instance: (state) => jobOperations.setJobDuedate(state, jobId, dueDate, cascade),
    // A timer start job always has a due date: none means now.
    timerStart: async (job) => ({ ...job, dueDate: dueDate ?? app.engine.env.now() }),
    dueDateChanged: true,
    logged: jobOperation('SetDueDate', jobId, dueDateChange),
  });
};

/** POST /job/{id}/duedate/recalculate: timers only. */
export const recalculateJobDuedate: UseCase<{ jobId: string; creationDateBased: boolean }, void> = async (app, caller, { jobId, creationDateBased }) => {
  const base = (job: { created: number }) => (creationDateBased ? job.created : app.engine.env.now());
  await changeJob(app, caller, jobId, () => new ResourceNotFound(`No job found with id '${jobId}': job is null`), {
    instance: (state, model) => jobOperations.recalculateJobDuedate(state, model, jobId, creationDateBased, app.engine.env),
    timerStart: async (job) => {
      const definition = await app.engine.definition(job.processDefinitionId);
      if (!definition) throw new ResourceNotFound(`No job found with id '${jobId}': job is null`);
      const node = (await app.engine.model(definition)).nodes.get(job.activityId) as StartEventNode;
      return { ...job, dueDate: scheduleTimerStart(node, base(job)).dueDate };
    },
    dueDateChanged: true,
    logged: jobOperation('RecalculateDueDate', jobId, (before, after) => [...dueDateChange(before, after), { property: 'creationDateBased', newValue: creationDateBased }]),
  });
};

/** PUT /job/{id}/priority. */
export const setJobPriority: UseCase<{ jobId: string; priority: number }, void> = async (app, caller, { jobId, priority }) => {
  await changeJob(app, caller, jobId, () => new ResourceNotFound(`No job found with id '${jobId}': job is null`), {
    instance: (state) => jobOperations.setJobPriority(state, jobId, priority),
    timerStart: async (job) => ({ ...job, priority }),
    dueDateChanged: false,
    logged: jobOperation('SetPriority', jobId, (job) => [{ property: 'priority', orgValue: job.priority ?? 0, newValue: priority }]),
  });
};
