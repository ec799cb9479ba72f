import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { keys, timeKey } from './keys.ts';
import { queryAllPages, withoutKeys } from './paging.ts';
import type { Item } from './projections.ts';

/**
 * Signals across instances (docs/data-model.md "Signals"): the signal start events of the latest
 * definitions, the broadcast job a signal throw event stores with its instance (the hand-over to
 * every other receiver), and one delivery marker per receiver of a broadcast, so a broadcast that
 * runs again after a failure never delivers twice.
 */

export interface SignalStartRecord {
  signalName: string;
  tenantId: string | null;
  definitionId: string;
  definitionKey: string;
  activityId: string;
}

/** The signals one operation of one instance threw, in order: one broadcast item, whatever their number. */
export interface SignalBroadcastRecord {
  id: string;
  signals: { signalName: string; includeOwnInstance: boolean }[];
  /** The thrower's tenant: it reaches subscriptions of that tenant and those without one (Camunda's rule). */
  tenantId: string | null;
  /** The thrower, which received each signal itself already (unless it threw asynchronously). */
  processInstanceId: string;
  created: number;
}

export const SIGNAL_BROADCAST_JOB_KIND = 'signal-broadcast';
/** Delivery markers outlive any retry of their broadcast; DynamoDB's TTL removes them after a week. */
const MARKER_LIFETIME_SECONDS = 7 * 24 * 3600;

export const signalKeys = {
  signalStart: (signalName: string, tenantId: string | null, definitionKey: string) => ({ pk: `STARTSIG#${signalName}`, sk: `${tenantId ?? ''}#${definitionKey}` }),
  delivery: (broadcastId: string, receiver: string) => ({ pk: `SIGNALDELIVERY#${broadcastId}`, sk: receiver }),
};

export function signalStartItem(record: SignalStartRecord): Item {
  return { ...signalKeys.signalStart(record.signalName, record.tenantId, record.definitionKey), kind: 'signalStart', ...record };
}

/** A broadcast waits in the due-jobs index like a job due now, so the sweeper picks it up should its queue message be lost. */
export function signalBroadcastItem(record: SignalBroadcastRecord, layout: IndexLayout): Item {
  return {
    ...keys.job(record.id),
    kind: 'job',
    jobKind: SIGNAL_BROADCAST_JOB_KIND,
    ...record,
    // The thrower's id is kept as `source`: as processInstanceId the broadcast would pass for a job of that instance.
    processInstanceId: null,
    sourceProcessInstanceId: record.processInstanceId,
    retries: 3,
    gsi1pk: shardKey('JOB', record.id, layout),
    gsi1sk: `${timeKey(record.created)}#${record.id}`,
  };
}

export function isSignalBroadcast(item: Record<string, unknown>): boolean {
  return item.jobKind === SIGNAL_BROADCAST_JOB_KIND;
}

export class SignalRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly now: () => number,
  ) {}

  /** The signal start events of a name, of every tenant. */
  async signalStarts(signalName: string): Promise<SignalStartRecord[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `STARTSIG#${signalName}` },
    });
    return items.map((item) => withoutKeys<SignalStartRecord>(item));
  }

  async broadcast(jobId: string): Promise<SignalBroadcastRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.job(jobId) }));
    if (!item || !isSignalBroadcast(item)) return undefined;
    const record = withoutKeys<Record<string, unknown>>(item);
    return { ...(record as unknown as SignalBroadcastRecord), processInstanceId: record.sourceProcessInstanceId as string };
  }

  async delivered(broadcastId: string, receiver: string): Promise<boolean> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: signalKeys.delivery(broadcastId, receiver), ConsistentRead: true }));
    return item !== undefined;
  }

  /** The action that marks a delivery, in the receiver's own transaction; it fails if the receiver got it already. */
  deliveryAction(broadcastId: string, receiver: string): Record<string, unknown> {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...signalKeys.delivery(broadcastId, receiver), kind: 'signalDelivery', expiresAt: Math.floor(this.now() / 1000) + MARKER_LIFETIME_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  broadcastAction(record: SignalBroadcastRecord, layout: IndexLayout): Record<string, unknown> {
    return { Put: { TableName: this.tableName, Item: signalBroadcastItem(record, layout) } };
  }

  /** The broadcast reached every receiver: its job goes. */
  async complete(broadcastId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.job(broadcastId) }));
  }
}
