/** Reads of the task history (shared/store/task-history.ts); its items are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';
import { type HistoricTaskRecord, historicTaskOf, taskHistoryKeys } from './task-history.ts';

export class TaskHistoryRepository extends HistoryFamilyReader<HistoricTaskRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...taskHistoryKeys, recordOf: historicTaskOf });
  }
}
