import { type Batch, type BatchJob, type BatchSettings, createBatch, historicBatchOf, isBatchComplete, type ModificationBatchConfiguration, planSeed } from '../batch/batch.ts';
import { EngineError, processEngineError } from '../engine/errors.ts';
import { definitionMismatch, instanceCannotBeModified, modifyProcessInstance } from '../engine/modification/modify.ts';
import type { ExecuteMessage, MonitorMessage, SeedMessage } from '../queue/batch-messages.ts';
import type { QueuePublisher } from '../queue/publisher.ts';
import type { BatchRepository } from '../store/batch-repository.ts';
import { ConcurrentModificationError } from '../store/errors.ts';
import type { EngineService, LoadedInstance } from './engine-service.ts';

export interface BatchQueues {
  seed: string;
  execute: string;
  monitor: string;
}

export interface BatchServiceSettings extends BatchSettings {
  /** Seconds between monitor runs while a batch is unfinished (Camunda's batchPollTime). */
  batchPollTimeSeconds: number;
  defaultRetries: number;
}

/** SQS delays are capped at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/**
 * The batch machinery of reference §4 on SQS: creation writes the batch and sends a seed message;
 * seed runs create execution jobs (deterministic ids) and queue them; each execution applies the
 * modification to its instances with the job's progress in the same transaction (exactly once);
 * the monitor completes the batch when no job is left and otherwise re-drives and re-polls.
 */
export class BatchService {
  constructor(
    private readonly engine: EngineService,
    readonly repository: BatchRepository,
    private readonly publisher: QueuePublisher,
    private readonly queues: BatchQueues,
    readonly settings: BatchServiceSettings,
  ) {}

  /**
   * Writes the batch (and its history) and sends the seed message. If the message cannot be sent,
   * the batch is removed again and the caller gets a 500: no batch is ever left without its driver.
   */
  async createModificationBatch(input: { configuration: ModificationBatchConfiguration; tenantId: string | null; createUserId: string | null; singleInstance: boolean }): Promise<Batch> {
    const env = this.engine.env;
    const batch = createBatch({
      id: env.newId(),
      jobDefinitionIds: [env.newId(), env.newId(), env.newId()],
      configuration: input.configuration,
      tenantId: input.tenantId,
      createUserId: input.createUserId,
      now: env.now(),
      settings: this.settings,
      singleInstance: input.singleInstance,
    });
    await this.repository.create(batch, historicBatchOf(batch));
    try {
      await this.publisher.send(this.queues.seed, [{ batchId: batch.id } satisfies SeedMessage]);
    } catch (error) {
      await this.repository.remove(batch.id, env.now(), true);
      throw processEngineError(`Batch '${batch.id}' could not be started and was rolled back: ${(error as Error).message}`);
    }
    return batch;
  }

  /** One seed run: the next chunk of jobs, their messages, then the next seed or the monitor. */
  async seed(message: SeedMessage): Promise<void> {
    const batch = await this.repository.get(message.batchId);
    if (!batch || batch.suspended) return;
    if (batch.jobsCreated < batch.totalJobs) {
      const plan = planSeed(batch, this.engine.env.now(), this.settings.defaultRetries);
      await this.repository.createJobs(batch, plan.jobs, plan.jobsCreated);
      // Sent even when a redelivered seed found the chunk created: execution is idempotent.
      await this.publisher.send(this.queues.execute, plan.jobs.map((job) => ({ batchId: batch.id, jobId: job.id }) satisfies ExecuteMessage));
      if (plan.more) {
        await this.publisher.send(this.queues.seed, [{ batchId: batch.id } satisfies SeedMessage]);
        return;
      }
    }
    await this.publisher.send(this.queues.monitor, [{ batchId: batch.id } satisfies MonitorMessage]);
  }

  /** Runs one execution job; failures are recorded on the job and retried at once while retries remain. */
  async execute(message: ExecuteMessage): Promise<'completed' | 'failed' | 'skipped'> {
    const batch = await this.repository.get(message.batchId);
    let job = await this.repository.getJob(message.jobId);
    if (!batch || !job || batch.suspended || job.retries <= 0) return 'skipped';
    try {
      // A job over several instances fails as a whole before anything is written (Camunda runs it
      // in one transaction): every remaining instance must exist and take the modification.
      if (job.processInstanceIds.length - job.done.length > 1) {
        for (const id of job.processInstanceIds) if (!job.done.includes(id)) await this.dryRun(batch, id);
      }
      for (const processInstanceId of job.processInstanceIds) {
        if (job.done.includes(processInstanceId)) continue;
        const progressed = await this.applyToInstance(batch, job, processInstanceId);
        if (!progressed) return 'skipped';
        job = { ...job, done: [...job.done, processInstanceId] };
      }
    } catch (error) {
      const retries = await this.repository.recordFailure(job, (error as Error).message).catch(() => 0);
      if (retries > 0) await this.publisher.send(this.queues.execute, [message]);
      return 'failed';
    }
    if (batch.executionStartTime === null) {
      // History shows the batch's own value, whichever job set it.
      const started = (await this.repository.get(batch.id))?.executionStartTime;
      if (started !== null && started !== undefined) await this.repository.syncHistoricExecutionStart(batch.id, started);
    }
    // The last job triggers the monitor at once (it re-checks completion itself); while seeding is
    // still creating jobs the batch cannot be complete yet.
    if (batch.jobsCreated >= batch.totalJobs && !(await this.repository.hasJobs(batch.id))) {
      await this.publisher.send(this.queues.monitor, [{ batchId: batch.id } satisfies MonitorMessage]);
    }
    return 'completed';
  }

