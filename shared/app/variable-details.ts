/**
 * Historic details (Camunda's HistoricDetailQuery, variable updates only): every value each variable
 * of an instance took. Readable with READ on the historic process instance or READ_HISTORY on its
 * definition. Form field details (a submitted form's fields) are not recorded: `formFields` finds none.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { VariableDetailRecord } from '../store/variable-history.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

export type { VariableDetailRecord };

export interface VariableDetailFilter {
  processInstanceId?: string;
  processInstanceIdIn?: readonly string[];
  executionId?: string;
  taskId?: string;
  activityInstanceId?: string;
  caseInstanceId?: string;
  caseExecutionId?: string;
  variableInstanceId?: string;
  variableTypeIn?: readonly string[];
  variableNameLike?: string;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  /** No user operations are logged: any id finds nothing. */
  userOperationId?: string;
  formFields?: boolean;
  variableUpdates?: boolean;
  excludeTaskDetails?: boolean;
  initial?: boolean;
  occurredBefore?: number;
  occurredAfter?: number;
}

export const VARIABLE_DETAIL_SORT_KEYS = ['processInstanceId', 'variableName', 'variableType', 'variableRevision', 'formPropertyId', 'time', 'occurrence', 'tenantId'] as const;
type SortKey = (typeof VARIABLE_DETAIL_SORT_KEYS)[number];

function matches(record: VariableDetailRecord, filter: VariableDetailFilter): boolean {
  const equal = <K extends keyof VariableDetailRecord>(key: K, wanted: VariableDetailRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  const type = record.value?.type.toLowerCase() ?? null;
  return (
    equal('processInstanceId', filter.processInstanceId) &&
    within(filter.processInstanceIdIn, record.processInstanceId) &&
    equal('executionId', filter.executionId) &&
    equal('taskId', filter.taskId) &&
    equal('activityInstanceId', filter.activityInstanceId) &&
    filter.caseInstanceId === undefined &&
    filter.caseExecutionId === undefined &&
    equal('variableInstanceId', filter.variableInstanceId) &&
    (filter.variableTypeIn === undefined ||
      within(
        filter.variableTypeIn.map((t) => t.toLowerCase()),
        type,
      )) &&
    (filter.variableNameLike === undefined || sqlLike(filter.variableNameLike)(record.variableName)) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null) &&
    filter.userOperationId === undefined &&
    !filter.formFields &&
    (!filter.excludeTaskDetails || record.taskId === null) &&
    (!filter.initial || record.initial) &&
    (filter.occurredBefore === undefined || record.time <= filter.occurredBefore) &&
    (filter.occurredAfter === undefined || record.time >= filter.occurredAfter)
  );
}

const readable = (caller: AuthContext, record: VariableDetailRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: VariableDetailFilter): Promise<VariableDetailRecord[]> {
  const details = app.engine.deps.variableDetails;
  const instances = filter.processInstanceId !== undefined ? [filter.processInstanceId] : filter.processInstanceIdIn;
  const candidates = instances ? (await Promise.all(instances.map((id) => details.ofInstance(id)))).flat() : details.all();
  const found: VariableDetailRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

function sortValue(record: VariableDetailRecord, by: SortKey): string | number | null {
  switch (by) {
    case 'variableType':
      return record.value?.type ?? null;
    case 'variableRevision':
      return record.revision;
    case 'formPropertyId':
      return null;
    default:
      return record[by];
  }
}

/** GET/POST /history/detail: sorted as asked (ties in the order the values were set), else in that order. */
export const queryVariableDetails: UseCase<{ filter: VariableDetailFilter; sort?: { by: SortKey; descending: boolean } } & Paging, VariableDetailRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
  return pageOf(sortKeepingTies(found, query.sort, sortValue), query);
};

export const countVariableDetails: UseCase<VariableDetailFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

/** GET /history/detail/{id} (and its data): HistoricDetailResourceImpl's 404 for an unknown or unreadable one. */
export const getVariableDetail: UseCase<{ id: string }, VariableDetailRecord> = async (app, caller, { id }) => {
  const record = await app.engine.deps.variableDetails.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`Historic detail with Id '${id}' does not exist.`);
  return record;
};
