import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Batch, type BatchJob, type HistoricBatch, TARGET_CHUNK_SIZE, type TargetWindow, targetChunks } from '../batch/batch.ts';
import { allShards, type IndexLayout, shardKey } from './index-layout.ts';
import { IndexReader } from './index-reader.ts';
import { withoutKeys } from './paging.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { BatchOutcomeRepository } from './batch-outcomes.ts';
import { BatchRateLimiter } from './batch-rate-limit.ts';
import { isConditionalFailure, isTransactionConflict } from './errors.ts';

export const batchKeys = {
  batch: (id: string) => ({ pk: `BATCH#${id}`, sk: 'BATCH' }),
  historic: (id: string) => ({ pk: `HBATCH#${id}`, sk: 'HBATCH' }),
  job: (id: string) => ({ pk: `BJOB#${id}`, sk: 'BJOB' }),
  /** The n-th chunk of a batch's process instance ids (beside the batch item, same partition key). */
  targets: (batchId: string, n: number) => ({ pk: `BATCH#${batchId}`, sk: `TARGETS#${String(n).padStart(6, '0')}` }),
};

/** Instance-id chunks kept per container (40 KB each at most). */
const TARGET_CHUNKS_CACHED = 50;

/** Tries of a batch's completion count against a seed transaction holding the batch item. */
const COUNT_CONFLICT_ATTEMPTS = 5;

/** BatchWriteItem takes at most 25 items per request. */
const BATCH_WRITE_LIMIT = 25;

function strip<T>(item: Record<string, unknown>): T {
  const rest = withoutKeys<Record<string, unknown>>(item);
  // Times not yet reached are absent in the table (so if_not_exists can set them once); null outside.
  if (item.kind === 'batch' || item.kind === 'historicBatch') rest.executionStartTime ??= null;
  if (item.kind === 'historicBatch') rest.endTime ??= null;
  return rest as T;
}

/**
 * Batches, their execution jobs and historic batches. Counters that change under concurrency are
 * guarded (jobsCreated only moves forward from the value the seed read) or derived (statistics).
 */
export class BatchRepository {
  private readonly reader: IndexReader;
  /**
   * Instance-id chunks this container read. A chunk never changes once its batch is created, and
   * every seed run of a batch reads the chunk its jobs come from: 1,000 ids (40 KB) for each 100
   * jobs it creates, with the default batchJobsPerSeed.
   */
  private readonly targetChunks = new Map<string, string[]>();

