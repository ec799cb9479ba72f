/**
 * The rate limit of a batch (an extension, docs/api.md "Rate limit"): at most
 * `maxInstancesPerSecond` elements applied per second, across every execution Lambda. One item per
 * batch holds the limit as an interval and the theoretical arrival time of the next element (the
 * generic cell rate algorithm): an element may go at max(tat, now), and moves tat on by one
 * interval; a conditional update on the tat it read makes concurrent claims take distinct slots.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';

const keyOf = (batchId: string) => ({ pk: `BRATE#${batchId}`, sk: 'RATE' });

/** How often a claim is tried again after losing a race to another execution. */
const CLAIM_ATTEMPTS = 20;

export type RateClaim = { go: 'now' } | { go: 'after'; waitMs: number } | { go: 'later'; delayMs: number };

export class BatchRateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The Put that sets a new batch's limit (joins its creation). */
  item(batchId: string, maxInstancesPerSecond: number) {
    return { ...keyOf(batchId), kind: 'batchRateLimit', intervalMs: 1000 / maxInstancesPerSecond, maxInstancesPerSecond, tat: 0 };
  }

  /** The limit now (undefined: none). */
  async limit(batchId: string): Promise<number | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(batchId), ConsistentRead: true }));
    return item ? (item.maxInstancesPerSecond as number) : undefined;
  }

  /** Changes the limit of a running batch (null lifts it); the elements already given a slot keep it. */
  async set(batchId: string, maxInstancesPerSecond: number | null): Promise<void> {
    if (maxInstancesPerSecond === null) {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(batchId) }));
      return;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(batchId),
          UpdateExpression: 'SET intervalMs = :interval, maxInstancesPerSecond = :limit',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':interval': 1000 / maxInstancesPerSecond, ':limit': maxInstancesPerSecond },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(batchId, maxInstancesPerSecond) }));
    }
  }

  /**
   * A slot for one element: now, after a wait of at most `horizonMs` (the slot is taken), or later
   * than that (nothing taken: the caller sends the work again after `delayMs`).
   */
  async claim(batchId: string, clock: () => number, horizonMs: number): Promise<RateClaim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(batchId), ConsistentRead: true }));
      const now = clock();
      if (!item) return { go: 'now' };
      const tat = item.tat as number;
      const slot = Math.max(tat, now);
      if (slot - now > horizonMs) return { go: 'later', delayMs: slot - now - horizonMs };
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(batchId),
            UpdateExpression: 'SET tat = :next',
            ConditionExpression: 'tat = :read',
            ExpressionAttributeValues: { ':next': slot + (item.intervalMs as number), ':read': tat },
          }),
        );
        return slot > now ? { go: 'after', waitMs: slot - now } : { go: 'now' };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    // Too many executions at once on one batch: this one comes back a little later.
    return { go: 'later', delayMs: 1000 };
  }

  /** The Delete that removes a batch's limit with the batch. */
  deleteAction(batchId: string): Record<string, unknown> {
    return { Delete: { TableName: this.tableName, Key: keyOf(batchId) } };
  }
}
