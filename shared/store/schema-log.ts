/**
 * The schema log (Camunda's ACT_GE_SCHEMA_LOG): which data-model versions this table has held and
 * since when. An engine records its version the first time it starts against the table, as
 * Camunda's engine records the schema it creates or upgrades.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';

/** The data model's version: the product's (package.json's; a unit test keeps them equal). */
export const SCHEMA_VERSION = '0.1.0';

export interface SchemaLogEntry {
  id: string;
  version: string;
  timestamp: number;
}

const PK = 'SCHEMALOG';

export class SchemaLogRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async entries(): Promise<SchemaLogEntry[]> {
    const { Items: items = [] } = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK }, ConsistentRead: true }),
    );
    return items.map((item) => ({ id: item.id as string, version: item.version as string, timestamp: item.timestamp as number }));
  }

  /** Records the version once (a read first, so a warm table costs no failed write). */
  async record(version: string, timestamp: number): Promise<void> {
    const key = { pk: PK, sk: `VERSION#${version}` };
    const { Item: existing } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (existing) return;
    const id = String((await this.entries()).length);
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...key, kind: 'schemaLog', id, version, timestamp }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      // Another engine recorded it at the same moment.
      if (!isConditionalFailure(error)) throw error;
    }
  }
}
