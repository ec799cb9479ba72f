/** Reads and writes of the user operation log (shared/store/user-operation-log.ts). */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HistoryFamilyReader } from './history-family.ts';
import type { IndexLayout } from './index-layout.ts';
import { userOperationItem, userOperationKeys, userOperationOf, type UserOperationRecord } from './user-operation-log.ts';

export class UserOperationLogRepository extends HistoryFamilyReader<UserOperationRecord> {
  constructor(doc: DynamoDBDocumentClient, tableName: string, layout: IndexLayout) {
    super(doc, tableName, layout, { ...userOperationKeys, recordOf: userOperationOf });
  }

  /** The Put that writes an operation inside another write's transaction. */
  putAction(record: UserOperationRecord): Record<string, unknown> {
    return { Put: { TableName: this.tableName, Item: userOperationItem(record, this.layout) } };
  }

  /** Writes an operation that has no transaction of its own to join. */
  async put(record: UserOperationRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: userOperationItem(record, this.layout) }));
  }

  /** Sets (or with null clears) the annotation of every entry of an operation; false when there is no such operation. */
  async annotate(operationId: string, annotation: string | null): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userOperationKeys.item(operationId),
          UpdateExpression: 'SET annotation = :annotation',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':annotation': annotation },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
