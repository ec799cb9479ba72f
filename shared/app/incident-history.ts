/**
 * The historic incidents (Camunda's HistoricIncidentQuery): every incident of an instance, open,
 * resolved or deleted. Readable with READ on the historic process instance or READ_HISTORY on its
 * definition, within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { HistoricIncidentRecord } from '../store/incident-history.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sqlLike } from '../query/sql-like.ts';
import { sortKeepingTies } from '../query/sort.ts';

/** A historic incident as the routes show it. */
export type HistoricIncidentView = HistoricIncidentRecord;

export interface HistoricIncidentFilter {
  incidentId?: string;
  incidentType?: string;
  incidentMessage?: string;
  incidentMessageLike?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processDefinitionKeyIn?: readonly string[];
  processInstanceId?: string;
  executionId?: string;
  createTimeBefore?: number;
  createTimeAfter?: number;
  endTimeBefore?: number;
  endTimeAfter?: number;
  activityId?: string;
  failedActivityId?: string;
  causeIncidentId?: string;
  rootCauseIncidentId?: string;
  configuration?: string;
  historyConfiguration?: string;
  open?: boolean;
  resolved?: boolean;
  deleted?: boolean;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  /** Job definitions are not kept with incidents here: this filter matches nothing. */
  jobDefinitionIdIn?: readonly string[];
}

export const HISTORIC_INCIDENT_SORT_KEYS = [
  'incidentId',
  'incidentMessage',
  'createTime',
  'endTime',
  'incidentType',
  'executionId',
  'activityId',
  'processInstanceId',
  'processDefinitionId',
  'processDefinitionKey',
  'causeIncidentId',
  'rootCauseIncidentId',
  'configuration',
  'historyConfiguration',
  'tenantId',
  'incidentState',
] as const;
type SortKey = (typeof HISTORIC_INCIDENT_SORT_KEYS)[number];

/** Camunda's incident states, as its sorting orders them (open 0, resolved 1, deleted 2). */
const STATE_ORDER = { open: 0, resolved: 1, deleted: 2 } as const;

function matches(record: HistoricIncidentRecord, filter: HistoricIncidentFilter): boolean {
  const equal = <K extends keyof HistoricIncidentRecord>(key: K, wanted: HistoricIncidentRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  const inTime = (value: number | null, after: number | undefined, before: number | undefined) =>
    (after === undefined || (value !== null && value > after)) && (before === undefined || (value !== null && value < before));
  return (
    equal('id', filter.incidentId) &&
    equal('incidentType', filter.incidentType) &&
    equal('incidentMessage', filter.incidentMessage) &&
    (filter.incidentMessageLike === undefined || sqlLike(filter.incidentMessageLike)(record.incidentMessage)) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    within(filter.processDefinitionKeyIn, record.processDefinitionKey) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('executionId', filter.executionId) &&
    inTime(record.createTime, filter.createTimeAfter, filter.createTimeBefore) &&
    inTime(record.endTime, filter.endTimeAfter, filter.endTimeBefore) &&
    equal('activityId', filter.activityId) &&
    (filter.failedActivityId === undefined || record.activityId === filter.failedActivityId) &&
    equal('causeIncidentId', filter.causeIncidentId) &&
    equal('rootCauseIncidentId', filter.rootCauseIncidentId) &&
    equal('configuration', filter.configuration) &&
    (filter.historyConfiguration === undefined || record.configuration === filter.historyConfiguration) &&
    (!filter.open || record.state === 'open') &&
    (!filter.resolved || record.state === 'resolved') &&
    (!filter.deleted || record.state === 'deleted') &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null) &&
    filter.jobDefinitionIdIn === undefined
  );
}

const readable = (caller: AuthContext, record: HistoricIncidentRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: HistoricIncidentFilter): Promise<HistoricIncidentRecord[]> {
  const history = app.engine.deps.incidentHistory;
  const candidates = await history.candidates({ id: filter.incidentId, processInstanceId: filter.processInstanceId });
  const found: HistoricIncidentRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

function sortValue(record: HistoricIncidentRecord, by: SortKey): string | number | null {
  switch (by) {
    case 'incidentId':
      return record.id;
    case 'incidentState':
      return STATE_ORDER[record.state];
    case 'historyConfiguration':
      return record.configuration;
    default:
      return record[by];
  }
}

/** GET /history/incident: sorted as asked (ties in creation order), else in creation order. */
export const queryHistoricIncidents: UseCase<{ filter: HistoricIncidentFilter; sort?: { by: SortKey; descending: boolean } } & Paging, HistoricIncidentRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => a.createTime - b.createTime);
  return pageOf(sortKeepingTies(found, query.sort, sortValue), query);
};

export const countHistoricIncidents: UseCase<HistoricIncidentFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;
