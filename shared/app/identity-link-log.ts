/**
 * The historic identity link log (Camunda's HistoricIdentityLinkLogQuery): who was made assignee,
 * owner or candidate of a user task, and when that was taken back. Readable with READ on the
 * historic process instance or READ_HISTORY on its definition, within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { IdentityLinkLogRecord } from '../store/identity-link-log.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

/** An entry as the routes show it. */
export type IdentityLinkLogView = IdentityLinkLogRecord;

export interface IdentityLinkLogFilter {
  type?: string;
  userId?: string;
  groupId?: string;
  /** Inclusive bounds, as Camunda's query. */
  dateBefore?: number;
  dateAfter?: number;
  taskId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  operationType?: string;
  /** Who made a change is not recorded: an assigner filter matches nothing. */
  assignerId?: string;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
}

export const IDENTITY_LINK_LOG_SORT_KEYS = ['time', 'type', 'userId', 'groupId', 'taskId', 'processDefinitionId', 'processDefinitionKey', 'operationType', 'assignerId', 'tenantId'] as const;
type SortKey = (typeof IDENTITY_LINK_LOG_SORT_KEYS)[number];

function matches(record: IdentityLinkLogRecord, filter: IdentityLinkLogFilter): boolean {
  const equal = <K extends keyof IdentityLinkLogRecord>(key: K, wanted: IdentityLinkLogRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  return (
    equal('type', filter.type) &&
    equal('userId', filter.userId) &&
    equal('groupId', filter.groupId) &&
    (filter.dateBefore === undefined || record.time <= filter.dateBefore) &&
    (filter.dateAfter === undefined || record.time >= filter.dateAfter) &&
    equal('taskId', filter.taskId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    (filter.operationType === undefined || record.operationType === filter.operationType) &&
    filter.assignerId === undefined &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null)
  );
}

const readable = (caller: AuthContext, record: IdentityLinkLogRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: IdentityLinkLogFilter): Promise<IdentityLinkLogRecord[]> {
  const found: IdentityLinkLogRecord[] = [];
  for await (const record of app.engine.deps.identityLinkLog.all()) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

function sortValue(record: IdentityLinkLogRecord, by: SortKey): string | number | null {
  if (by === 'assignerId') return null;
  return record[by];
}

/** GET /history/identity-link-log: sorted as asked (ties in the order the entries were written), else in that order. */
export const queryIdentityLinkLog: UseCase<{ filter: IdentityLinkLogFilter; sort?: { by: SortKey; descending: boolean } } & Paging, IdentityLinkLogRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
  return pageOf(sortKeepingTies(found, query.sort, sortValue), query);
};

export const countIdentityLinkLog: UseCase<IdentityLinkLogFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;
