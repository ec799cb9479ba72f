/** Reads of the variable history (shared/store/variable-history.ts), each CREATE item joined with its VALUE item. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteKeys } from './delete-keys.ts';
import { allShards, type IndexLayout } from './index-layout.ts';
import { IndexReader, type ReadHint } from './index-reader.ts';
import { queryAllPages } from './paging.ts';
import { allPairedRecords, type PairedFamily, pairedRecord, pairedRecordsOfInstance } from './paired-history.ts';
import { type HistoricVariableRecord, joinVariableHistory, variableHistoryKeys } from './variable-history.ts';

const VARIABLE_PAIRS: PairedFamily<HistoricVariableRecord> = { first: 'CREATE', second: 'VALUE', secondKey: variableHistoryKeys.value, join: joinVariableHistory };

export class VariableHistoryRepository {
  private readonly reader: IndexReader;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  get(id: string): Promise<HistoricVariableRecord | undefined> {
    return pairedRecord(this.doc, this.tableName, variableHistoryKeys.create(id).pk, VARIABLE_PAIRS);
  }

  /** One process instance's variables, by creation. */
  ofInstance(processInstanceId: string): Promise<HistoricVariableRecord[]> {
    return pairedRecordsOfInstance(this.doc, this.tableName, variableHistoryKeys.ofInstance(processInstanceId), VARIABLE_PAIRS);
  }

  /** Every historic variable instance, by creation. */
  all(hint: ReadHint = {}): AsyncGenerator<HistoricVariableRecord> {
    return allPairedRecords(this.doc, this.tableName, this.reader, allShards(variableHistoryKeys.all, this.layout), VARIABLE_PAIRS, hint);
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
