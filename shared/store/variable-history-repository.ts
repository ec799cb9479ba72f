/** Reads of the variable history (shared/store/variable-history.ts), each CREATE item joined with its VALUE item. */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteKeys } from './delete-keys.ts';
import { allShards, type IndexLayout } from './index-layout.ts';
import { IndexReader, type ReadHint } from './index-reader.ts';
import { queryAllPages } from './paging.ts';
import type { Item } from './projections.ts';
import { type HistoricVariableRecord, joinVariableHistory, variableHistoryKeys } from './variable-history.ts';

export class VariableHistoryRepository {
  private readonly reader: IndexReader;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  async get(id: string): Promise<HistoricVariableRecord | undefined> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': variableHistoryKeys.create(id).pk },
      ConsistentRead: true,
    });
    const create = items.find((item) => item.sk === 'CREATE');
    return create
      ? joinVariableHistory(
          create,
          items.find((item) => item.sk === 'VALUE'),
        )
      : undefined;
  }

  /** One process instance's variables, by creation. */
  async ofInstance(processInstanceId: string): Promise<HistoricVariableRecord[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': variableHistoryKeys.ofInstance(processInstanceId) },
    });
    const values = new Map(items.filter((item) => item.sk === 'VALUE').map((item) => [item.id as string, item]));
    return items.filter((item) => item.sk === 'CREATE').map((create) => joinVariableHistory(create, values.get(create.id as string)));
  }

  /** Every historic variable instance, by creation, joined a page at a time. */
  async *all(hint: ReadHint = {}): AsyncGenerator<HistoricVariableRecord> {
    let batch: Item[] = [];
    const flush = async () => {
      const values = new Map<string, Item>();
      let keysToRead: Record<string, unknown>[] = batch.map((create) => variableHistoryKeys.value(create.id as string));
      while (keysToRead.length > 0) {
        const result = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keysToRead } } }));
        for (const item of (result.Responses?.[this.tableName] ?? []) as Item[]) values.set(item.id as string, item);
        keysToRead = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      const joined = batch.map((create) => joinVariableHistory(create, values.get(create.id as string)));
      batch = [];
      return joined;
    };
    for await (const create of this.reader.ordered({ index: 'gsi1', partitions: allShards(variableHistoryKeys.all, this.layout) }, hint)) {
      batch.push(create);
      if (batch.length >= 100) yield* await flush();
    }
    if (batch.length > 0) yield* await flush();
  }

  /** Removes a historic variable instance (DELETE /history/variable-instance/{id}). */
  delete(id: string): Promise<void> {
    return deleteKeys(this.doc, this.tableName, [variableHistoryKeys.create(id), variableHistoryKeys.value(id)]);
  }

  /** Removes one process instance's variable history. */
  async deleteOfInstance(processInstanceId: string): Promise<void> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': variableHistoryKeys.ofInstance(processInstanceId) },
      ProjectionExpression: 'pk, sk',
    });
    await deleteKeys(
      this.doc,
      this.tableName,
      items.map((item) => ({ pk: item.pk, sk: item.sk })),
    );
  }
}
