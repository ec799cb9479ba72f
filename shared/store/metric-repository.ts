import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allShards, type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import { queryAllPages } from './paging.ts';

/** Counts are kept per minute: what a query's start and end dates can tell apart. */
export const METRIC_BUCKET_MS = 60_000;

/** One stored count: a metric's value in the minute starting at `timestamp`. */
export interface MetricCount {
  name: string;
  timestamp: number;
  value: number;
}

/**
 * Camunda's metrics (ACT_RU_METER_LOG) as counters: one item per metric, shard and minute, which
 * each flush of a container adds its counts to. The shard is chosen at random per flush, so many
 * containers counting the same metric at once spread over several partitions.
 */
export class MetricRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {}

  async add(counts: ReadonlyMap<string, number>, at: number): Promise<void> {
    const bucket = Math.floor(at / METRIC_BUCKET_MS) * METRIC_BUCKET_MS;
    // Any shard will do: every reader sums them all.
    const shard = Math.floor(Math.random() * this.layout.shards);
    await Promise.all(
      [...counts].map(([name, value]) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `METRIC#${name}@${shard}`, sk: timeKey(bucket) },
            UpdateExpression: 'ADD #value :value SET kind = :kind, #name = :name, #timestamp = :timestamp',
            ExpressionAttributeNames: { '#value': 'value', '#name': 'name', '#timestamp': 'timestamp' },
            ExpressionAttributeValues: { ':value': value, ':kind': 'metric', ':name': name, ':timestamp': bucket },
          }),
        ),
      ),
    );
  }

  /**
   * Camunda's task meter log: who became a task's assignee, per minute, as a hash (the metric
   * counts task workers, it does not name them). One item per worker and minute, so writing it
   * again changes nothing.
   */
  async addTaskWorkers(assignees: ReadonlySet<string>, at: number): Promise<void> {
    const bucket = Math.floor(at / METRIC_BUCKET_MS) * METRIC_BUCKET_MS;
    await Promise.all(
      [...assignees].map((assignee) => {
        const hash = createHash('sha256').update(assignee).digest('base64url');
        return this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: shardKey('TASKMETER', hash, this.layout), sk: `${timeKey(bucket)}#${hash}`, kind: 'taskMeter', timestamp: bucket, assigneeHash: hash },
          }),
        );
      }),
    );
  }

  /** How many task workers became assignees with `start <= time < end` (Camunda's unique-task-workers). */
  async uniqueTaskWorkers(start: number | undefined, end: number | undefined): Promise<number> {
    const hashes = new Set((await this.taskMeterItems(start, end)).map((item) => item.assigneeHash as string));
    return hashes.size;
  }

  /** DELETE /metrics/task-worker: the task meter log before `before` (all of it without). */
  async deleteTaskWorkers(before: number | undefined): Promise<void> {
    const items = await this.taskMeterItems(undefined, before);
    for (let i = 0; i < items.length; i += 25) {
      let requests: unknown = { [this.tableName]: items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })) };
      // What the table left unprocessed (throttled) is sent again, a few times.
      for (let attempt = 0; requests && Object.keys(requests as object).length > 0; attempt++) {
        if (attempt > 5) throw new Error('The store kept refusing part of the task worker metrics deletion (throttled)');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        requests = (await this.doc.send(new BatchWriteCommand({ RequestItems: requests as never }))).UnprocessedItems;
      }
    }
  }

  private async taskMeterItems(start: number | undefined, end: number | undefined) {
    const from = timeKey(start === undefined ? 0 : Math.ceil(start / METRIC_BUCKET_MS) * METRIC_BUCKET_MS);
    const to = end === undefined ? '\uffff' : `${timeKey(end - 1)}#\uffff`;
    const shards = await Promise.all(
      allShards('TASKMETER', this.layout).map((pk) =>
        queryAllPages(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to } }),
      ),
    );
    return shards.flat();
  }

  /** A metric's counts with `start <= timestamp < end`, every shard's. */
  async counts(name: string, start: number | undefined, end: number | undefined): Promise<MetricCount[]> {
    const from = timeKey(start === undefined ? 0 : Math.ceil(start / METRIC_BUCKET_MS) * METRIC_BUCKET_MS);
    const to = end === undefined ? undefined : timeKey(end - 1);
    const shards = await Promise.all(
      allShards(`METRIC#${name}`, this.layout).map((pk) =>
        queryAllPages(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: to === undefined ? 'pk = :pk AND sk >= :from' : 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ...(to === undefined ? {} : { ':to': to }) },
        }),
      ),
    );
    return shards.flat().map((item) => ({ name, timestamp: item.timestamp as number, value: item.value as number }));
  }
}
