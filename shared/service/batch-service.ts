import {
  type Batch,
  type BatchJob,
  type BatchSettings,
  createBatch,
  historicBatchOf,
  isBatchComplete,
  type InstanceOperationBatchConfiguration,
  type ModificationBatchConfiguration,
  planSeed,
  seedChunkNumbers,
} from '../batch/batch.ts';
import { processEngineError } from '../engine/errors.ts';
import { executeMessages, JOBS_PER_EXECUTE_MESSAGE, type MonitorMessage, type SeedMessage } from '../queue/batch-messages.ts';
import type { QueuePublisher } from '../queue/publisher.ts';
import type { BatchRepository } from '../store/batch-repository.ts';
import { BatchExecutionRun } from './batch-execution.ts';
import type { EngineService } from './engine-service.ts';

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

/** How long a first seed run waits for its batch to be written: longer than any API request lasts. */
const SEED_AWAIT_CREATION_SECONDS = 30;

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
   * Writes the batch (and its history) and sends the seed message, both at once: the seed run
   * waits for a batch it does not find yet (`awaitCreation`). If either fails, the batch is removed
   * again and the caller gets a 500: no batch is ever left without its driver.
   */
  async startBatch(input: {
    configuration: ModificationBatchConfiguration | InstanceOperationBatchConfiguration;
    tenantId: string | null;
    createUserId: string | null;
    singleInstance: boolean;
    /** An extension: at most this many elements applied per second (docs/api.md). */
    maxInstancesPerSecond?: number;
  }): Promise<Batch> {
    const env = this.engine.env;
    const created = createBatch({
      id: env.newId(),
      jobDefinitionIds: [env.newId(), env.newId(), env.newId()],
      configuration: input.configuration,
      tenantId: input.tenantId,
      createUserId: input.createUserId,
      now: env.now(),
      settings: this.settings,
      singleInstance: input.singleInstance,
    });
    const batch = input.maxInstancesPerSecond !== undefined ? { ...created, rateLimited: true } : created;
    const [written, sent] = await Promise.allSettled([
      this.repository.create(batch, historicBatchOf(batch), input.configuration.processInstanceIds, input.maxInstancesPerSecond),
      this.publisher.send(this.queues.seed, [{ batchId: batch.id, awaitCreation: SEED_AWAIT_CREATION_SECONDS } satisfies SeedMessage]),
    ]);
    const failure = [written, sent].find((result) => result.status === 'rejected');
    if (failure) {
      // A seed message that did go out finds no batch and gives up after its wait.
      await this.repository.remove(batch, env.now(), true);
      throw processEngineError(`Batch '${batch.id}' could not be started and was rolled back: ${(failure.reason as Error).message}`);
    }
    return batch;
  }

  /** The engine metrics its execution runs counted (instances modified, deleted, …), added to the store. */
  flushMetrics(): Promise<void> {
    return this.engine.flushMetrics();
  }

  /** One seed run: the next chunk of jobs, their messages, then the next seed or the monitor. */
  async seed(message: SeedMessage): Promise<void> {
    const batch = await this.repository.get(message.batchId);
    if (!batch) {
      // The API sends the first seed while it writes the batch; look again a little later.
      const wait = message.awaitCreation ?? 0;
      if (wait > 0) await this.publisher.send(this.queues.seed, [{ batchId: message.batchId, awaitCreation: wait - 1 } satisfies SeedMessage], 1);
      return;
    }
    if (batch.suspended) return;
    if (batch.jobsCreated < batch.totalJobs) {
      const targets = await this.repository.targets(batch, seedChunkNumbers(batch));
      const plan = planSeed(batch, targets, this.engine.env.now(), this.settings.defaultRetries);
      await this.repository.createJobs(batch, plan.jobs, plan.jobsCreated);
      // Sent even when a redelivered seed found the chunk created: execution is idempotent.
      const pacing = batch.rateLimited ? await this.repository.rateLimits.pacing(batch.id, this.engine.env.now()) : undefined;
      if (!pacing) await this.publisher.send(this.queues.execute, executeMessages(batch.id, plan.jobs));
      else await this.sendPaced(batch, plan.jobs, pacing);
      if (plan.more) {
        // A rate-limited batch's next chunk is created when this one's turn nears, not at once.
        const chunkMs = pacing ? pacing.nextSlotInMs + plan.jobs.length * batch.invocationsPerBatchJob * pacing.intervalMs : 0;
        await this.publisher.send(this.queues.seed, [{ batchId: batch.id } satisfies SeedMessage], pacedDelaySeconds(chunkMs - SEED_LEAD_MS));
        return;
      }
    }
    // The monitor's polling chain starts here, once seeding is done.
    await this.publisher.send(this.queues.monitor, [{ batchId: batch.id } satisfies MonitorMessage]);
  }

  /**
   * The execute messages of a rate-limited batch's new jobs, each delayed until its jobs' slots near
   * (the executions still claim each slot: the delays only spare them coming too early).
   */
  private async sendPaced(batch: Batch, jobs: BatchJob[], pacing: { intervalMs: number; nextSlotInMs: number }): Promise<void> {
    for (let i = 0; i < jobs.length; i += JOBS_PER_EXECUTE_MESSAGE) {
      const firstSlotMs = pacing.nextSlotInMs + i * batch.invocationsPerBatchJob * pacing.intervalMs;
      await this.publisher.send(this.queues.execute, executeMessages(batch.id, jobs.slice(i, i + JOBS_PER_EXECUTE_MESSAGE)), pacedDelaySeconds(firstSlotMs));
    }
  }

  /** A run of execution messages (one execute-Lambda invocation): see BatchExecutionRun. */
  executionRun(): BatchExecutionRun {
    return new BatchExecutionRun({ engine: this.engine, repository: this.repository, publisher: this.publisher, queues: this.queues });
  }

  /**
   * Polls a batch (or checks it once). While its jobsCompleted count moves, a poll costs one read:
   * the last execution run triggers the completion itself. A one-off check, or a poll after a whole
   * batchPollTime without a completed job, lists the jobs: it completes the batch when none is left,
   * and otherwise (polls only) re-drives the work, in case a message was lost or dead-lettered.
   */
  async monitor(message: MonitorMessage): Promise<'completed' | 'waiting' | 'gone'> {
    const batch = await this.repository.get(message.batchId);
    if (!batch) return 'gone';
    const jobsCompleted = batch.jobsCompleted ?? 0;
    const progressed = message.jobsCompleted === undefined || message.jobsCompleted !== jobsCompleted;
    if (message.once || !progressed) {
      const jobs = await this.repository.jobs(batch.id);
      if (isBatchComplete(batch, jobs.length)) {
        await this.repository.remove(batch, this.engine.env.now(), false, jobs);
        return 'completed';
      }
      if (message.once) return 'waiting';
      // A rate-limited batch's jobs wait for their slots on delayed messages: sent again, each would claim another.
      if (!batch.suspended) await this.redrive(batch, jobs, false, !batch.rateLimited);
    }
    await this.publisher.send(this.queues.monitor, [{ batchId: batch.id, jobsCompleted } satisfies MonitorMessage], Math.min(MAX_DELAY_SECONDS, this.settings.batchPollTimeSeconds));
    return 'waiting';
  }

  /** Re-sends what drives an unfinished batch: the seed if jobs are missing, executions with retries left. */
  async redrive(batch: Batch, jobs?: BatchJob[], includeMonitor = true, includeExecutions = true): Promise<void> {
    const pending = includeExecutions ? (jobs ?? (await this.repository.jobs(batch.id))).filter((job) => job.retries > 0) : [];
    if (batch.jobsCreated < batch.totalJobs) await this.publisher.send(this.queues.seed, [{ batchId: batch.id } satisfies SeedMessage]);
    if (pending.length > 0) await this.publisher.send(this.queues.execute, executeMessages(batch.id, pending));
    if (includeMonitor) await this.publisher.send(this.queues.monitor, [{ batchId: batch.id, once: true } satisfies MonitorMessage]);
  }

  async setSuspended(batchId: string, suspended: boolean): Promise<void> {
    await this.repository.setSuspended(batchId, suspended);
    const batch = await this.repository.get(batchId);
    if (batch && !suspended) await this.redrive(batch);
  }

  /** `PUT /job/{id}/retries` on a batch job: new retries and, when positive, an immediate run. */
  async setJobRetries(job: BatchJob, retries: number): Promise<void> {
    await this.repository.setJobRetries(job.id, retries);
    if (retries > 0) await this.publisher.send(this.queues.execute, executeMessages(job.batchId, [job]));
  }

  async deleteJob(job: BatchJob): Promise<void> {
    await this.repository.deleteJob(job.id);
    const batch = await this.repository.get(job.batchId);
    if (batch) await this.publisher.send(this.queues.monitor, [{ batchId: batch.id, once: true } satisfies MonitorMessage]);
  }
}

/** How long before a rate-limited chunk's turn its seed creates the next chunk. */
const SEED_LEAD_MS = 10_000;

/** An SQS delay for something due in `ms` (SQS delays at most 15 minutes). */
function pacedDelaySeconds(ms: number): number {
  return Math.min(900, Math.max(0, Math.floor(ms / 1000)));
}
