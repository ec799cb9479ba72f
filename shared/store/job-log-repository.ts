/** Reads of the historic job log (shared/store/job-log.ts); its entries are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';
import { type JobLogRecord, jobLogKeys, jobLogOf } from './job-log.ts';

export class JobLogRepository extends HistoryFamilyReader<JobLogRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...jobLogKeys, recordOf: jobLogOf });
  }
}
