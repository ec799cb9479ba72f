/** Reads of the historic incidents (shared/store/incident-history.ts); they are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import { type HistoricIncidentRecord, historicIncidentOf, incidentHistoryKeys } from './incident-history.ts';
import type { IndexLayout } from './index-layout.ts';

export class IncidentHistoryRepository extends HistoryFamilyReader<HistoricIncidentRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...incidentHistoryKeys, recordOf: historicIncidentOf });
  }
}
