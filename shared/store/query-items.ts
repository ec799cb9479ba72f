import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryAllPages } from './paging.ts';
import { keys, timeKey } from './keys.ts';
import type { Item } from './projections.ts';

/** Read access to the query items (tasks, external tasks, jobs, subscriptions, incidents, history). */
export class QueryItemRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  getJob(id: string) {
    return this.get(keys.job(id));
  }

  getHistoricInstance(id: string) {
    return this.get(keys.historicInstance(id));
  }

  /** All items of one kind in index order (gsi1: tasks, jobs by due date, incidents, history...). */
  byKind(gsi1pk: string, upToSortKey?: string): Promise<Item[]> {
    return upToSortKey === undefined
      ? this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': gsi1pk } })
      : this.query({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upTo',
          ExpressionAttributeValues: { ':pk': gsi1pk, ':upTo': upToSortKey },
        });
  }

  /** Every user task, in creation order. */
  tasks(): Promise<Item[]> {
    return this.byKind('TASK');
  }

  /** The external tasks of one topic, in creation order. */
  externalTasksOfTopic(topic: string): Promise<Item[]> {
    return this.byKind(`EXTTASK#${topic}`);
  }

  /** The external tasks of one process instance. */
  externalTasksOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'EXTTASK#');
  }

  /** Every job, by due date. */
  jobs(): Promise<Item[]> {
    return this.byKind('JOB');
  }

  /** The jobs of one process instance. */
  jobsOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'JOB#');
  }

  /** Every incident. */
  incidents(): Promise<Item[]> {
    return this.byKind('INCIDENT');
  }

  /** The incidents of one process instance. */
  incidentsOfInstance(processInstanceId: string): Promise<Item[]> {
    return this.ofInstance(processInstanceId, 'INCIDENT#');
  }

  /** The message subscriptions waiting for one message name. */
  messageSubscriptions(messageName: string): Promise<Item[]> {
    return this.byKind(`MSG#${messageName}`);
  }

  /** Jobs due at `now` (the timer sweeper), oldest first. */
  dueJobs(now: number): Promise<Item[]> {
    return this.byKind('JOB', `${timeKey(now)}#~`);
  }

  /** Items belonging to one process instance, optionally of one kind prefix (TASK#, JOB#...). */
  ofInstance(processInstanceId: string, prefix = ''): Promise<Item[]> {
    return this.query({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PI#${processInstanceId}`, ':prefix': prefix },
    });
  }

  private query(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }

  /** Every historic process instance (the HPI items of gsi1), for the history queries. */
  historicProcessInstances(): Promise<Item[]> {
    return this.byKind('HPI');
  }
}
