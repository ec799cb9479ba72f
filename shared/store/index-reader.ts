import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './projections.ts';

export type IndexName = 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4';

/** One ordered read: the same sort-key range over one or more partitions (the shards of a key). */
export interface IndexRange {
  index: IndexName;
  partitions: readonly string[];
  /** Inclusive upper bound of the sort key. */
  upTo?: string;
  /** Only sort keys starting with this. */
  prefix?: string;
  descending?: boolean;
}

/** How many items the consumer expects to take, so the first pages are sized to that instead of 1 MB. */
export interface ReadHint {
  expected?: number;
}

/** Pages after the second grow, so a consumer that filters most items away still needs few round trips. */
const GROWTH = 2;

interface ShardCursor {
  partition: string;
  buffer: Item[];
  next: number;
  startKey: Record<string, unknown> | undefined;
  done: boolean;
  pages: number;
  pageSize: number | undefined;
}

/**
 * Reads index partitions in sort-key order. With one partition this is a paged Query; with the
 * shards of a key it is a k-way merge: every shard contributes pages sized to its share of what the
 * consumer expects, and a shard is read further only when its buffered items have all been merged,
 * so a consumer that stops after n items has read about n + one small page per shard.
 */
export class IndexReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The items in order, read lazily: stop iterating and no further page is read. */
  async *ordered(range: IndexRange, hint: ReadHint = {}): AsyncGenerator<Item> {
    const shards = range.partitions.length;
    const firstPage = hint.expected === undefined ? undefined : Math.max(2, Math.ceil(hint.expected / shards) + 1);
    const cursors: ShardCursor[] = range.partitions.map((partition) => ({ partition, buffer: [], next: 0, startKey: undefined, done: false, pages: 0, pageSize: firstPage }));
    const sign = range.descending ? -1 : 1;
    for (;;) {
      await Promise.all(cursors.filter((c) => c.next >= c.buffer.length && !c.done).map((c) => this.readPage(range, c)));
      let best: ShardCursor | undefined;
      let bestKey = '';
      for (const cursor of cursors) {
        if (cursor.next >= cursor.buffer.length) continue;
        const key = sortKeyOf(range.index, cursor.buffer[cursor.next]!);
        if (best === undefined || (key < bestKey ? -1 : key > bestKey ? 1 : 0) * sign < 0) {
          best = cursor;
          bestKey = key;
        }
      }
      if (best === undefined) return;
      yield best.buffer[best.next++]!;
    }
  }

  /** Every item of the range, in order. */
  async all(range: IndexRange): Promise<Item[]> {
    const items: Item[] = [];
    for await (const item of this.ordered(range)) items.push(item);
    return items;
  }

  /** How many items the range holds, counted by DynamoDB (Select COUNT): no item is transferred. */
  async count(range: IndexRange): Promise<number> {
    const counts = await Promise.all(
      range.partitions.map(async (partition) => {
        let total = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.doc.send(new QueryCommand({ ...this.queryInput(range, partition), Select: 'COUNT', ExclusiveStartKey: startKey }));
          total += page.Count ?? 0;
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return total;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async readPage(range: IndexRange, cursor: ShardCursor): Promise<void> {
    const page = await this.doc.send(new QueryCommand({ ...this.queryInput(range, cursor.partition), Limit: cursor.pageSize, ExclusiveStartKey: cursor.startKey }));
    cursor.buffer = (page.Items ?? []) as Item[];
    cursor.next = 0;
    cursor.startKey = page.LastEvaluatedKey;
    cursor.done = cursor.startKey === undefined;
    cursor.pages++;
    if (cursor.pageSize !== undefined && cursor.pages >= 2) cursor.pageSize *= GROWTH;
  }

  private queryInput(range: IndexRange, partition: string) {
    const pk = `${range.index}pk`;
    const sk = `${range.index}sk`;
    const values: Record<string, unknown> = { ':pk': partition };
    let condition = `${pk} = :pk`;
    if (range.upTo !== undefined) {
      condition += ` AND ${sk} <= :upTo`;
      values[':upTo'] = range.upTo;
    } else if (range.prefix !== undefined && range.prefix !== '') {
      condition += ` AND begins_with(${sk}, :prefix)`;
      values[':prefix'] = range.prefix;
    }
    return { TableName: this.tableName, IndexName: range.index, KeyConditionExpression: condition, ExpressionAttributeValues: values, ScanIndexForward: !range.descending };
  }
}

function sortKeyOf(index: IndexName, item: Item): string {
  return item[`${index}sk`] as string;
}
