import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError, isConditionalFailure, isTransactionConflict } from './errors.ts';
import type { CallerState, IncidentState, Variables } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { keys, timeKey } from './keys.ts';
import type { Item } from './projections.ts';

/**
 * Hand-overs between the instances of a call hierarchy (docs/data-model.md "Call hand-overs"). Each
 * is written in the transaction of the instance change that causes it and consumed (deleted under
 * the condition that it still exists) in the transaction of the instance change that is its effect:
 * so every effect happens exactly once, whoever delivers it and however often. Until then it waits
 * in the due-jobs index like a job due now, and the sweeper re-drives it should every delivery fail.
 */

interface HandOverBase {
  id: string;
  /** The called instance the hand-over is about. */
  calledInstanceId: string;
  created: number;
}

/** Start the called instance (its id, definition and variables are decided by the caller's operation). */
export interface StartCalledHandOver extends HandOverBase {
  kind: 'start-called';
  definitionId: string;
  variables: Variables;
  businessKey?: string;
  caller: CallerState;
}

/** The call activity instance was cancelled: delete the instance it called. */
export interface DeleteCalledHandOver extends HandOverBase {
  kind: 'delete-called';
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  externallyTerminated: boolean;
}

/** The caller was deleted with skipSubprocesses: the called instance forgets it. */
export interface DetachCalledHandOver extends HandOverBase {
  kind: 'detach-called';
}

/** The called instance completed: its caller continues. */
export interface CalledEndedHandOver extends HandOverBase {
  kind: 'called-ended';
  caller: CallerState;
  variables: Variables;
}

/** The called instance was deleted: its call activity instance is cancelled (and an emptied caller deleted). */
export interface CalledDeletedHandOver extends HandOverBase {
  kind: 'called-deleted';
  caller: CallerState;
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  externallyTerminated: boolean;
}

/** The called instance threw an error or escalation its caller catches. */
export interface ThrownToCallerHandOver extends HandOverBase {
  kind: 'thrown-to-caller';
  caller: CallerState;
  thrown: { kind: 'error' | 'escalation'; code: string; message?: string; caught: boolean; interrupting: boolean; variables: Variables };
}

/** An incident arose in the called instance (or below it): its call activity gets one too. */
export interface IncidentRaisedHandOver extends HandOverBase {
  kind: 'incident-raised';
  caller: CallerState;
  incidentId: string;
  rootCauseIncidentId: string;
  incidentType: IncidentState['type'];
}

/** That incident is gone (resolved, or the called instance ended): so is the call activity's. */
export interface IncidentResolvedHandOver extends HandOverBase {
  kind: 'incident-resolved';
  caller: CallerState;
  incidentId: string;
}

export type CallHandOver =
  | StartCalledHandOver
  | DeleteCalledHandOver
  | DetachCalledHandOver
  | CalledEndedHandOver
  | CalledDeletedHandOver
  | ThrownToCallerHandOver
  | IncidentRaisedHandOver
  | IncidentResolvedHandOver;

export const CALL_HAND_OVER_JOB_KIND = 'call-hand-over';
/** Hand-overs of one write packed into one item (a wide multi-instance call): expanded before they are carried out. */
export const HAND_OVER_GROUP_JOB_KIND = 'call-hand-over-group';
/**
 * Up to this many hand-overs of one instance write are items of their own; more (a parallel
 * multi-instance call activity of hundreds) are packed into groups, so the instance write stays one
 * transaction of at most 100 actions: every hand-over is stored with its cause, or none is.
 */
export const SEPARATE_HAND_OVERS = 30;
/** A group holds at most this many (its expansion is one transaction with the group's deletion) and this many bytes. */
const GROUP_RECORDS = 90;
const GROUP_BYTES = 300 * 1024;
/** An effect the engine refuses (an output mapping that fails) is tried this often, then left for an operator. */
export const HAND_OVER_RETRIES = 3;

/**
 * The ids of the hand-overs that happen at most once per called instance are derived from it, so the
 * receiver of a deletion can find the start it must stop.
 */
export const handOverIds = {
  start: (calledInstanceId: string) => `${calledInstanceId}-start`,
  delete: (calledInstanceId: string) => `${calledInstanceId}-delete`,
  ended: (calledInstanceId: string) => `${calledInstanceId}-ended`,
  /** An incident's mirror is raised and resolved once each: the resolution can find a raise it overtook. */
  incidentRaised: (incidentId: string) => `incident-${incidentId}-raised`,
  incidentResolved: (incidentId: string) => `incident-${incidentId}-resolved`,
};

export function isCallHandOver(item: Record<string, unknown>): boolean {
  return item.jobKind === CALL_HAND_OVER_JOB_KIND || item.jobKind === HAND_OVER_GROUP_JOB_KIND;
}

