/**
 * The rate limit of a batch (an extension, docs/api.md "Rate limit"): at most
 * `maxInstancesPerSecond` elements applied per second, across every execution Lambda. One item per
 * batch holds the interval between elements, an origin time and a count of the slots handed out:
 * slot k is at origin + k × interval. A claim is one atomic ADD on the count (concurrent claims never
 * conflict, so the claims cost one write each whatever the number of executions); a batch that fell
 * behind (idle, suspended) moves its origin up to now instead of bursting through the slots it missed
 * (the claims already in flight at that moment may still go at once: at most one per execution
 * running).
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';

const keyOf = (batchId: string) => ({ pk: `BRATE#${batchId}`, sk: 'RATE' });

/** How often a change of the limit is tried again when claims moved the count meanwhile. */
const SET_ATTEMPTS = 20;

/** A claimed slot: go now, wait `waitMs` for it, or come back at `slotAt` (the slot stays the claimer's). */
export type RateClaim = { go: 'now' } | { go: 'after'; waitMs: number } | { go: 'later'; slotAt: number };

interface Limiter {
  intervalMs: number;
  origin: number;
  count: number;
}

export class BatchRateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The item that sets a batch's limit (joins its creation): its slots start at `origin`. */
  item(batchId: string, maxInstancesPerSecond: number, origin: number) {
    return { ...keyOf(batchId), kind: 'batchRateLimit', intervalMs: 1000 / maxInstancesPerSecond, maxInstancesPerSecond, origin, count: 0 };
  }

  private async read(batchId: string): Promise<(Limiter & { maxInstancesPerSecond: number }) | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(batchId), ConsistentRead: true }));
    return item ? { intervalMs: item.intervalMs as number, origin: item.origin as number, count: item.count as number, maxInstancesPerSecond: item.maxInstancesPerSecond as number } : undefined;
  }

  /** The limit now (undefined: none). */
  async limit(batchId: string): Promise<number | undefined> {
    return (await this.read(batchId))?.maxInstancesPerSecond;
  }

  /** For pacing a batch's seed: the interval between elements and how long until the next free slot (undefined: no limit). */
  async pacing(batchId: string, now: number): Promise<{ intervalMs: number; nextSlotInMs: number } | undefined> {
    const limiter = await this.read(batchId);
    return limiter ? { intervalMs: limiter.intervalMs, nextSlotInMs: Math.max(0, limiter.origin + limiter.count * limiter.intervalMs - now) } : undefined;
  }

  /**
   * Changes the limit of a running batch (null lifts it). The slots already handed out keep their
   * times; the next ones follow the last of them at the new interval.
   */
  async set(batchId: string, maxInstancesPerSecond: number | null, now: number): Promise<void> {
    if (maxInstancesPerSecond === null) {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(batchId) }));
      return;
    }
    const intervalMs = 1000 / maxInstancesPerSecond;
    for (let attempt = 0; attempt < SET_ATTEMPTS; attempt++) {
      const limiter = await this.read(batchId);
      if (!limiter) {
        await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(batchId, maxInstancesPerSecond, now) }));
        return;
      }
      const frontier = Math.max(now, limiter.origin + limiter.count * limiter.intervalMs);
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(batchId),
            UpdateExpression: 'SET intervalMs = :interval, maxInstancesPerSecond = :limit, origin = :origin',
            ConditionExpression: '#count = :count',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':interval': intervalMs, ':limit': maxInstancesPerSecond, ':origin': frontier - limiter.count * intervalMs, ':count': limiter.count },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw new Error(`The rate limit of batch '${batchId}' kept changing while it was set`);
  }

  /** Claims the next slot for one element; within `horizonMs` it is waited for, a later one is come back to. */
  async claim(batchId: string, clock: () => number, horizonMs: number): Promise<RateClaim> {
    let claimed: Limiter;
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(batchId),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = result.Attributes!;
      claimed = { intervalMs: item.intervalMs as number, origin: item.origin as number, count: (item.count as number) - 1 };
    } catch (error) {
      // No limit (lifted): the element goes at once.
      if (isConditionalFailure(error)) return { go: 'now' };
      throw error;
    }
    const now = clock();
    const slot = claimed.origin + claimed.count * claimed.intervalMs;
    if (slot < now - claimed.intervalMs) {
      // Behind its slots (idle, or just created): the origin moves so this slot is now, once; a
      // claim that finds it moved by another takes its slot from the new origin.
      if (await this.rebase(batchId, claimed, now)) return { go: 'now' };
      const fresh = await this.read(batchId);
      if (!fresh) return { go: 'now' };
      return this.when(fresh.origin + claimed.count * fresh.intervalMs, now, horizonMs);
    }
    return this.when(slot, now, horizonMs);
  }

  /** What a claimed slot means at `now`. */
  when(slotAt: number, now: number, horizonMs: number): RateClaim {
    if (slotAt <= now) return { go: 'now' };
    return slotAt - now <= horizonMs ? { go: 'after', waitMs: slotAt - now } : { go: 'later', slotAt };
  }

  /** Moves the origin so the claimed slot is now; false when another claim moved it first. */
  private async rebase(batchId: string, claimed: Limiter, now: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(batchId),
          UpdateExpression: 'SET origin = :origin',
          ConditionExpression: 'origin = :old',
          ExpressionAttributeValues: { ':origin': now - claimed.count * claimed.intervalMs, ':old': claimed.origin },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return false;
    }
  }

  /** The Delete that removes a batch's limit with the batch. */
  deleteAction(batchId: string): Record<string, unknown> {
    return { Delete: { TableName: this.tableName, Key: keyOf(batchId) } };
  }
}
