/** Reads of the historic details (shared/store/variable-history.ts); they are written with their instance. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';
import { type VariableDetailRecord, variableDetailKeys, variableDetailOf } from './variable-history.ts';

export class VariableDetailRepository extends HistoryFamilyReader<VariableDetailRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...variableDetailKeys, recordOf: variableDetailOf });
  }
}