export function handOverItem(record: CallHandOver, layout: IndexLayout): Item {
  return {
    ...keys.job(record.id),
    kind: 'job',
    jobKind: CALL_HAND_OVER_JOB_KIND,
    id: record.id,
    // Not a job of an instance: no processInstanceId, so instance queries and the job list skip it.
    processInstanceId: null,
    handOver: JSON.stringify(record),
    retries: HAND_OVER_RETRIES,
    gsi1pk: shardKey('JOB', record.id, layout),
    gsi1sk: `${timeKey(record.created)}#${record.id}`,
  };
}

/** A stored hand-over with what is left of its retries. */
export interface StoredHandOver {
  record: CallHandOver;
  retries: number;
}

export class HandOverRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {}

  async get(id: string): Promise<StoredHandOver | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.job(id), ConsistentRead: true }));
    if (!item || item.jobKind !== CALL_HAND_OVER_JOB_KIND) return undefined;
    return { record: JSON.parse(item.handOver as string) as CallHandOver, retries: item.retries as number };
  }

  /** Joins the transaction of the instance change that causes the hand-over. */
  putAction(record: CallHandOver): Record<string, unknown> {
    return { Put: { TableName: this.tableName, Item: handOverItem(record, this.layout) } };
  }

  /**
   * The actions that store one write's hand-overs in its transaction: an item each, or, past
   * SEPARATE_HAND_OVERS, group items to expand before they are carried out (expandGroup).
   */
  writeActions(records: readonly CallHandOver[], newGroupId: () => string, now: number): { actions: Record<string, unknown>[]; groupIds: string[] } {
    if (records.length <= SEPARATE_HAND_OVERS) return { actions: records.map((record) => this.putAction(record)), groupIds: [] };
    const groups: CallHandOver[][] = [];
    let bytes = 0;
    for (const record of records) {
      const size = JSON.stringify(record).length;
      const last = groups[groups.length - 1];
      if (!last || last.length >= GROUP_RECORDS || bytes + size > GROUP_BYTES) {
        groups.push([record]);
        bytes = size;
      } else {
        last.push(record);
        bytes += size;
      }
    }
    const items = groups.map((group) => {
      const id = newGroupId();
      return {
        id,
        item: {
          ...keys.job(id),
          kind: 'job',
          jobKind: HAND_OVER_GROUP_JOB_KIND,
          id,
          processInstanceId: null,
          handOvers: JSON.stringify(group),
          retries: HAND_OVER_RETRIES,
          gsi1pk: shardKey('JOB', id, this.layout),
          gsi1sk: `${timeKey(now)}#${id}`,
        },
      };
    });
    return { actions: items.map(({ item }) => ({ Put: { TableName: this.tableName, Item: item } })), groupIds: items.map(({ id }) => id) };
  }

  /**
   * Turns a group into its hand-overs' own items, in one transaction with the group's deletion (so a
   * hand-over carried out once is never brought back). Returns them; none if the group is gone.
   */
  async expandGroup(groupId: string): Promise<CallHandOver[]> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.job(groupId), ConsistentRead: true }));
    if (!item || item.jobKind !== HAND_OVER_GROUP_JOB_KIND) return [];
    const records = JSON.parse(item.handOvers as string) as CallHandOver[];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [this.consumeAction(groupId), ...records.map((record) => this.putAction(record))] as never }));
    } catch (error) {
      // Another delivery expanded it first.
      if (isConditionalFailure(error) || isTransactionConflict(error)) return [];
      throw error;
    }
    return records;
  }

  /** Joins the transaction of the effect: it fails, and the effect with it, if the hand-over was consumed already. */
  consumeAction(id: string): Record<string, unknown> {
    return { Delete: { TableName: this.tableName, Key: keys.job(id), ConditionExpression: 'attribute_exists(pk)' } };
  }

  /**
   * Consumes a called instance's waiting start together with the deletion that stops it; fails
   * (ConcurrentModificationError) if either was consumed meanwhile.
   */
  async consumeBoth(startId: string, deleteId: string): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [this.consumeAction(startId), this.consumeAction(deleteId)] as never }));
    } catch (error) {
      if (isConditionalFailure(error) || isTransactionConflict(error)) throw new ConcurrentModificationError(startId);
      throw error;
    }
  }

  /** A hand-over with nothing (left) to do goes. */
  async delete(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.job(id) }));
  }

  /** An operator gave a failed hand-over retries again. */
  async setRetries(id: string, retries: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.job(id),
        UpdateExpression: 'SET retries = :retries REMOVE exceptionMessage',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':retries': retries },
      }),
    );
  }

  /** The engine refused the effect: one retry less (none left: the sweeper stops re-driving it). */
  async recordFailure(id: string, message: string): Promise<number | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.job(id),
          UpdateExpression: 'SET retries = retries - :one, exceptionMessage = :message',
          ConditionExpression: 'attribute_exists(pk) AND retries > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':message': message.slice(0, 4000) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return result.Attributes?.retries as number;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
