import type { Batch, BatchJob, InstanceRestart, JobRetriesChange } from '../batch/batch.ts';
import { badUserRequest, EngineError } from '../engine/errors.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { applyOperation, mayMakeJobsDue, missingElement, noExternalTaskFound, noJobFound } from './batch-operations.ts';
import { deleteInstanceHistory } from './history-deletion.ts';
import { restartPlanOf, startRestarted } from './restart.ts';
import { batchModificationLogActions } from './batch-operation-log.ts';
import { isTimerStartJob } from '../store/start-event-items.ts';
import { isSignalBroadcast } from '../store/signal-items.ts';
import { isCallHandOver } from '../store/hand-over-items.ts';
import { type ExecuteMessage, executeMessages, type JobReference, jobsOfMessage, type MonitorMessage } from '../queue/batch-messages.ts';
import type { QueuePublisher } from '../queue/publisher.ts';
import type { BatchRepository } from '../store/batch-repository.ts';
import { ConcurrentModificationError, isConditionalFailure } from '../store/errors.ts';
import type { EngineService, LoadedInstance } from './engine-service.ts';
import { currentCorrelationId, withCorrelationId } from '../observability/correlation.ts';
import { log } from '../observability/logger.ts';
import { isInfrastructureFailure } from '../aws/service-failure.ts';
import { count, METRIC } from '../observability/metrics.ts';
import { CONFLICT_RETRIES } from './conflict-retry.ts';

/** What an execution needs of a job: which instances, which of them are already done, and whether it failed before. */
type JobProgress = Pick<BatchJob, 'id' | 'processInstanceIds' | 'done'> & { retried?: boolean };

type Outcome = 'completed' | 'failed' | 'skipped';

/**
 * Jobs one run executes at the same time, whatever the number of records and jobs per record: the
 * concurrency of one execute Lambda (and of the benchmark's floor), as with one job per record.
 */
const JOBS_IN_PARALLEL = 10;

/** How long an element of a rate-limited batch may wait for its slot inside a run; a later slot sends its job again. */
const RATE_HORIZON_MS = 5_000;
/** SQS's longest message delay. */
const MAX_SQS_DELAY_SECONDS = 900;

export interface BatchExecutionDeps {
  engine: EngineService;
  repository: BatchRepository;
  publisher: QueuePublisher;
  queues: { execute: string; monitor: string };
}

/**
 * One run of execution messages (one execute-Lambda invocation: up to ten records of up to ten
 * jobs, ten jobs at a time). Per job it costs one instance read and one transaction: the batch is
 * read once per run (its configuration never changes; suspension is seen from the next run on, as
 * Camunda's job executor still runs jobs it acquired before a suspension), a single-instance job's
 * ids come with the message, and the job's own state is checked by the transaction's condition
 * instead of a read.
 * After the records, `finish` counts the run's completed jobs on the batch (one write), which also
 * sets its executionStartTime, and triggers the monitor when the count reaches totalJobs.
 */
