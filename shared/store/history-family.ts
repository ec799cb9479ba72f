/**
 * Reads of a family of history items that share one shape of keys: one item per record under its
 * own partition, every record in a time-sharded partition set of gsi1, and a process instance's
 * records in its partition of gsi2 (decision and task history).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { deleteKeys } from './delete-keys.ts';
import { allShards, type IndexLayout } from './index-layout.ts';
import { IndexReader, type ReadHint } from './index-reader.ts';
import { queryAllPages } from './paging.ts';
import type { Item } from './projections.ts';

export interface HistoryFamily<T> {
  item(id: string): { pk: string; sk: string };
  /** The base of the family's sharded gsi1 key. */
  readonly all: string;
  /** Its gsi2 key for one process instance. */
  ofInstance(processInstanceId: string): string;
  recordOf(item: Item): T;
}

export class HistoryFamilyReader<T> {
  private readonly reader: IndexReader;

  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
    protected readonly layout: IndexLayout,
    private readonly family: HistoryFamily<T>,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  async get(id: string): Promise<T | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.family.item(id) }));
    return item ? this.family.recordOf(item as Item) : undefined;
  }

  /** One process instance's records, in gsi2 order. */
  async ofInstance(processInstanceId: string): Promise<T[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': this.family.ofInstance(processInstanceId) },
    });
    return items.map((item) => this.family.recordOf(item));
  }

  /** Removes one process instance's records (its history is deleted). */
  async deleteOfInstance(processInstanceId: string): Promise<void> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': this.family.ofInstance(processInstanceId) },
      ProjectionExpression: 'pk, sk',
    });
    await deleteKeys(
      this.doc,
      this.tableName,
      items.map((item) => ({ pk: item.pk, sk: item.sk })),
    );
  }

  /**
   * The records a query needs to look at: the one it names by id, else one instance's, else all
   * (the narrowest read its filters allow).
   */
  async candidates(narrowest: { id?: string; processInstanceId?: string }): Promise<AsyncIterable<T> | T[]> {
    if (narrowest.id) {
      const record = await this.get(narrowest.id);
      return record ? [record] : [];
    }
    if (narrowest.processInstanceId) return this.ofInstance(narrowest.processInstanceId);
    return this.all();
  }

  /** Every record, in gsi1 (time) order. */
  async *all(hint: ReadHint = {}): AsyncGenerator<T> {
    for await (const item of this.reader.ordered({ index: 'gsi1', partitions: allShards(this.family.all, this.layout) }, hint)) yield this.family.recordOf(item);
  }
}