  /** Loads, checks and modifies an instance in memory only, to fail a job before any write. */
  private async dryRun(batch: Batch, processInstanceId: string): Promise<void> {
    const loaded = await this.engine.load(processInstanceId);
    if (!loaded) throw instanceCannotBeModified(processInstanceId);
    this.modifyLoaded(batch, processInstanceId, loaded);
  }

  /** The batch's modification of one loaded instance (ENGINE-13037 if it changed definition); errors name the instance. */
  private modifyLoaded(batch: Batch, processInstanceId: string, loaded: LoadedInstance) {
    const config = batch.configuration;
    const state = loaded.stored.state;
    if (state.definitionId !== config.processDefinitionId) {
      throw definitionMismatch(processInstanceId, state.definitionId, config.processDefinitionId);
    }
    try {
      return modifyProcessInstance(state, loaded.model, { instructions: config.instructions, skipCustomListeners: config.skipCustomListeners, skipIoMappings: config.skipIoMappings }, this.engine.env);
    } catch (error) {
      const message = (error as Error).message;
      throw new EngineError(error instanceof EngineError ? error.type : 'ProcessEngineException', message.includes(processInstanceId) ? message : `${message} [process instance '${processInstanceId}']`);
    }
  }

  /**
   * Applies the batch's instructions to one instance; the instance write, the job's progress and
   * the batch's executionStartTime are one transaction. Returns false if another delivery already did it.
   */
  private async applyToInstance(batch: Batch, job: BatchJob, processInstanceId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const loaded = await this.engine.load(processInstanceId);
      if (!loaded) throw instanceCannotBeModified(processInstanceId);
      const state = loaded.stored.state;
      const result = this.modifyLoaded(batch, processInstanceId, loaded);
      try {
        await this.engine.deps.instances.save(loaded.stored, result.state, loaded.model, this.repository.jobProgressActions(job, processInstanceId, this.engine.env.now()));
        await this.engine.dispatchNewJobs(state, result.state);
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        const fresh = await this.repository.getJob(job.id);
        if (!fresh || fresh.done.includes(processInstanceId)) return false;
        job = fresh;
      }
    }
    throw new EngineError('OptimisticLockingException', `Process instance '${processInstanceId}' kept changing while batch job '${job.id}' ran`, 1);
  }

  /** Completes the batch when nothing is left; otherwise re-drives its work and polls again later. */
  async monitor(message: MonitorMessage): Promise<'completed' | 'waiting' | 'gone'> {
    const batch = await this.repository.get(message.batchId);
    if (!batch) return 'gone';
    const jobs = await this.repository.jobs(batch.id);
    if (isBatchComplete(batch, jobs.length)) {
      await this.repository.remove(batch.id, this.engine.env.now(), false);
      return 'completed';
    }
    if (!batch.suspended) await this.redrive(batch, jobs, false);
    await this.publisher.send(this.queues.monitor, [message], Math.min(MAX_DELAY_SECONDS, this.settings.batchPollTimeSeconds));
    return 'waiting';
  }

  /** Re-sends what drives an unfinished batch: the seed if jobs are missing, executions with retries left. */
  async redrive(batch: Batch, jobs?: BatchJob[], includeMonitor = true): Promise<void> {
    const pending = (jobs ?? (await this.repository.jobs(batch.id))).filter((job) => job.retries > 0);
    if (batch.jobsCreated < batch.totalJobs) await this.publisher.send(this.queues.seed, [{ batchId: batch.id }]);
    if (pending.length > 0) await this.publisher.send(this.queues.execute, pending.map((job) => ({ batchId: batch.id, jobId: job.id })));
    if (includeMonitor) await this.publisher.send(this.queues.monitor, [{ batchId: batch.id }]);
  }

  async setSuspended(batchId: string, suspended: boolean): Promise<void> {
    await this.repository.setSuspended(batchId, suspended);
    const batch = await this.repository.get(batchId);
    if (batch && !suspended) await this.redrive(batch);
  }

  /** `PUT /job/{id}/retries` on a batch job: new retries and, when positive, an immediate run. */
  async setJobRetries(job: BatchJob, retries: number): Promise<void> {
    await this.repository.setJobRetries(job.id, retries);
    if (retries > 0) await this.publisher.send(this.queues.execute, [{ batchId: job.batchId, jobId: job.id }]);
  }

  async deleteJob(job: BatchJob): Promise<void> {
    await this.repository.deleteJob(job.id);
    const batch = await this.repository.get(job.batchId);
    if (batch) await this.publisher.send(this.queues.monitor, [{ batchId: batch.id }]);
  }
}
