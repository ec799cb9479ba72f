import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Batch, BatchJob, HistoricBatch } from '../batch/batch.ts';
import { queryAllPages, withoutKeys } from './paging.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { isConditionalFailure } from './errors.ts';

export const batchKeys = {
  batch: (id: string) => ({ pk: `BATCH#${id}`, sk: 'BATCH' }),
  historic: (id: string) => ({ pk: `HBATCH#${id}`, sk: 'HBATCH' }),
  job: (id: string) => ({ pk: `BJOB#${id}`, sk: 'BJOB' }),
};

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
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  batchItem(batch: Batch): Item {
    return { ...batchKeys.batch(batch.id), kind: 'batch', ...batch, executionStartTime: batch.executionStartTime ?? undefined, gsi1pk: 'BATCH', gsi1sk: `${timeKey(batch.startTime)}#${batch.id}` };
  }

  historicItem(historic: HistoricBatch): Item {
    return { ...batchKeys.historic(historic.id), kind: 'historicBatch', ...historic, executionStartTime: historic.executionStartTime ?? undefined, endTime: historic.endTime ?? undefined, gsi1pk: 'HBATCH', gsi1sk: `${timeKey(historic.startTime)}#${historic.id}` };
  }

  jobItem(job: BatchJob): Item {
    return { ...batchKeys.job(job.id), kind: 'batchJob', ...job, gsi2pk: `BATCH#${job.batchId}`, gsi2sk: `JOB#${String(job.index).padStart(10, '0')}` };
  }

  async create(batch: Batch, historic: HistoricBatch): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: this.batchItem(batch), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.tableName, Item: this.historicItem(historic) } },
        ],
      }),
    );
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
    return (await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'BATCH' } })).map((i) => strip<Batch>(i));
  }

  async listHistoric(): Promise<HistoricBatch[]> {
    return (await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'HBATCH' } })).map((i) => strip<HistoricBatch>(i));
  }

  async getJob(id: string): Promise<BatchJob | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: batchKeys.job(id), ConsistentRead: true }));
    return item ? strip<BatchJob>(item) : undefined;
  }

  async jobs(batchId: string): Promise<BatchJob[]> {
    return (
      await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `BATCH#${batchId}` } })
    ).map((i) => strip<BatchJob>(i));
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

  /** Whether any execution job of the batch is left (one item read, whatever the batch size). */
  async hasJobs(batchId: string): Promise<boolean> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `BATCH#${batchId}` }, Limit: 1 }, 1);
    return items.length > 0;
  }

  /** The actions that complete one instance of a job inside the instance's own transaction. */
  jobProgressActions(job: BatchJob, processInstanceId: string, now: number): Record<string, unknown>[] {
    const last = job.processInstanceIds.filter((id) => !job.done.includes(id)).length === 1;
    const jobAction = last
      ? {
          Delete: {
            TableName: this.tableName,
            Key: batchKeys.job(job.id),
            ConditionExpression: 'attribute_exists(pk) AND size(done) = :doneCount',
            ExpressionAttributeValues: { ':doneCount': job.done.length },
          },
        }
      : {
          Update: {
            TableName: this.tableName,
            Key: batchKeys.job(job.id),
            UpdateExpression: 'SET done = list_append(done, :pi)',
            ConditionExpression: 'attribute_exists(pk) AND size(done) = :doneCount',
            ExpressionAttributeValues: { ':pi': [processInstanceId], ':doneCount': job.done.length },
          },
        };
    return [
      jobAction,
      {
        Update: {
          TableName: this.tableName,
          Key: batchKeys.batch(job.batchId),
          UpdateExpression: 'SET executionStartTime = if_not_exists(executionStartTime, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now },
        },
      },
    ];
  }

  /** A job that already ran for no instance (e.g. all its instances are gone) is removed on its own. */
  async deleteJob(jobId: string): Promise<void> {
    await this.doc.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: this.tableName, Key: batchKeys.job(jobId) } }] }));
  }

  /** Records a failed attempt: retries down by one (never below 0), the message kept. */
  async recordFailure(job: BatchJob, message: string): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: batchKeys.job(job.id),
        UpdateExpression: 'SET retries = retries - :one, exceptionMessage = :message',
        ConditionExpression: 'attribute_exists(pk) AND retries > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':message': message },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return result.Attributes?.retries as number;
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

  /** Removes the runtime batch and its jobs; the historic batch gets its end time (or goes too, with cascade). */
  async remove(batchId: string, endTime: number, deleteHistory: boolean): Promise<void> {
    const jobs = await this.jobs(batchId);
    const actions: Record<string, unknown>[] = [{ Delete: { TableName: this.tableName, Key: batchKeys.batch(batchId) } }];
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

  async syncHistoricExecutionStart(batchId: string, executionStartTime: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: batchKeys.historic(batchId),
        UpdateExpression: 'SET executionStartTime = if_not_exists(executionStartTime, :t)',
        ExpressionAttributeValues: { ':t': executionStartTime },
      }),
    );
  }

  async deleteHistoric(batchId: string): Promise<void> {
    await this.doc.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: this.tableName, Key: batchKeys.historic(batchId), ConditionExpression: 'attribute_exists(pk)' } }] }));
  }

  private query(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }
}
