/** Reads of the historic identity link log (shared/store/identity-link-log.ts); its entries are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import { type IdentityLinkLogRecord, identityLinkLogKeys, identityLinkLogOf } from './identity-link-log.ts';
import type { IndexLayout } from './index-layout.ts';

export class IdentityLinkLogRepository extends HistoryFamilyReader<IdentityLinkLogRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...identityLinkLogKeys, recordOf: identityLinkLogOf });
  }
}
