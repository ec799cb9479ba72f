import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { keys, timeKey } from './keys.ts';
import { queryAllPages, withoutKeys } from './paging.ts';
import type { Item } from './projections.ts';

/**
 * What the latest version of a process definition listens for outside any instance
 * (docs/data-model.md "Start events"): one item per message start event name (per tenant), and one
 * job item per timer start event, due like any job. A small set item per process key lists them, so
 * the next deployment of the key replaces them all in its own transaction.
 */

export interface MessageStartRecord {
  messageName: string;
  tenantId: string | null;
  definitionId: string;
  definitionKey: string;
  activityId: string;
}

export interface TimerStartJobRecord {
  id: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  tenantId: string | null;
  activityId: string;
  dueDate: number;
  retries: number;
  created: number;
  /** What is left of a cycle after this run (an ISO repeat), as on instance timer jobs. */
  repeat?: string;
  exceptionMessage?: string;
  /** PUT /job/{id}/priority; absent: 0. */
  priority?: number;
  /** PUT /job/{id}/suspended, or its definition suspended: the sweeper leaves it. */
  suspended?: boolean;
}

/** The items the latest version of one process key wrote for its start events. */
export interface StartEventSet {
  definitionId: string;
  version: number;
  itemKeys: { pk: string; sk: string }[];
}

export interface ConditionalStartRecord {
  tenantId: string | null;
  definitionId: string;
  definitionKey: string;
  activityId: string;
}

export const TIMER_START_JOB_KIND = 'timer-start';

export const startEventKeys = {
  /** All tenants' start events of one message name share a partition: correlation without a tenant reads them all. */
  messageStart: (messageName: string, tenantId: string | null) => ({ pk: `STARTMSG#${messageName}`, sk: `TENANT#${tenantId ?? ''}` }),
  set: (definitionKey: string, tenantId: string | null) => ({ pk: `DEFKEY#${tenantId ?? ''}#${definitionKey}`, sk: 'STARTEVENTS' }),
  /** Every conditional start event shares one partition: POST /condition evaluates them all. */
  conditionalStart: (record: ConditionalStartRecord) => ({ pk: 'STARTCOND', sk: `${record.tenantId ?? ''}#${record.definitionKey}#${record.activityId}` }),
};

export function conditionalStartItem(record: ConditionalStartRecord): Item {
  return { ...startEventKeys.conditionalStart(record), kind: 'conditionalStart', ...record };
}

export function messageStartItem(record: MessageStartRecord): Item {
  return { ...startEventKeys.messageStart(record.messageName, record.tenantId), kind: 'messageStart', ...record };
}

/** A timer start job has the shape of an instance's job item (GET /job lists it, the sweeper finds it when due), without an instance. */
export function timerStartJobItem(job: TimerStartJobRecord, layout: IndexLayout): Item {
  return {
    ...keys.job(job.id),
    kind: 'job',
    jobKind: TIMER_START_JOB_KIND,
    processInstanceId: null,
    executionId: null,
    ...job,
    repeat: job.repeat ?? null,
    exceptionMessage: job.exceptionMessage ?? null,
    gsi1pk: shardKey('JOB', job.id, layout),
    gsi1sk: `${timeKey(job.dueDate)}#${job.id}`,
  };
}

export function startEventSetItem(definitionKey: string, tenantId: string | null, set: StartEventSet): Item {
  return { ...startEventKeys.set(definitionKey, tenantId), kind: 'startEventSet', ...set };
}

export function isTimerStartJob(item: Record<string, unknown>): boolean {
  return item.jobKind === TIMER_START_JOB_KIND;
}

export class StartEventRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    /** Deployments write these items in their own transactions (see start-event-registration.ts). */
    readonly tableName: string,
  ) {}

  /** The message start events of a name: of one tenant (null: without tenant), or of every tenant when `tenant` is omitted. */
  async messageStarts(messageName: string, tenant?: { tenantId: string | null }): Promise<MessageStartRecord[]> {
    if (tenant) {
      const item = await this.get(startEventKeys.messageStart(messageName, tenant.tenantId));
      return item ? [withoutKeys<MessageStartRecord>(item)] : [];
    }
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': startEventKeys.messageStart(messageName, null).pk },
    });
    return items.map((item) => withoutKeys<MessageStartRecord>(item));
  }

  /** The conditional start events of the latest definitions: of one tenant (null: without tenant), or of all. */
  async conditionalStarts(tenant?: { tenantId: string | null }): Promise<ConditionalStartRecord[]> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'STARTCOND' } });
    return items.map((item) => withoutKeys<ConditionalStartRecord>(item)).filter((record) => !tenant || record.tenantId === tenant.tenantId);
  }

  async set(definitionKey: string, tenantId: string | null): Promise<StartEventSet | undefined> {
    const item = await this.get(startEventKeys.set(definitionKey, tenantId));
    return item ? withoutKeys<StartEventSet>(item) : undefined;
  }

  async timerStartJob(jobId: string): Promise<TimerStartJobRecord | undefined> {
    const item = await this.get(keys.job(jobId));
    if (!item || !isTimerStartJob(item)) return undefined;
    const { jobKind: _kind, processInstanceId: _instance, executionId: _execution, repeat, exceptionMessage, ...rest } = withoutKeys<Record<string, unknown>>(item);
    return { ...(rest as unknown as TimerStartJobRecord), repeat: (repeat as string | null) ?? undefined, exceptionMessage: (exceptionMessage as string | null) ?? undefined };
  }

  /**
   * The write that replaces a timer start job as it was read (its due date and retries unchanged
   * since): with its next occurrence, or removed when none is left. It joins the transaction that
   * creates the instance, so two runs of one due job start one instance.
   */
  timerStartJobAction(job: TimerStartJobRecord, next: TimerStartJobRecord | undefined, layout: IndexLayout): Record<string, unknown> {
    const guard = { ConditionExpression: 'dueDate = :due AND retries = :retries', ExpressionAttributeValues: { ':due': job.dueDate, ':retries': job.retries } };
    return next ? { Put: { TableName: this.tableName, Item: timerStartJobItem(next, layout), ...guard } } : { Delete: { TableName: this.tableName, Key: keys.job(job.id), ...guard } };
  }

  /** A failed run: one retry less and the failure's message, unless another run changed the job meanwhile. */
  async recordTimerStartJobFailure(job: TimerStartJobRecord, exceptionMessage: string, layout: IndexLayout): Promise<void> {
    const action = this.timerStartJobAction(job, { ...job, retries: Math.max(0, job.retries - 1), exceptionMessage }, layout) as { Put: Record<string, unknown> };
    try {
      await this.doc.send(new PutCommand(action.Put as never));
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** Removes a key's start event items and its set, as the set lists them (unless the set changed meanwhile). */
  async remove(definitionKey: string, tenantId: string | null, set: StartEventSet): Promise<void> {
    const guard = { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': set.version } };
    await this.write([
      { Delete: { TableName: this.tableName, Key: startEventKeys.set(definitionKey, tenantId), ...guard } },
      ...set.itemKeys.map((Key) => ({ Delete: { TableName: this.tableName, Key } })),
    ]);
  }

  /** Writes start event actions (a deployment writes them in its own transaction instead). */
  async write(actions: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < actions.length; i += 100) {
      await this.doc.send(new TransactWriteCommand({ TransactItems: actions.slice(i, i + 100) as never }));
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return item as Item | undefined;
  }
}
