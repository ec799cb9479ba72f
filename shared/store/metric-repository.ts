import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allShards, type IndexLayout } from './index-layout.ts';
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
