/**
 * Reading and annotating the user operation log (Camunda's UserOperationLogQuery,
 * HistoryService#setAnnotationForOperationLogById): one row per entry, each entry with its
 * operation's id, user, time and annotation.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { badUserRequest, processEngineError } from '../engine/errors.ts';
import type { UserOperationEntry, UserOperationRecord } from '../store/user-operation-log.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { CATEGORY, logOperation } from './operation-log.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';

/** An entry as the log shows it. */
export interface UserOperationView extends UserOperationEntry {
  operationId: string;
  userId: string;
  timestamp: number;
  annotation: string | null;
}

export interface UserOperationFilter {
  deploymentId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processInstanceId?: string;
  executionId?: string;
  /** Cases do not exist here: a case filter matches nothing. */
  caseDefinitionId?: string;
  caseInstanceId?: string;
  caseExecutionId?: string;
  taskId?: string;
  jobId?: string;
  jobDefinitionId?: string;
  batchId?: string;
  userId?: string;
  operationId?: string;
  externalTaskId?: string;
  operationType?: string;
  entityType?: string;
  entityTypeIn?: readonly string[];
  category?: string;
  categoryIn?: readonly string[];
  property?: string;
  /** Exclusive bounds, as Camunda's query. */
  afterTimestamp?: number;
  beforeTimestamp?: number;
}

const viewsOf = (record: UserOperationRecord): UserOperationView[] =>
  record.entries.map((entry) => ({ ...entry, operationId: record.operationId, userId: record.userId, timestamp: record.timestamp, annotation: record.annotation }));

function matches(view: UserOperationView, filter: UserOperationFilter): boolean {
  const equal = <K extends keyof UserOperationView>(key: K, wanted: UserOperationView[K] | undefined) => wanted === undefined || (view[key] ?? null) === wanted;
  return (
    equal('deploymentId', filter.deploymentId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('executionId', filter.executionId) &&
    filter.caseDefinitionId === undefined &&
    filter.caseInstanceId === undefined &&
    filter.caseExecutionId === undefined &&
    equal('taskId', filter.taskId) &&
    equal('jobId', filter.jobId) &&
    equal('jobDefinitionId', filter.jobDefinitionId) &&
    equal('batchId', filter.batchId) &&
    equal('userId', filter.userId) &&
    equal('operationId', filter.operationId) &&
    equal('externalTaskId', filter.externalTaskId) &&
    equal('operationType', filter.operationType) &&
    equal('entityType', filter.entityType) &&
    within(filter.entityTypeIn, view.entityType) &&
    equal('category', filter.category) &&
    within(filter.categoryIn, view.category) &&
    equal('property', filter.property) &&
    (filter.afterTimestamp === undefined || view.timestamp > filter.afterTimestamp) &&
    (filter.beforeTimestamp === undefined || view.timestamp < filter.beforeTimestamp)
  );
}

/**
 * Camunda's read check of the log: READ_HISTORY on the entry's definition key, or READ on its
 * category; an entry with neither is everyone's. Within the caller's tenants.
 */
async function readable(caller: AuthContext, view: UserOperationView): Promise<boolean> {
  if (!caller.canSeeTenant(view.tenantId ?? null)) return false;
  const key = view.processDefinitionKey ?? null;
  if (key === null && view.category === null) return true;
  return caller.isAllowed(
    ...(key !== null ? [{ permission: 'READ_HISTORY', resource: 'ProcessDefinition' as const, resourceId: key }] : []),
    ...(view.category !== null ? [{ permission: 'READ', resource: 'OperationLogCatgeory' as const, resourceId: view.category }] : []),
  );
}

async function find(app: AppContext, caller: AuthContext, filter: UserOperationFilter): Promise<UserOperationView[]> {
  const log = app.engine.deps.userOperations;
  const candidates = await log.candidates({ id: filter.operationId, processInstanceId: filter.processInstanceId });
  const found: UserOperationView[] = [];
  for await (const record of candidates) {
    for (const view of viewsOf(record)) if (matches(view, filter) && (await readable(caller, view))) found.push(view);
  }
  return found;
}

/**
 * GET /history/user-operation: in the order the operations happened (Camunda orders by entry id,
 * which its default id generator hands out in that order), or by timestamp as asked.
 */
export const queryUserOperations: UseCase<{ filter: UserOperationFilter; sort?: { descending: boolean } } & Paging, UserOperationView[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => a.timestamp - b.timestamp);
  if (query.sort?.descending) found.reverse();
  return pageOf(found, query);
};

export const countUserOperations: UseCase<UserOperationFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

/**
 * PUT /history/user-operation/{operationId}/set-annotation and clear-annotation: UPDATE_HISTORY
 * on the operation's definition or UPDATE on its category (Camunda's checkUpdateUserOperationLog),
 * then the change is itself logged.
 */
export const annotateUserOperation: UseCase<{ operationId: string; annotation: string | null }, void> = async (app, caller, { operationId, annotation }) => {
  const record = await app.engine.deps.userOperations.get(operationId);
  if (!record) throw badUserRequest('operation is null');
  // Camunda checks one of the operation's entries: they all name the same definition and category.
  const entry = record.entries[0]!;
  const tenantId = entry.tenantId ?? null;
  if (!caller.canSeeTenant(tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot update the user operation log entry '${entry.id}' because it belongs to no authenticated tenant.`);
  }
  const key = entry.processDefinitionKey ?? null;
  const checks = [
    ...(key !== null ? [{ permission: 'UPDATE_HISTORY', resource: 'ProcessDefinition' as const, resourceId: key }] : []),
    ...(entry.category !== null ? [{ permission: 'UPDATE', resource: 'OperationLogCatgeory' as const, resourceId: entry.category }] : []),
  ];
  if (checks.length > 0) await caller.require(...checks);
  if (!(await app.engine.deps.userOperations.annotate(operationId, annotation))) throw badUserRequest('operation is null');
  await logOperation(app, caller, {
    operationType: annotation === null ? 'ClearAnnotation' : 'SetAnnotation',
    entityType: 'OperationLog',
    category: CATEGORY.operator,
    context: { tenantId },
    changes: [{ property: 'operationId', newValue: operationId }],
  });
};