export class BatchExecutionRun {
  private readonly batches = new Map<string, Promise<Batch | undefined>>();
  /** Batches with jobs completed in this run → how many, and when the first of them completed. */
  private readonly completed = new Map<string, { count: number; first: number; correlationId: string | undefined }>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: BatchExecutionDeps) {}

  /**
   * Runs the jobs of one execute message, sharing the run's limit of JOBS_IN_PARALLEL jobs at a time.
   * A job that cannot even record its failure fails the record (SQS delivers it again; the jobs it
   * already completed are then skipped by their transactions' conditions).
   */
  async execute(message: ExecuteMessage): Promise<Outcome[]> {
    const outcomes = await Promise.allSettled(jobsOfMessage(message).map((job) => this.limited(() => this.executeJob(message.batchId, job))));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Outcome>).value);
  }

  /** Runs one execution job; failures are recorded on the job and retried at once while retries remain. */
  private async executeJob(batchId: string, reference: JobReference): Promise<Outcome> {
    const batch = await this.batch(batchId);
    if (!batch || batch.suspended) return 'skipped';
    let job = await this.jobOf(reference);
    if (!job) return 'skipped';
    // The element being worked on: a failure is reported as its.
    let current = job.processInstanceIds[0]!;
    try {
      // A job over several instances fails as a whole before anything is written (Camunda runs it
      // in one transaction): every remaining instance must exist and take the modification.
      if (job.processInstanceIds.length - job.done.length > 1 && !isValidation(batch)) {
        for (const id of job.processInstanceIds) {
          current = id;
          if (!job.done.includes(id)) await this.dryRun(batch, id);
        }
      }
      // A job sent back to wait holds the slot of its next element already.
      let held = reference.notBefore;
      for (const processInstanceId of job.processInstanceIds) {
        if (job.done.includes(processInstanceId)) continue;
        current = processInstanceId;
        if (batch.rateLimited && !(await this.awaitSlot(batch, job, held))) return 'skipped';
        held = undefined;
        const progressed = await this.applyToElement(batch, job, processInstanceId);
        if (!progressed) return 'skipped';
        job = { ...job, done: [...job.done, processInstanceId] };
      }
    } catch (error) {
      // Not the job's fault (throttled, unreachable store, an instance that kept changing, as Camunda's
      // OptimisticLockingException): the record fails and SQS delivers it again; the job keeps its retries.
      if (isInfrastructureFailure(error) || (error instanceof EngineError && error.type === 'OptimisticLockingException')) throw error;
      // A job that is gone or has no retries left has nothing to re-send. If the failure cannot even
      // be recorded, the record fails and SQS delivers it again.
      const message = (error as Error).message;
      const retries = await this.deps.repository.recordFailure(job.id, message);
      // A redelivery of a job another delivery completed fails on the state it left: no failure of the batch's.
      if (retries === undefined) return 'skipped';
      await this.deps.repository.outcomes.record({ batchId, elementId: current, outcome: 'failed', jobId: job.id, message, time: this.deps.engine.env.now(), retriesLeft: retries });
      count(METRIC.batchJobsFailed);
      log.warn('batch job failed', { batchId, jobId: job.id, retriesLeft: retries, error });
      if (retries > 0) await this.deps.publisher.send(this.deps.queues.execute, executeMessages(batchId, [job], true));
      return 'failed';
    }
    count(METRIC.batchJobsCompleted);
    const completed = this.completed.get(batch.id);
    if (completed) completed.count += 1;
    else this.completed.set(batch.id, { count: 1, first: this.deps.engine.env.now(), correlationId: currentCorrelationId() });
    return 'completed';
  }

  /**
   * A rate-limited batch's element waits for its slot (docs/api.md "Rate limit"): at once, after a
   * wait of at most RATE_HORIZON_MS within this run, or (false) the job is sent again to come back
   * when its turn nears, keeping the run well within its Lambda's time.
   */
  private async awaitSlot(batch: Batch, job: JobProgress, held: number | undefined): Promise<boolean> {
    const { engine, repository, publisher, queues } = this.deps;
    const { rateLimits } = repository;
    const claim = held !== undefined ? rateLimits.when(held, engine.env.now(), RATE_HORIZON_MS) : await rateLimits.claim(batch.id, () => engine.env.now(), RATE_HORIZON_MS);
    if (claim.go === 'after') await new Promise((resolve) => setTimeout(resolve, claim.waitMs));
    if (claim.go !== 'later') return true;
    // Back a little before the slot (it stays this job's), to wait the rest within a run.
    const delaySeconds = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(1, Math.floor((claim.slotAt - engine.env.now() - RATE_HORIZON_MS / 2) / 1000)));
    await publisher.send(queues.execute, executeMessages(batch.id, [job], job.retried, claim.slotAt), delaySeconds);
    return false;
  }

  /** Runs `work` once fewer than JOBS_IN_PARALLEL jobs of this run are running. */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.running >= JOBS_IN_PARALLEL) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /**
   * After the run's records, one write per batch: its completed jobs are counted and its
   * executionStartTime set (a failing job leaves it unset, as in Camunda). When the count reaches
   * totalJobs, the monitor is triggered at once; its delayed poll is the safety net.
   */
  async finish(): Promise<void> {
    await Promise.all(
      // Under the correlation id of the records that completed the jobs: the monitor message carries it on.
      [...this.completed].map(([batchId, { count: completions, first, correlationId }]) =>
        withCorrelationId(correlationId, async () => {
          const batch = await this.batch(batchId);
          const progress = batch && (await this.deps.repository.recordCompletions(batchId, completions, first));
          if (!batch || !progress) return;
          if (batch.executionStartTime === null) await this.deps.repository.syncHistoricExecutionStart(batchId, progress.executionStartTime);
          if (progress.jobsCompleted >= batch.totalJobs) {
            await this.deps.publisher.send(this.deps.queues.monitor, [{ batchId, once: true } satisfies MonitorMessage]);
          }
        }),
      ),
    );
  }

  private batch(id: string): Promise<Batch | undefined> {
    let batch = this.batches.get(id);
    if (!batch) {
      batch = this.deps.repository.get(id);
      this.batches.set(id, batch);
    }
    return batch;
  }

  /** A single-instance job from its message; otherwise the stored job (its `done` list matters), if it may run. */
  private async jobOf(reference: JobReference): Promise<JobProgress | undefined> {
    if (reference.processInstanceIds?.length === 1) return { id: reference.jobId, processInstanceIds: reference.processInstanceIds, done: [], retried: reference.retried === true };
    const job = await this.deps.repository.getJob(reference.jobId);
    return job && job.retries > 0 ? { ...job, retried: reference.retried === true || job.exceptionMessage !== null } : undefined;
  }

  /** Loads, checks and applies the batch's operation to an element in memory only, to fail a job before any write. */
  private async dryRun(batch: Batch, elementId: string): Promise<void> {
    const target = await this.targetOf(batch, elementId);
    if (target.kind === 'missing' && target.error && !skipsEnded(batch)) throw target.error;
    if (target.kind === 'history') await this.requireDeletableHistory(elementId);
    if (target.kind === 'restart') await this.restartPlan(batch, elementId);
    if (target.kind === 'instance') applyOperation(batch.configuration, elementId, target.loaded.stored.state, target.loaded.model, this.deps.engine.env);
  }

  /**
   * Where an element of the batch lives: its instance (for job retries, the instance of the job),
   * a timer start job (job retries only: it belongs to no instance), or nowhere (with the error
   * that fails the job, or none when the operation passes a missing instance by).
   */
  private async targetOf(batch: Batch, elementId: string): Promise<ElementTarget> {
    const { engine } = this.deps;
    let processInstanceId = elementId;
    const operation = batch.configuration;
    if ('historyDeletion' in operation) return { kind: 'history' };
    if ('restart' in operation) return { kind: 'restart' };
    if ('jobRetries' in operation) {
      const item = await engine.deps.items.getJob(elementId);
      if (item && isTimerStartJob(item)) return { kind: 'timerStartJob' };
      if (!item?.processInstanceId || isSignalBroadcast(item) || isCallHandOver(item)) return { kind: 'missing', error: noJobFound(elementId) };
      processInstanceId = item.processInstanceId as string;
    }
    if ('externalTaskRetries' in operation) {
      const item = await engine.deps.items.getExternalTask(elementId);
      if (!item?.processInstanceId) return { kind: 'missing', error: noExternalTaskFound(elementId) };
      processInstanceId = item.processInstanceId as string;
    }
    const loaded = await engine.load(processInstanceId);
    return loaded ? { kind: 'instance', loaded } : { kind: 'missing', error: missingElement(batch.configuration, elementId) };
  }

  /**
   * Applies the batch's operation to one element; the write and the job's progress are one
   * transaction. Returns false if another delivery already did it or the job may not run.
   */
  private async applyToElement(batch: Batch, job: JobProgress, elementId: string): Promise<boolean> {
    const { engine, repository } = this.deps;
    // The one conflict policy's number of retries (conflict-retry.ts); between attempts the job's own
    // state decides whether another delivery already did the work.
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const target = await this.targetOf(batch, elementId);
      // The job's progress over the element, and the clearing of the element's earlier failure: one write with the change.
      const progress = [repository.jobProgressAction(job, elementId), ...(job.retried ? [repository.outcomes.clearAction(batch.id, elementId)] : [])];
      try {
        if (isValidation(batch)) {
          // A dry run: the modification in memory only; an instance it cannot take is reported, never written.
          const invalid =
            target.kind === 'instance'
              ? refusalOf(() => applyOperation(batch.configuration, elementId, target.loaded.stored.state, target.loaded.model, engine.env))
              : target.kind === 'missing'
                ? target.error
                : undefined;
          await repository.recordProgress(invalid ? [progress[0]!, this.outcomeAction(batch, job, elementId, 'invalid', invalid)] : [progress[0]!]);
          return true;
        }
        if (target.kind === 'missing') {
          if (target.error && !skipsEnded(batch)) throw target.error;
          // Nothing to change: only the job's progress is written (and, when the batch skips ended instances, the skip).
          await repository.recordProgress(target.error ? [progress[0]!, this.outcomeAction(batch, job, elementId, 'skipped', target.error)] : progress);
          return true;
        }
        if (target.kind === 'timerStartJob') {
          await this.retryTimerStartJob(batch, progress, elementId);
          return true;
        }
        if (target.kind === 'history') {
          // Idempotent: a repeated delivery finds the history gone and only records the progress.
          if ((await deleteInstanceHistory(engine, elementId)) === 'running') throw stillRunning(elementId);
          await repository.recordProgress(progress);
          return true;
        }
        if (target.kind === 'restart') {
          // The new instance and the job's progress are one write: a repeated delivery starts nothing twice.
          const { definition, plan } = await this.restartPlan(batch, elementId);
          await startRestarted(engine, definition, plan, (batch.configuration as { restart: InstanceRestart }).restart, progress);
          count(METRIC.instancesModified);
          return true;
        }
        const { loaded } = target;
        const result = applyOperation(batch.configuration, elementId, loaded.stored.state, loaded.model, engine.env);
        await engine.saveResult(loaded.stored, result, loaded.model, [...progress, ...batchModificationLogActions(engine, batch, loaded.stored.state)]);
        count(METRIC.instancesModified);
        if (mayMakeJobsDue(batch.configuration)) await this.queueDueJobs('state' in result && 'events' in result ? result.state : result);
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError) && !isConditionalFailure(error)) throw error;
        count(METRIC.optimisticLockRetries);
        // Either the instance moved on (apply the operation again) or the job's condition failed (stop).
        const fresh = await repository.getJob(job.id);
        if (!fresh || fresh.retries <= 0 || fresh.done.includes(elementId)) return false;
        job = fresh;
      }
    }
    throw new EngineError('OptimisticLockingException', `The target '${elementId}' kept changing while batch job '${job.id}' ran`, 1);
  }

  /** What restarting an ended instance starts with; the definition or the instance not fit for it fails the job. */
  private async restartPlan(batch: Batch, historicInstanceId: string) {
    const options = (batch.configuration as { restart: InstanceRestart }).restart;
    const definition = await this.deps.engine.definition(options.processDefinitionId);
    if (!definition) throw badUserRequest('Process definition cannot be null is null');
    return { definition, plan: await restartPlanOf(this.deps.engine, definition, historicInstanceId, options) };
  }

  /** A historic instance whose process still runs fails the job before anything is deleted (one that is gone is passed by). */
  private async requireDeletableHistory(processInstanceId: string): Promise<void> {
    const item = await this.deps.engine.deps.items.getHistoricInstance(processInstanceId);
    if (item && (item.endTime === null || item.endTime === undefined)) throw stillRunning(processInstanceId);
  }

  /** An element passed by (its instance ended, `skipEndedInstances`) or found invalid (a validation batch): reported with the job's progress. */
  private outcomeAction(batch: Batch, job: JobProgress, elementId: string, outcome: 'skipped' | 'invalid', reason: Error): Record<string, unknown> {
    return this.deps.repository.outcomes.recordAction({ batchId: batch.id, elementId, outcome, jobId: job.id, message: reason.message, time: this.deps.engine.env.now(), retriesLeft: 0 });
  }

  /** Job retries on a timer start job: its item and the batch job's progress in one transaction. */
  private async retryTimerStartJob(batch: Batch, progress: readonly Record<string, unknown>[], jobId: string): Promise<void> {
    const { engine } = this.deps;
    const { retries, dueDate, dueDateSet } = (batch.configuration as { jobRetries: JobRetriesChange }).jobRetries;
    const { startEvents, layout } = engine.deps;
    const current = await startEvents.timerStartJob(jobId);
    if (!current) throw noJobFound(jobId);
    const next = { ...current, retries, ...(dueDateSet ? { dueDate: dueDate ?? engine.env.now() } : {}) };
    await startEvents.write([startEvents.timerStartJobAction(current, next, layout), ...progress]);
    // The sweeper queues a timer start job that became due.
    await this.queueDueJobs(undefined);
  }

  /** Jobs an activation or new retries made due are queued now; a lost send only waits for the sweeper. */
  private async queueDueJobs(state: ProcessInstanceState | undefined): Promise<void> {
    try {
      if (state) await this.deps.engine.queueDueJobsOf(state);
      else await this.deps.engine.sweepDueJobs();
    } catch (error) {
      log.warn('due jobs not queued; the sweeper will queue them', { processInstanceId: state?.id, error });
    }
  }
}

type ElementTarget = { kind: 'instance'; loaded: LoadedInstance } | { kind: 'timerStartJob' } | { kind: 'history' } | { kind: 'restart' } | { kind: 'missing'; error: Error | undefined };

/** DeleteHistoricProcessInstancesCmd's refusal of an instance that has not ended. */
const stillRunning = (processInstanceId: string) =>
  badUserRequest(`Process instance is still running, cannot delete historic process instance: HistoricProcessInstanceEntity[id=${processInstanceId}]: instance.getEndTime() is null`);

/** Whether a batch passes instances that ended by (an extension of modification batches). */
const skipsEnded = (batch: Batch) => 'instructions' in batch.configuration && batch.configuration.skipEndedInstances === true;

/** Whether a batch is a dry run of a modification (POST /modification/validate over many instances). */
const isValidation = (batch: Batch) => 'validation' in batch.configuration;

/** The error an in-memory run raises, if any. */
function refusalOf(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
