import { BatchGetCommand, BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { allShards, type IndexLayout } from './index-layout.ts';
import { type IndexRange, IndexReader, type ReadHint } from './index-reader.ts';
import { keys, timeKey } from './keys.ts';
import { queryAllPages } from './paging.ts';
import type { Item } from './projections.ts';
import { activityHistoryKeys, type HistoricActivityRecord, joinActivityHistory } from './activity-history.ts';
import { allPairedRecords, type PairedFamily, pairedRecord, pairedRecordsOfInstance } from './paired-history.ts';

const ACTIVITY_PAIRS: PairedFamily<HistoricActivityRecord> = { first: 'START', second: 'END', secondKey: activityHistoryKeys.end, join: joinActivityHistory };

/** Read access to the query items (tasks, external tasks, jobs, subscriptions, incidents, history). */
export class QueryItemRepository {
  private readonly reader: IndexReader;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return item as Item | undefined;
  }

  getTask(id: string) {
    return this.get(keys.task(id));
  }

  getExternalTask(id: string) {
    return this.get(keys.externalTask(id));
  }

  getIncident(id: string) {
    return this.get(keys.incident(id));
  }

  /** Every external task, in creation order. */
  allExternalTasks(hint: ReadHint = {}): AsyncGenerator<Item> {
    return this.reader.ordered({ index: 'gsi4', partitions: allShards('EXTTASK', this.layout) }, hint);
  }

  /** Every event subscription of a running instance, in creation order. */
  allSubscriptions(hint: ReadHint = {}): AsyncGenerator<Item> {
    return this.reader.ordered({ index: 'gsi4', partitions: allShards('SUB', this.layout) }, hint);
  }

  getSubscription(id: string) {
    return this.get(keys.subscription(id));
  }

  /** The event subscriptions of one process instance. */
  subscriptionsOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'SUB#');
  }

  getJob(id: string) {
    return this.get(keys.job(id));
  }

  /** The kind of an instance-less job (timer start, signal broadcast, call hand-over), read consistently; undefined when it is gone. */
  async jobKindOf(id: string): Promise<string | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.job(id), ConsistentRead: true, ProjectionExpression: 'jobKind' }));
    return item ? ((item.jobKind as string | undefined) ?? '') : undefined;
  }

  getHistoricInstance(id: string) {
    return this.get(keys.historicInstance(id));
  }

  /** Removes a finished instance's history row (DELETE /history/process-instance/{id}). */
  async deleteHistoricInstance(id: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.historicInstance(id),
        ConditionExpression: 'attribute_exists(endTime) AND endTime <> :none',
        ExpressionAttributeValues: { ':none': null },
      }),
    );
  }

  /** Every user task, in creation order, or those of one process instance, assignee or definition key (see taskIndexFor). */
  tasks(filter: TaskIndexFilter = {}, hint: ReadHint = {}): AsyncGenerator<Item> {
    const by = taskIndexFor(filter);
    if (by === 'taskId') return this.single(keys.task(filter.taskId!));
    if (by === 'processInstanceId') return this.ofInstanceInOrder(filter.processInstanceId!, 'TASK#', 'gsi1sk');
    return this.reader.ordered(this.taskRange(filter), hint);
  }

  /** The task index range of the filter: by instance, assignee, definition key, or all tasks. */
  private taskRange(filter: TaskIndexFilter): IndexRange {
    const by = taskIndexFor(filter);
    if (by === 'processInstanceId') return { index: 'gsi2', partitions: [`PI#${filter.processInstanceId}`], prefix: 'TASK#' };
    if (by === 'assignee') return { index: 'gsi3', partitions: allShards(`TASK#ASSIGNEE#${filter.assignee}`, this.layout) };
    if (by === 'processDefinitionKey') return { index: 'gsi4', partitions: allShards(`TASK#DEFKEY#${filter.processDefinitionKey}`, this.layout) };
    return { index: 'gsi1', partitions: allShards('TASK', this.layout) };
  }

  /**
   * The tasks for which one of the given users or groups is a candidate, in creation order, each
   * once: their lookup items (gsi3, merged across candidates and shards), then the tasks themselves
   * in batches of the page's size.
   */
  async *tasksOfCandidates(candidates: { users: readonly string[]; groups: readonly string[] }, hint: ReadHint = {}): AsyncGenerator<Item> {
    const partitions = [
      ...candidates.users.flatMap((user) => allShards(`TASK#CANDUSER#${user}`, this.layout)),
      ...candidates.groups.flatMap((group) => allShards(`TASK#CANDGROUP#${group}`, this.layout)),
    ];
    if (partitions.length === 0) return;
    const batchSize = Math.min(BATCH_GET_LIMIT, Math.max(5, hint.expected ?? BATCH_GET_LIMIT));
    let batch: string[] = [];
    let last: string | undefined;
    for await (const lookup of this.reader.ordered({ index: 'gsi3', partitions }, hint)) {
      // The same task under two candidates has the same sort key: adjacent in the merge.
      if (lookup.gsi3sk === last) continue;
      last = lookup.gsi3sk as string;
      batch.push(lookup.taskId as string);
      if (batch.length >= batchSize) {
        yield* await this.tasksById(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* await this.tasksById(batch);
  }

  /** The activity history of one instance, START and END items joined, by start time. */
  activityHistoryOfInstance(processInstanceId: string): Promise<HistoricActivityRecord[]> {
    return pairedRecordsOfInstance(this.doc, this.tableName, activityHistoryKeys.ofInstance(processInstanceId), ACTIVITY_PAIRS);
  }

  /** Removes an instance's activity history (DELETE /history/process-instance/{id}). */
  async deleteActivityHistoryOfInstance(processInstanceId: string): Promise<void> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': activityHistoryKeys.ofInstance(processInstanceId) },
      ProjectionExpression: 'pk, sk',
    });
    for (let i = 0; i < items.length; i += 25) {
      let requests: Record<string, unknown>[] = items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      while (requests.length > 0) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  /** One historic activity instance, read consistently (its partition holds both items). */
  activityHistory(id: string): Promise<HistoricActivityRecord | undefined> {
    return pairedRecord(this.doc, this.tableName, activityHistoryKeys.start(id).pk, ACTIVITY_PAIRS);
  }

  /** Every historic activity instance, by start time, joined with its END item a page at a time. */
  allActivityHistory(hint: ReadHint = {}): AsyncGenerator<HistoricActivityRecord> {
    return allPairedRecords(this.doc, this.tableName, this.reader, allShards('HAI', this.layout), ACTIVITY_PAIRS, hint);
  }

  /** Tasks by id, in the given order; a task deleted meanwhile is left out. */
  private async tasksById(ids: readonly string[]): Promise<Item[]> {
    const found = new Map<string, Item>();
    let keysToRead: Record<string, unknown>[] = ids.map((id) => keys.task(id));
    while (keysToRead.length > 0) {
      const result = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keysToRead } } }));
      for (const item of (result.Responses?.[this.tableName] ?? []) as Item[]) found.set(item.id as string, item);
      keysToRead = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** How many tasks the index of the filter holds, counted by DynamoDB; only exact when taskIndexFor answered every filter. */
  countTasks(filter: TaskIndexFilter = {}): Promise<number> {
    if (taskIndexFor(filter) === 'taskId') return this.getTask(filter.taskId!).then((item) => (item ? 1 : 0));
    return this.reader.count(this.taskRange(filter));
  }

  /** The external tasks of one topic, in creation order. */
  externalTasksOfTopic(topic: string): Promise<Item[]> {
    return this.reader.all({ index: 'gsi1', partitions: allShards(`EXTTASK#${topic}`, this.layout) });
  }

  /**
   * The external tasks of a topic that can be locked at `now` (retries left, no lock or an expired
   * one): the never-locked ones in creation order, then the expired locks oldest first.
   */
  fetchableExternalTasks(topic: string, now: number, hint: ReadHint = {}): AsyncGenerator<Item> {
    return this.reader.ordered({ index: 'gsi3', partitions: allShards(`EXTTASK#FETCHABLE#${topic}`, this.layout), upTo: `${timeKey(now)}#~` }, hint);
  }

  /** The external tasks of one process instance. */
  externalTasksOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'EXTTASK#');
  }

  /** Every job, by due date. */
  jobs(): Promise<Item[]> {
    return this.reader.all({ index: 'gsi1', partitions: allShards('JOB', this.layout) });
  }

  /** The jobs of one process instance. */
  jobsOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'JOB#');
  }

  /** Every incident in creation order, or those of one type. */
  incidents(filter: { incidentType?: string } = {}): Promise<Item[]> {
    return filter.incidentType
      ? this.reader.all({ index: 'gsi3', partitions: allShards(`INCIDENT#TYPE#${filter.incidentType}`, this.layout) })
      : this.reader.all({ index: 'gsi1', partitions: allShards('INCIDENT', this.layout) });
  }

  /** The incidents of one process instance. */
  incidentsOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'INCIDENT#');
  }

  /** The message subscriptions waiting for one message name, oldest first. */
  messageSubscriptions(messageName: string): Promise<Item[]> {
    return this.reader.all({ index: 'gsi1', partitions: allShards(`MSG#${messageName}`, this.layout) });
  }

  /** The signal subscriptions waiting for one signal name, oldest first. */
  signalSubscriptions(signalName: string): Promise<Item[]> {
    return this.reader.all({ index: 'gsi1', partitions: allShards(`SIG#${signalName}`, this.layout) });
  }

  /** Jobs due at `now` (the timer sweeper), oldest first. */
  dueJobs(now: number): Promise<Item[]> {
    return this.reader.all({ index: 'gsi1', partitions: allShards('JOB', this.layout), upTo: `${timeKey(now)}#~` });
  }

  /** Items belonging to one process instance, optionally of one kind prefix (TASK#, JOB#...). */
  ofInstance(processInstanceId: string, prefix = ''): Promise<Item[]> {
    return this.query({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PI#${processInstanceId}`, ':prefix': prefix },
    });
  }

  /** One item by its key, as a stream of at most one. */
  private async *single(key: { pk: string; sk: string }): AsyncGenerator<Item> {
    const item = await this.get(key);
    if (item) yield item;
  }

  /** An instance's items of one kind, in the order of another sort key (an instance has few of them). */
  private async *ofInstanceInOrder(processInstanceId: string, prefix: string, orderBy: string): AsyncGenerator<Item> {
    const items = await this.ofInstance(processInstanceId, prefix);
    yield* items.sort((a, b) => compareStrings(a[orderBy] as string, b[orderBy] as string));
  }

  private query(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }

  /** Historic process instances in start order: all, or those of one definition id or key (see historyIndexFor). */
  historicProcessInstances(filter: HistoryIndexFilter = {}, hint: ReadHint = {}): AsyncGenerator<Item> {
    const by = historyIndexFor(filter);
    if (by === 'processInstanceId') return this.single(keys.historicInstance(filter.processInstanceId!));
    if (by === 'processDefinitionId') return this.reader.ordered({ index: 'gsi2', partitions: allShards(`HPIDEF#${filter.processDefinitionId}`, this.layout) }, hint);
    if (by === 'processDefinitionKey') return this.reader.ordered({ index: 'gsi4', partitions: allShards(`HPIKEY#${filter.processDefinitionKey}`, this.layout) }, hint);
    return this.reader.ordered({ index: 'gsi1', partitions: allShards('HPI', this.layout) }, hint);
  }

  /**
   * The historic instances an instance called (ended or not) and the one that called an instance:
   * the call links under the caller's history row, read by key, oldest first.
   */
  async *linkedHistoricInstances(filter: { superProcessInstanceId?: string; subProcessInstanceId?: string }): AsyncGenerator<Item> {
    let ids: string[] | undefined;
    if (filter.superProcessInstanceId) {
      const links = await this.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :called)',
        ExpressionAttributeValues: { ':pk': `HPI#${filter.superProcessInstanceId}`, ':called': 'CALLED#' },
      });
      ids = links.map((link) => link.id as string);
    }
    if (filter.subProcessInstanceId) {
      const called = await this.getHistoricInstance(filter.subProcessInstanceId);
      const callerId = called?.superProcessInstanceId as string | null | undefined;
      ids = callerId && (!ids || ids.includes(callerId)) ? [callerId] : [];
    }
    const items = await Promise.all((ids ?? []).map((id) => this.getHistoricInstance(id)));
    yield* items.filter((item): item is Item => item !== undefined).sort((a, b) => (a.startTime as number) - (b.startTime as number) || ((a.id as string) < (b.id as string) ? -1 : 1));
  }

  /** Finished historic instances by end time (then id), for history cleanup and end-time ordered reads. */
  finishedHistoricInstances(options: { descending?: boolean } = {}, hint: ReadHint = {}): AsyncGenerator<Item> {
    return this.reader.ordered({ index: 'gsi3', partitions: allShards('HPIEND', this.layout), descending: options.descending }, hint);
  }
}

/** BatchGetItem reads at most 100 keys per request; pages here are smaller. */
const BATCH_GET_LIMIT = 50;

export interface TaskIndexFilter {
  taskId?: string;
  processInstanceId?: string;
  assignee?: string;
  processDefinitionKey?: string;
}

/** The filter a task read is narrowed by, most selective first; the others are checked by the caller. */
export function taskIndexFor(filter: TaskIndexFilter): keyof TaskIndexFilter | undefined {
  if (filter.taskId) return 'taskId';
  if (filter.processInstanceId) return 'processInstanceId';
  if (filter.assignee) return 'assignee';
  if (filter.processDefinitionKey) return 'processDefinitionKey';
  return undefined;
}

export interface HistoryIndexFilter {
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
}

export function historyIndexFor(filter: HistoryIndexFilter): keyof HistoryIndexFilter | undefined {
  if (filter.processInstanceId) return 'processInstanceId';
  if (filter.processDefinitionId) return 'processDefinitionId';
  if (filter.processDefinitionKey) return 'processDefinitionKey';
  return undefined;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
