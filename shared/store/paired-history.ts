/**
 * Reads of history kept as two items per record under one partition: a first item written once
 * (indexed by time in gsi1 and by instance in gsi2) and a second one rewritten as the record
 * changes (indexed by instance only). The activity history (START, END) and the variable history
 * (CREATE, VALUE) are kept so; a read joins the two.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndexReader, ReadHint } from './index-reader.ts';
import { queryAllPages } from './paging.ts';
import type { Item } from './projections.ts';

export interface PairedFamily<T> {
  /** The sort keys of the two items. */
  readonly first: string;
  readonly second: string;
  /** The key of a record's second item. */
  secondKey(id: string): { pk: string; sk: string };
  join(first: Item, second: Item | undefined): T;
}

/** One record, read consistently (its partition holds both items). */
export async function pairedRecord<T>(doc: DynamoDBDocumentClient, tableName: string, pk: string, family: PairedFamily<T>): Promise<T | undefined> {
  const items = await queryAllPages(doc, { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
  const first = items.find((item) => item.sk === family.first);
  return first
    ? family.join(
        first,
        items.find((item) => item.sk === family.second),
      )
    : undefined;
}

/** One instance's records, from its gsi2 partition (both items are in it). */
export async function pairedRecordsOfInstance<T>(doc: DynamoDBDocumentClient, tableName: string, gsi2pk: string, family: PairedFamily<T>): Promise<T[]> {
  const items = await queryAllPages(doc, { TableName: tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': gsi2pk } });
  const seconds = new Map(items.filter((item) => item.sk === family.second).map((item) => [item.id as string, item]));
  return items.filter((item) => item.sk === family.first).map((first) => family.join(first, seconds.get(first.id as string)));
}

/** Every record, in gsi1 order, each page of first items joined with their second items. */
export async function* allPairedRecords<T>(doc: DynamoDBDocumentClient, tableName: string, reader: IndexReader, partitions: string[], family: PairedFamily<T>, hint: ReadHint = {}): AsyncGenerator<T> {
  let batch: Item[] = [];
  const flush = async () => {
    const seconds = new Map<string, Item>();
    let keysToRead: Record<string, unknown>[] = batch.map((first) => family.secondKey(first.id as string));
    while (keysToRead.length > 0) {
      const result = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keysToRead } } }));
      for (const item of (result.Responses?.[tableName] ?? []) as Item[]) seconds.set(item.id as string, item);
      keysToRead = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    const joined = batch.map((first) => family.join(first, seconds.get(first.id as string)));
    batch = [];
    return joined;
  };
  for await (const first of reader.ordered({ index: 'gsi1', partitions }, hint)) {
    batch.push(first);
    if (batch.length >= 100) yield* await flush();
  }
  if (batch.length > 0) yield* await flush();
}
