/**
 * Historic activity instances (Camunda's HistoricActivityInstanceQuery): what every activity
 * instance of an instance did, from its start to its end, kept after the instance ends. Readable
 * with READ on the historic process instance or READ_HISTORY on its definition.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { processInstanceOfExecution } from '../engine/execution-facade.ts';
import type { HistoricActivityRecord } from '../store/activity-history.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import { type Paging, pageOf } from './result-page.ts';

export type { HistoricActivityRecord };

export interface ActivityHistoryFilter {
  activityInstanceId?: string;
  processInstanceId?: string;
  processDefinitionId?: string;
  executionId?: string;
  activityId?: string;
  activityName?: string;
  activityType?: string;
  taskAssignee?: string;
  finished?: boolean;
  unfinished?: boolean;
  canceled?: boolean;
  completeScope?: boolean;
  startedBefore?: number;
  startedAfter?: number;
  finishedBefore?: number;
  finishedAfter?: number;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
}

export const ACTIVITY_HISTORY_SORT_KEYS = [
  'activityInstanceId',
  'instanceId',
  'executionId',
  'activityId',
  'activityName',
  'activityType',
  'startTime',
  'endTime',
  'duration',
  'definitionId',
  'occurrence',
  'tenantId',
] as const;
type SortKey = (typeof ACTIVITY_HISTORY_SORT_KEYS)[number];

function matches(record: HistoricActivityRecord, filter: ActivityHistoryFilter): boolean {
  const equal = <K extends keyof HistoricActivityRecord>(key: K, wanted: HistoricActivityRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  return (
    equal('id', filter.activityInstanceId) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('executionId', filter.executionId) &&
    equal('activityId', filter.activityId) &&
    equal('activityName', filter.activityName) &&
    equal('activityType', filter.activityType) &&
    equal('assignee', filter.taskAssignee) &&
    (!filter.finished || record.endTime !== null) &&
    (!filter.unfinished || record.endTime === null) &&
    (!filter.canceled || record.canceled) &&
    // An end event that completed its scope: not recorded here, so no activity instance qualifies.
    !filter.completeScope &&
    (filter.startedBefore === undefined || record.startTime <= filter.startedBefore) &&
    (filter.startedAfter === undefined || record.startTime >= filter.startedAfter) &&
    (filter.finishedBefore === undefined || (record.endTime !== null && record.endTime <= filter.finishedBefore)) &&
    (filter.finishedAfter === undefined || (record.endTime !== null && record.endTime >= filter.finishedAfter)) &&
    (!filter.tenantIdIn?.length || (record.tenantId !== null && filter.tenantIdIn.includes(record.tenantId))) &&
    (!filter.withoutTenantId || record.tenantId === null)
  );
}

const readable = (caller: AuthContext, record: HistoricActivityRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: ActivityHistoryFilter): Promise<HistoricActivityRecord[]> {
  const items = app.engine.deps.items;
  let candidates: AsyncIterable<HistoricActivityRecord> | HistoricActivityRecord[];
  if (filter.activityInstanceId) candidates = [await items.activityHistory(filter.activityInstanceId)].filter((r): r is HistoricActivityRecord => r !== undefined);
  else if (filter.processInstanceId) candidates = await items.activityHistoryOfInstance(filter.processInstanceId);
  // An execution id names its instance (shared/engine/execution-facade.ts): one instance's history is read.
  else if (filter.executionId) candidates = await items.activityHistoryOfInstance(processInstanceOfExecution(filter.executionId));
  else candidates = items.allActivityHistory();
  const found: HistoricActivityRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

function sortValue(record: HistoricActivityRecord, by: SortKey): string | number | null {
  switch (by) {
    case 'activityInstanceId':
      return record.id;
    case 'instanceId':
      return record.processInstanceId;
    case 'duration':
      return record.endTime === null ? null : record.endTime - record.startTime;
    case 'definitionId':
      return record.processDefinitionId;
    // Camunda's occurrence is the order in which the activity instances were created.
    case 'occurrence':
      return record.occurrence;
    default:
      return record[by];
  }
}

/** GET/POST /history/activity-instance: sorted as asked (ties in the order the activities began), else in that order. */
export const queryActivityHistory: UseCase<{ filter: ActivityHistoryFilter; sort?: { by: SortKey; descending: boolean } } & Paging, HistoricActivityRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  const by = query.sort?.by ?? 'occurrence';
  const direction = query.sort?.descending ? -1 : 1;
  found.sort((a, b) => {
    const x = sortValue(a, by);
    const y = sortValue(b, by);
    if (x === y) return a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0;
    if (x === null) return -direction;
    if (y === null) return direction;
    return (x < y ? -1 : 1) * direction;
  });
  return pageOf(found, query);
};

export const countActivityHistory: UseCase<ActivityHistoryFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

export const getActivityHistory: UseCase<{ id: string }, HistoricActivityRecord> = async (app, caller, { id }) => {
  const record = await app.engine.deps.items.activityHistory(id);
  if (!record || !(await readable(caller, record))) throw notFoundRequest(`Historic activity instance with id '${id}' does not exist`);
  return record;
};