  /** The batches' failure reports (shared/store/batch-outcomes.ts). */
  readonly outcomes: BatchOutcomeRepository;
  /** The batches' rate limits (shared/store/batch-rate-limit.ts). */
  readonly rateLimits: BatchRateLimiter;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
    this.outcomes = new BatchOutcomeRepository(doc, tableName);
    this.rateLimits = new BatchRateLimiter(doc, tableName);
  }

  batchItem(batch: Batch): Item {
    return {
      ...batchKeys.batch(batch.id),
      kind: 'batch',
      ...batch,
      executionStartTime: batch.executionStartTime ?? undefined,
      gsi1pk: shardKey('BATCH', batch.id, this.layout),
      gsi1sk: `${timeKey(batch.startTime)}#${batch.id}`,
    };
  }

  historicItem(historic: HistoricBatch): Item {
    return {
      ...batchKeys.historic(historic.id),
      kind: 'historicBatch',
      ...historic,
      executionStartTime: historic.executionStartTime ?? undefined,
      endTime: historic.endTime ?? undefined,
      gsi1pk: shardKey('HBATCH', historic.id, this.layout),
      gsi1sk: `${timeKey(historic.startTime)}#${historic.id}`,
    };
  }

  jobItem(job: BatchJob): Item {
    // Sharded: every execution run writes (and deletes) its jobs, so one batch's jobs must not share a partition.
    return { ...batchKeys.job(job.id), kind: 'batchJob', ...job, gsi2pk: shardKey(`BATCH#${job.batchId}`, job.id, this.layout), gsi2sk: `JOB#${String(job.index).padStart(10, '0')}` };
  }

  /**
   * Writes a new batch, its history and its instance ids (in chunks) with BatchWriteItem: the ids
   * are fresh UUIDs, so nothing needs a condition, and a batch of up to 23,000 instances is one
   * request, at half the write capacity and latency of a transaction. Items DynamoDB leaves
   * unprocessed (throttling) are retried; if they still cannot be written the caller rolls back.
   */
  async create(batch: Batch, historic: HistoricBatch, processInstanceIds: readonly string[], maxInstancesPerSecond?: number): Promise<void> {
    const items = [
      this.batchItem(batch),
      this.historicItem(historic),
      ...(maxInstancesPerSecond !== undefined ? [this.rateLimits.item(batch.id, maxInstancesPerSecond, batch.startTime)] : []),
      ...(batch.targetIds ? [] : targetChunks(processInstanceIds).map((ids, n) => ({ ...batchKeys.targets(batch.id, n), kind: 'batchTargets', ids }))),
    ];
    const requests = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) requests.push(this.batchWrite(batch.id, items.slice(i, i + BATCH_WRITE_LIMIT)));
    await Promise.all(requests);
  }

  private async batchWrite(batchId: string, items: Item[]): Promise<void> {
    let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`DynamoDB left ${pending.length} item(s) of batch '${batchId}' unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }

  /** The instance ids a seed run needs: from the batch itself, or from the given consecutive chunks. */
  async targets(batch: Pick<Batch, 'id' | 'targetIds'>, chunkNumbers: readonly number[]): Promise<TargetWindow> {
    if (batch.targetIds) return { offset: 0, ids: batch.targetIds };
    const batchId = batch.id;
    const chunks = await Promise.all(
      chunkNumbers.map(async (n) => {
        const key = batchKeys.targets(batchId, n);
        const cached = this.targetChunks.get(key.sk + key.pk);
        if (cached) return cached;
        const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        if (!item) throw new Error(`chunk ${n} of the instance ids of batch '${batchId}' is missing`);
        if (this.targetChunks.size >= TARGET_CHUNKS_CACHED) this.targetChunks.delete(this.targetChunks.keys().next().value!);
        this.targetChunks.set(key.sk + key.pk, item.ids as string[]);
        return item.ids as string[];
      }),
    );
    return { offset: (chunkNumbers[0] ?? 0) * TARGET_CHUNK_SIZE, ids: chunks.flat() };
  }

  async get(id: string): Promise<Batch | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: batchKeys.batch(id), ConsistentRead: true }));
    return item ? strip<Batch>(item) : undefined;
  }

  async getHistoric(id: string): Promise<HistoricBatch | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: batchKeys.historic(id) }));
    return item ? strip<HistoricBatch>(item) : undefined;
  }

  async list(): Promise<Batch[]> {
    return (await this.reader.all({ index: 'gsi1', partitions: allShards('BATCH', this.layout) })).map((i) => strip<Batch>(i));
  }

  async listHistoric(): Promise<HistoricBatch[]> {
    return (await this.reader.all({ index: 'gsi1', partitions: allShards('HBATCH', this.layout) })).map((i) => strip<HistoricBatch>(i));
  }

  async getJob(id: string): Promise<BatchJob | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: batchKeys.job(id), ConsistentRead: true }));
    return item ? strip<BatchJob>(item) : undefined;
  }

  async jobs(batchId: string): Promise<BatchJob[]> {
    return (await this.reader.all({ index: 'gsi2', partitions: allShards(`BATCH#${batchId}`, this.layout) })).map((i) => strip<BatchJob>(i));
  }

  /**
   * Stores a seed run's jobs and advances jobsCreated, only if no other run advanced it first.
   * Returns false when the chunk was already created (a redelivered seed message).
   */
  async createJobs(batch: Batch, jobs: BatchJob[], jobsCreated: number): Promise<boolean> {
    // DynamoDB allows 100 actions per transaction: the counter update plus up to 99 jobs each.
    // Every transaction advances jobsCreated exactly over the jobs it creates, so a redelivered seed
    // finds the counter moved and creates nothing twice.
    const chunk = 99;
    let current = batch.jobsCreated;
    let created = false;
    for (let i = 0; i < jobs.length; i += chunk) {
      const part = jobs.slice(i, i + chunk);
      const next = i + chunk >= jobs.length ? jobsCreated : current + part.length;
      const actions: Record<string, unknown>[] = [
        {
          Update: {
            TableName: this.tableName,
            Key: batchKeys.batch(batch.id),
            UpdateExpression: 'SET jobsCreated = :next',
            ConditionExpression: 'jobsCreated = :current',
            ExpressionAttributeValues: { ':next': next, ':current': current },
          },
        },
        ...part.map((job) => ({ Put: { TableName: this.tableName, Item: this.jobItem(job), ConditionExpression: 'attribute_not_exists(pk)' } })),
      ];
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: actions as never }));
        created = true;
      } catch (error) {
        if (isConditionalFailure(error)) return created;
        throw error;
      }
      current = next;
    }
    return created;
  }

  /**
   * The action that completes one instance of a job inside the instance's own transaction. Its
   * condition makes a redelivered or duplicated message a no-op (job gone or already past this
   * instance) and keeps a failed job (no retries left) from running until its retries are set.
   * The batch item itself is not part of it: every job would otherwise write that one item, and
   * DynamoDB cancels concurrent transactions on the same item (TransactionConflict).
   */
  jobProgressAction(job: Pick<BatchJob, 'id' | 'processInstanceIds' | 'done'>, processInstanceId: string): Record<string, unknown> {
    const last = job.processInstanceIds.filter((id) => !job.done.includes(id)).length === 1;
    const condition = {
      ConditionExpression: 'attribute_exists(pk) AND size(done) = :doneCount AND retries > :zero',
      ExpressionAttributeValues: { ':doneCount': job.done.length, ':zero': 0 },
    };
    return last
      ? { Delete: { TableName: this.tableName, Key: batchKeys.job(job.id), ...condition } }
      : {
          Update: {
            TableName: this.tableName,
            Key: batchKeys.job(job.id),
            UpdateExpression: 'SET done = list_append(done, :pi)',
            ...condition,
            ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':pi': [processInstanceId] },
          },
        };
  }

  /** The progress of a job over an element with nothing else to write (an instance the operation passes by), and what goes with it. */
  async recordProgress(actions: readonly Record<string, unknown>[]): Promise<void> {
    await this.doc.send(new TransactWriteCommand({ TransactItems: actions as never }));
  }

  /**
   * Records jobs completed by one execution run: adds them to the batch's `jobsCompleted` (a trigger
   * for the monitor, never a statistic) and sets its executionStartTime unless a job set it first.
   * One write per run, not per job. Returns both values as stored now; undefined if the batch is gone.
   */
  async recordCompletions(batchId: string, completed: number, firstCompletion: number): Promise<{ executionStartTime: number; jobsCompleted: number } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: batchKeys.batch(batchId),
            UpdateExpression: 'SET executionStartTime = if_not_exists(executionStartTime, :t) ADD jobsCompleted :n',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':t': firstCompletion, ':n': completed },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { executionStartTime: result.Attributes?.executionStartTime as number, jobsCompleted: result.Attributes?.jobsCompleted as number };
      } catch (error) {
        if (isConditionalFailure(error)) return undefined;
        // A seed transaction holds the batch item (its jobsCreated) for milliseconds; the SDK does not
        // retry that conflict, and failing here would fail the whole run's records. Not applied: safe to repeat.
        if (!isTransactionConflict(error) || attempt >= COUNT_CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }

  /** Copies the batch's executionStartTime to its history (one value for both, as Camunda sets them together). */
  async syncHistoricExecutionStart(batchId: string, executionStartTime: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKeys.historic(batchId),
          UpdateExpression: 'SET executionStartTime = if_not_exists(executionStartTime, :t)',
          // A history deleted meanwhile (DELETE /history/batch/{id}) is not brought back as a stub.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': executionStartTime },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** A job that already ran for no instance (e.g. all its instances are gone) is removed on its own. */
  async deleteJob(jobId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: batchKeys.job(jobId) }));
  }

  /** Records a failed attempt: retries down by one (never below 0), the message kept; returns the retries left. */
  async recordFailure(jobId: string, message: string): Promise<number | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKeys.job(jobId),
          UpdateExpression: 'SET retries = retries - :one, exceptionMessage = :message',
          ConditionExpression: 'attribute_exists(pk) AND retries > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':message': message },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return result.Attributes?.retries as number;
    } catch (error) {
      // The job is gone (done by another delivery, deleted) or already out of retries: nothing is left to retry or report.
      if (isConditionalFailure(error)) return undefined;
      throw error;
    }
  }

  async setJobRetries(jobId: string, retries: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: batchKeys.job(jobId),
        UpdateExpression: 'SET retries = :retries',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':retries': retries },
      }),
    );
  }

  /** Marks a running batch as rate limited (its executions claim slots from the next run on); false when it has ended meanwhile. */
  async markRateLimited(batchId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKeys.batch(batchId),
          UpdateExpression: 'SET rateLimited = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  async setSuspended(batchId: string, suspended: boolean): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: batchKeys.batch(batchId),
        UpdateExpression: 'SET suspended = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': suspended },
      }),
    );
  }

  /** Removes the runtime batch, its instance ids and its jobs; the historic batch gets its end time (or goes too, with cascade). */
  async remove(batch: Pick<Batch, 'id' | 'targetCount' | 'targetIds' | 'rateLimited'>, endTime: number, deleteHistory: boolean, knownJobs?: BatchJob[]): Promise<void> {
    const batchId = batch.id;
    const jobs = knownJobs ?? (await this.jobs(batchId));
    const actions: Record<string, unknown>[] = [{ Delete: { TableName: this.tableName, Key: batchKeys.batch(batchId) } }];
    if (batch.rateLimited) actions.push(this.rateLimits.deleteAction(batchId));
    const chunks = batch.targetIds ? 0 : Math.ceil(batch.targetCount / TARGET_CHUNK_SIZE);
    for (let n = 0; n < chunks; n++) actions.push({ Delete: { TableName: this.tableName, Key: batchKeys.targets(batchId, n) } });
    if (deleteHistory) actions.push({ Delete: { TableName: this.tableName, Key: batchKeys.historic(batchId) } });
    else {
      actions.push({
        Update: {
          TableName: this.tableName,
          Key: batchKeys.historic(batchId),
          UpdateExpression: 'SET endTime = :end',
          ExpressionAttributeValues: { ':end': endTime },
        },
      });
    }
    actions.push(...jobs.map((job) => ({ Delete: { TableName: this.tableName, Key: batchKeys.job(job.id) } })));
    for (let i = 0; i < actions.length; i += 100) {
      await this.doc.send(new TransactWriteCommand({ TransactItems: actions.slice(i, i + 100) as never }));
    }
  }

  async deleteHistoric(batchId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: batchKeys.historic(batchId), ConditionExpression: 'attribute_exists(pk)' }));
  }
}
