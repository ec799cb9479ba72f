/**
 * The historic external task log (Camunda's HistoricExternalTaskLogQuery): what happened to each
 * external task of an instance (created, failed, succeeded, deleted). Readable with READ on the
 * historic process instance or READ_HISTORY on its definition, within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { ExternalTaskLogRecord } from '../store/external-task-log.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

/** An entry as the routes show it. */
export type ExternalTaskLogView = ExternalTaskLogRecord;

export interface ExternalTaskLogFilter {
  logId?: string;
  externalTaskId?: string;
  topicName?: string;
  workerId?: string;
  errorMessage?: string;
  activityIdIn?: readonly string[];
  activityInstanceIdIn?: readonly string[];
  executionIdIn?: readonly string[];
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  priorityHigherThanOrEquals?: number;
  priorityLowerThanOrEquals?: number;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  creationLog?: boolean;
  failureLog?: boolean;
  successLog?: boolean;
  deletionLog?: boolean;
}

export const EXTERNAL_TASK_LOG_SORT_KEYS = [
  'timestamp',
  'externalTaskId',
  'retries',
  'priority',
  'topicName',
  'workerId',
  'activityId',
  'activityInstanceId',
  'executionId',
  'processInstanceId',
  'processDefinitionId',
  'processDefinitionKey',
  'tenantId',
] as const;
type SortKey = (typeof EXTERNAL_TASK_LOG_SORT_KEYS)[number];

function matches(record: ExternalTaskLogRecord, filter: ExternalTaskLogFilter): boolean {
  const equal = <K extends keyof ExternalTaskLogRecord>(key: K, wanted: ExternalTaskLogRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  return (
    equal('id', filter.logId) &&
    equal('externalTaskId', filter.externalTaskId) &&
    equal('topicName', filter.topicName) &&
    equal('workerId', filter.workerId) &&
    equal('errorMessage', filter.errorMessage) &&
    within(filter.activityIdIn, record.activityId) &&
    within(filter.activityInstanceIdIn, record.activityInstanceId) &&
    within(filter.executionIdIn, record.executionId) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    (filter.priorityHigherThanOrEquals === undefined || record.priority >= filter.priorityHigherThanOrEquals) &&
    (filter.priorityLowerThanOrEquals === undefined || record.priority <= filter.priorityLowerThanOrEquals) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null) &&
    (!filter.creationLog || record.kind === 'creation') &&
    (!filter.failureLog || record.kind === 'failure') &&
    (!filter.successLog || record.kind === 'success') &&
    (!filter.deletionLog || record.kind === 'deletion')
  );
}

const readable = (caller: AuthContext, record: ExternalTaskLogRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: ExternalTaskLogFilter): Promise<ExternalTaskLogRecord[]> {
  const candidates = await app.engine.deps.externalTaskLog.candidates({ id: filter.logId, processInstanceId: filter.processInstanceId });
  const found: ExternalTaskLogRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

/** GET/POST /history/external-task-log: sorted as asked (ties in the order the entries were written), else in that order. */
export const queryExternalTaskLog: UseCase<{ filter: ExternalTaskLogFilter; sort?: { by: SortKey; descending: boolean } } & Paging, ExternalTaskLogRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
  return pageOf(
    sortKeepingTies(found, query.sort, (record, by) => record[by]),
    query,
  );
};

export const countExternalTaskLog: UseCase<ExternalTaskLogFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

/** GET /history/external-task-log/{id}: Camunda's 404 for an unknown or unreadable one. */
export const getExternalTaskLog: UseCase<{ id: string }, ExternalTaskLogRecord> = async (app, caller, { id }) => {
  const record = await app.engine.deps.externalTaskLog.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`Historic external task log with id ${id} does not exist`);
  return record;
};

/** GET /history/external-task-log/{id}/error-details: the failure's details; undefined for an entry without. */
export const getExternalTaskLogErrorDetails: UseCase<{ id: string }, string | undefined> = async (app, caller, { id }) => {
  const record = await app.engine.deps.externalTaskLog.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`No historic external task log found with id ${id}: historicExternalTaskLog is null`);
  return record.errorDetails ?? undefined;
};
