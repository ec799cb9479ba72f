/** Reads and writes of the decision history (shared/store/decision-history.ts). */
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { decisionHistoryItem, decisionHistoryKeys, type HistoricDecisionRecord, historicDecisionOf } from './decision-history.ts';
import { allShards, type IndexLayout } from './index-layout.ts';
import { IndexReader, type ReadHint } from './index-reader.ts';
import { queryAllPages } from './paging.ts';
import type { Item } from './projections.ts';

export class DecisionHistoryRepository {
  private readonly reader: IndexReader;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  /** The decisions of an evaluation over REST (a business-rule task's are written with its instance). */
  async put(records: readonly HistoricDecisionRecord[]): Promise<void> {
    await this.batchWrite(records.map((record) => ({ PutRequest: { Item: decisionHistoryItem(record, this.layout) } })));
  }

  async get(id: string): Promise<HistoricDecisionRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: decisionHistoryKeys.item(id) }));
    return item ? historicDecisionOf(item as Item) : undefined;
  }

  /** The decisions an instance's business-rule tasks evaluated, by evaluation time. */
  async ofInstance(processInstanceId: string): Promise<HistoricDecisionRecord[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': decisionHistoryKeys.ofInstance(processInstanceId) },
    });
    return items.map(historicDecisionOf);
  }

  /** Every historic decision instance, by evaluation time. */
  async *all(hint: ReadHint = {}): AsyncGenerator<HistoricDecisionRecord> {
    for await (const item of this.reader.ordered({ index: 'gsi1', partitions: allShards(decisionHistoryKeys.all, this.layout) }, hint)) yield historicDecisionOf(item);
  }

  async delete(ids: readonly string[]): Promise<void> {
    await this.batchWrite(ids.map((id) => ({ DeleteRequest: { Key: decisionHistoryKeys.item(id) } })));
  }

  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        // Unprocessed requests mean the table is throttling: back off before the next try.
        if (attempt > 10) throw new Error('The store kept refusing part of a batch write (throttled)');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }
}
