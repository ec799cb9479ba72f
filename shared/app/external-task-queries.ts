/**
 * Querying external tasks (Camunda's ExternalTaskQuery and #getTopicNames): every filter of the
 * REST query, read from the narrowest index (one task, one instance, one topic, or all in creation
 * order), the rest filtered in memory with the caller's READ on the instance.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { mayInstanceItem } from './access.ts';
import type { AppContext } from './app-context.ts';
import type { QueryItem } from './read-models.ts';
import { itemsNeeded, type Paging, pageOfIndex, type Sorting, streamOf } from './result-page.ts';

export const EXTERNAL_TASK_SORT_KEYS = ['id', 'lockExpirationTime', 'processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'tenantId', 'taskPriority', 'createTime'] as const;
export type ExternalTaskSortKey = (typeof EXTERNAL_TASK_SORT_KEYS)[number];

export interface ExternalTaskFilter {
  externalTaskId?: string;
  externalTaskIdIn?: readonly string[];
  activityId?: string;
  activityIdIn?: readonly string[];
  topicName?: string;
  workerId?: string;
  locked?: boolean;
  notLocked?: boolean;
  withRetriesLeft?: boolean;
  noRetriesLeft?: boolean;
  processInstanceId?: string;
  processInstanceIdIn?: readonly string[];
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processDefinitionKeyIn?: readonly string[];
  tenantIdIn?: readonly string[];
  priorityHigherThanOrEquals?: number;
  priorityLowerThanOrEquals?: number;
}

/** The item field each sort key orders by. */
const SORT_FIELDS: Record<ExternalTaskSortKey, string> = {
  id: 'id',
  lockExpirationTime: 'lockExpirationTime',
  processInstanceId: 'processInstanceId',
  processDefinitionId: 'processDefinitionId',
  processDefinitionKey: 'processDefinitionKey',
  tenantId: 'tenantId',
  taskPriority: 'priority',
  createTime: 'created',
};

const isLocked = (item: QueryItem, now: number) => typeof item.lockExpirationTime === 'number' && item.lockExpirationTime > now;
const retriesLeft = (item: QueryItem) => item.retries === null || item.retries === undefined || (item.retries as number) > 0;
const within = (value: unknown, list: readonly string[] | undefined) => list === undefined || list.includes(value as string);

/** Whether an item matches every given filter (Camunda's ExternalTask.xml predicates); `true`-only flags act only when true. */
function matches(item: QueryItem, filter: ExternalTaskFilter, now: number): boolean {
  const equal: [string, unknown][] = [
    ['id', filter.externalTaskId],
    ['activityId', filter.activityId],
    ['topicName', filter.topicName],
    ['workerId', filter.workerId],
    ['processInstanceId', filter.processInstanceId],
    ['processDefinitionId', filter.processDefinitionId],
    ['processDefinitionKey', filter.processDefinitionKey],
  ];
  if (!equal.every(([field, value]) => value === undefined || item[field] === value)) return false;
  if (!within(item.id, filter.externalTaskIdIn) || !within(item.activityId, filter.activityIdIn) || !within(item.processInstanceId, filter.processInstanceIdIn)) return false;
  if (!within(item.processDefinitionKey, filter.processDefinitionKeyIn) || !within(item.tenantId, filter.tenantIdIn)) return false;
  if (filter.locked === true && !isLocked(item, now)) return false;
  if (filter.notLocked === true && isLocked(item, now)) return false;
  if (filter.withRetriesLeft === true && !retriesLeft(item)) return false;
  if (filter.noRetriesLeft === true && item.retries !== 0) return false;
  const priority = item.priority as number;
  if (filter.priorityHigherThanOrEquals !== undefined && priority < filter.priorityHigherThanOrEquals) return false;
  if (filter.priorityLowerThanOrEquals !== undefined && priority > filter.priorityLowerThanOrEquals) return false;
  return true;
}

/** The narrowest index for the filter, in creation order where it is an index of all or of a topic. */
function candidates(app: AppContext, filter: ExternalTaskFilter, paging: Paging): AsyncIterable<QueryItem> {
  const items = app.engine.deps.items;
  if (filter.externalTaskId !== undefined) return streamOf(items.getExternalTask(filter.externalTaskId));
  if (filter.processInstanceId !== undefined) return streamOf(items.externalTasksOfInstance(filter.processInstanceId));
  if (filter.topicName !== undefined) return streamOf(items.externalTasksOfTopic(filter.topicName));
  return items.allExternalTasks({ expected: itemsNeeded(paging) });
}

/** One page of the external tasks the caller may read that match the filter (created order, or the sort). */
export async function findExternalTasks(app: AppContext, caller: AuthContext, query: ExternalTaskFilter & Paging & { sort?: Sorting<ExternalTaskSortKey> }): Promise<QueryItem[]> {
  const now = app.engine.env.now();
  const accept = async (item: QueryItem) => matches(item, query, now) && (await mayInstanceItem(caller, item, 'READ'));
  return pageOfIndex(
    (paging) => candidates(app, query, paging),
    accept,
    query,
    (item, by: ExternalTaskSortKey) => item[SORT_FIELDS[by]] as string | number | null | undefined,
  );
}

export async function countExternalTasks(app: AppContext, caller: AuthContext, filter: ExternalTaskFilter): Promise<number> {
  return (await findExternalTasks(app, caller, filter)).length;
}

/**
 * The distinct topics of the readable external tasks (GetTopicNamesCmd): each flag that is true adds
 * its condition, so asking for locked and unlocked tasks at once finds none.
 */
export async function externalTaskTopicNames(app: AppContext, caller: AuthContext, flags: { withLockedTasks?: boolean; withUnlockedTasks?: boolean; withRetriesLeft?: boolean }): Promise<string[]> {
  const tasks = await findExternalTasks(app, caller, { locked: flags.withLockedTasks, notLocked: flags.withUnlockedTasks, withRetriesLeft: flags.withRetriesLeft });
  return [...new Set(tasks.map((task) => task.topicName as string))].sort();
}
