/**
 * The Idempotency-Key records (docs/api.md, "Idempotency-Key"): one item per caller and key,
 * holding the request's fingerprint and, once the request has been answered, its answer. DynamoDB
 * removes an item some time after `expiresAt` (the table's TTL); until then an expired item counts
 * as absent, so the window is exact whenever the TTL sweep runs.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';

/** The scope's length first, so no user id and key can be read as another pair (ids may hold '#'). */
const keyOf = (scope: string, key: string) => ({ pk: `IDEM#${scope.length}:${scope}#${key}`, sk: 'IDEM' });

/** API Gateway ends a request after 29 s: a claim without an answer after a minute was abandoned. */
const ABANDONED_AFTER_MS = 60_000;

export interface IdempotencyRecord {
  fingerprint: string;
  /** Absent while the first request with the key still runs. */
  answer?: unknown;
  expiresAt: number;
}

export class IdempotencyKeys {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a key keeps its answer. */
    readonly windowSeconds: number,
  ) {}

  /**
   * Takes the key for a request (true), unless a live record holds it already (false). A claim left
   * without an answer for ABANDONED_AFTER_MS (its request's process died: no API request runs that
   * long) is taken over.
   */
  async claim(scope: string, key: string, fingerprint: string, nowMillis: number): Promise<boolean> {
    const now = Math.floor(nowMillis / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keyOf(scope, key), kind: 'idempotencyKey', fingerprint, claimedAt: nowMillis, expiresAt: now + this.windowSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (attribute_not_exists(answer) AND claimedAt < :abandoned)',
          ExpressionAttributeValues: { ':now': now, ':abandoned': nowMillis - ABANDONED_AFTER_MS },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /** The live record of a key, if any. */
  async get(scope: string, key: string, nowMillis: number): Promise<IdempotencyRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(scope, key), ConsistentRead: true }));
    if (!item || (item.expiresAt as number) < Math.floor(nowMillis / 1000)) return undefined;
    return { fingerprint: item.fingerprint as string, expiresAt: item.expiresAt as number, ...(item.answer !== undefined ? { answer: JSON.parse(item.answer as string) } : {}) };
  }

  /** Keeps the answer of the request that claimed the key (as JSON text: it may nest deeper than DynamoDB's maps). */
  async answer(scope: string, key: string, answer: unknown): Promise<void> {
    await this.doc.send(
      new UpdateCommand({ TableName: this.tableName, Key: keyOf(scope, key), UpdateExpression: 'SET answer = :answer', ExpressionAttributeValues: { ':answer': JSON.stringify(answer) } }),
    );
  }

  /** Gives the key up (its request failed on the server's side): a retry may run it again. */
  async release(scope: string, key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(scope, key) }));
  }
}
