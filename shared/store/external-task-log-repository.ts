/** Reads of the historic external task log (shared/store/external-task-log.ts); its entries are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ExternalTaskLogRecord, externalTaskLogKeys, externalTaskLogOf } from './external-task-log.ts';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';

export class ExternalTaskLogRepository extends HistoryFamilyReader<ExternalTaskLogRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...externalTaskLogKeys, recordOf: externalTaskLogOf });
  }
}
