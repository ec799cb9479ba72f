/** Reads and writes of the decision history (shared/store/decision-history.ts). */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decisionHistoryItem, decisionHistoryKeys, type HistoricDecisionRecord, historicDecisionOf } from './decision-history.ts';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';

export class DecisionHistoryRepository extends HistoryFamilyReader<HistoricDecisionRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...decisionHistoryKeys, recordOf: historicDecisionOf });
  }

  /** The decisions of an evaluation over REST (a business-rule task's are written with its instance). */
  async put(records: readonly HistoricDecisionRecord[]): Promise<void> {
    await this.batchWrite(records.map((record) => ({ PutRequest: { Item: decisionHistoryItem(record, this.layout) } })));
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
