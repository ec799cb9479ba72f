/**
 * Historic variable instances (Camunda's HistoricVariableInstanceQuery and HistoryService's
 * deletions): every variable of every instance, kept after it ends, with its last value. Readable
 * with READ on the historic process instance or READ_HISTORY on its definition; deleting needs
 * DELETE_HISTORY on the definition.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { HistoricVariableRecord } from '../store/variable-history.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

export type { HistoricVariableRecord };

export interface VariableHistoryFilter {
  variableName?: string;
  variableNameLike?: string;
  variableNameIn?: readonly string[];
  /** Equal to the variable's value (compared as text, as a query string gives it). */
  variableValue?: unknown;
  variableNamesIgnoreCase?: boolean;
  variableValuesIgnoreCase?: boolean;
  variableTypeIn?: readonly string[];
  includeDeleted?: boolean;
  processInstanceId?: string;
  processInstanceIdIn?: readonly string[];
  processDefinitionId?: string;
  processDefinitionKey?: string;
  executionIdIn?: readonly string[];
  caseInstanceId?: string;
  caseExecutionIdIn?: readonly string[];
  caseActivityIdIn?: readonly string[];
  taskIdIn?: readonly string[];
  activityInstanceIdIn?: readonly string[];
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
}

export const VARIABLE_HISTORY_SORT_KEYS = ['instanceId', 'variableName', 'tenantId'] as const;
type SortKey = (typeof VARIABLE_HISTORY_SORT_KEYS)[number];

function nameMatches(record: HistoricVariableRecord, filter: VariableHistoryFilter): boolean {
  const fold = (text: string) => (filter.variableNamesIgnoreCase ? text.toLowerCase() : text);
  const name = fold(record.name);
  return (
    (filter.variableName === undefined || name === fold(filter.variableName)) &&
    (filter.variableNameLike === undefined || sqlLike(fold(filter.variableNameLike))(name)) &&
    (filter.variableNameIn === undefined || filter.variableNameIn.map(fold).includes(name))
  );
}

function valueMatches(record: HistoricVariableRecord, filter: VariableHistoryFilter): boolean {
  if (filter.variableValue === undefined) return true;
  const value = record.value?.value;
  if (value === null || value === undefined || typeof value === 'object') return false;
  const fold = (text: string) => (filter.variableValuesIgnoreCase ? text.toLowerCase() : text);
  return fold(String(value)) === fold(String(filter.variableValue));
}

function matches(record: HistoricVariableRecord, filter: VariableHistoryFilter): boolean {
  const type = record.value?.type.toLowerCase() ?? null;
  return (
    nameMatches(record, filter) &&
    valueMatches(record, filter) &&
    (filter.variableTypeIn === undefined ||
      within(
        filter.variableTypeIn.map((t) => t.toLowerCase()),
        type,
      )) &&
    (filter.includeDeleted || record.state !== 'DELETED') &&
    (filter.processInstanceId === undefined || record.processInstanceId === filter.processInstanceId) &&
    within(filter.processInstanceIdIn, record.processInstanceId) &&
    (filter.processDefinitionId === undefined || record.processDefinitionId === filter.processDefinitionId) &&
    (filter.processDefinitionKey === undefined || record.processDefinitionKey === filter.processDefinitionKey) &&
    within(filter.executionIdIn, record.executionId) &&
    // There are no cases.
    filter.caseInstanceId === undefined &&
    filter.caseExecutionIdIn === undefined &&
    filter.caseActivityIdIn === undefined &&
    within(filter.taskIdIn, record.taskId) &&
    within(filter.activityInstanceIdIn, record.activityInstanceId) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null)
  );
}

const readable = (caller: AuthContext, record: HistoricVariableRecord) =>
  mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: VariableHistoryFilter): Promise<HistoricVariableRecord[]> {
  const history = app.engine.deps.variableHistory;
  const instances = filter.processInstanceId !== undefined ? [filter.processInstanceId] : filter.processInstanceIdIn;
  let candidates: AsyncIterable<HistoricVariableRecord> | HistoricVariableRecord[];
  if (instances) candidates = (await Promise.all(instances.map((id) => history.ofInstance(id)))).flat();
  else candidates = history.all();
  const found: HistoricVariableRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

function sortValue(record: HistoricVariableRecord, by: SortKey): string | null {
  if (by === 'instanceId') return record.processInstanceId;
  if (by === 'variableName') return record.name;
  return record.tenantId;
}

/** GET/POST /history/variable-instance: sorted as asked (ties by creation), else by creation. */
export const queryVariableHistory: UseCase<{ filter: VariableHistoryFilter; sort?: { by: SortKey; descending: boolean } } & Paging, HistoricVariableRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => a.createTime - b.createTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return pageOf(sortKeepingTies(found, query.sort, sortValue), query);
};

export const countVariableHistory: UseCase<VariableHistoryFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

/** GET /history/variable-instance/{id} (and its data): AbstractResourceProvider's 404 for an unknown or unreadable one. */
export const getVariableHistory: UseCase<{ id: string }, HistoricVariableRecord> = async (app, caller, { id }) => {
  const record = await app.engine.deps.variableHistory.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`Historic variable instance with Id '${id}' does not exist.`);
  return record;
};

/** DELETE /history/variable-instance/{id}: Camunda's NotFoundException message, answered 404 by its resource. */
export const deleteVariableHistory: UseCase<{ id: string }, void> = async (app, caller, { id }) => {
  const record = await app.engine.deps.variableHistory.get(id);
  if (!record || !caller.canSeeTenant(record.tenantId)) throw new ResourceNotFound(`No historic variable instance found with id: ${id}: variable is null`, 'InvalidRequestException');
  await caller.require({ permission: 'DELETE_HISTORY', resource: 'ProcessDefinition', resourceId: record.processDefinitionKey });
  await app.engine.deps.variableHistory.delete(id);
};

/** DELETE /history/process-instance/{id}/variable-instances: every variable of a historic instance, running or not. */
export const deleteVariableHistoryOfInstance: UseCase<{ processInstanceId: string }, void> = async (app, caller, { processInstanceId }) => {
  const item = await app.engine.deps.items.getHistoricInstance(processInstanceId);
  if (!item || !caller.canSeeTenant((item.tenantId as string | null | undefined) ?? null)) {
    throw new ResourceNotFound(`No historic process instance found with id: ${processInstanceId}: instance is null`, 'InvalidRequestException');
  }
  await caller.require({ permission: 'DELETE_HISTORY', resource: 'ProcessDefinition', resourceId: String(item.processDefinitionKey) });
  // Camunda's DeleteHistoricVariableInstancesByProcessInstanceIdCmd deletes the details too.
  await app.engine.deps.variableDetails.deleteOfInstance(processInstanceId);
  await app.engine.deps.variableHistory.deleteOfInstance(processInstanceId);
};
