/**
 * Recording the user operation log: what the use cases call after (or inside) an operation an
 * authenticated user performed. As in Camunda (restrictUserOperationLogToAuthenticatedUsers, on by
 * default) nothing is logged for an unauthenticated caller: with authentication off the log stays empty.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { log } from '../observability/logger.ts';
import type { UserOperationContext, UserOperationEntry, UserOperationRecord } from '../store/user-operation-log.ts';
import type { AppContext } from './app-context.ts';
import { jobDefinitionId } from './job-definitions.ts';

/** Camunda's UserOperationLogEntry categories. */
export const CATEGORY = { operator: 'Operator', taskWorker: 'TaskWorker', admin: 'Admin' } as const;

/** A changed property; a change with property null is Camunda's EMPTY_CHANGE (the operation only). */
export interface PropertyChange {
  property: string | null;
  orgValue?: unknown;
  newValue?: unknown;
}

export const EMPTY_CHANGE: PropertyChange = { property: null };

/** How the log names a change of variables (their names are not logged, as in Camunda). */
export type VariableOperation = 'SetVariable' | 'RemoveVariable' | 'ModifyVariable';

/** A variable operation on an instance or one of its executions (logged with the instance's context, as Camunda does). */
export function instanceVariableOperation(operationType: VariableOperation): LoggedUpdate {
  return (before) => ({ operationType, entityType: 'Variable', category: CATEGORY.operator, context: instanceContext(before) });
}

/** One entity an operation touched: its type, category, what names it and the properties it changed. */
export interface LoggedChange {
  operationType: string;
  entityType: string;
  category: string | null;
  context?: UserOperationContext;
  changes?: readonly PropertyChange[];
}

/** Values are logged as Camunda's PropertyChange renders them: text, dates as epoch milliseconds. */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return String(value.getTime());
  return String(value);
}

/** What names a process instance in its entries. */
export function instanceContext(state: Pick<ProcessInstanceState, 'id' | 'definitionId' | 'definitionKey' | 'tenantId' | 'caller'>): UserOperationContext {
  return {
    processInstanceId: state.id,
    processDefinitionId: state.definitionId,
    processDefinitionKey: state.definitionKey,
    rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    tenantId: state.tenantId ?? null,
  };
}

/** What names a process definition in its entries. */
export function definitionContext(definition: { id: string; key: string; deploymentId: string; tenantId?: string | null }): UserOperationContext {
  return { processDefinitionId: definition.id, processDefinitionKey: definition.key, deploymentId: definition.deploymentId, tenantId: definition.tenantId ?? null };
}

/** What names a job in its entries, from its query item. */
export function jobItemContext(item: Record<string, unknown>): UserOperationContext {
  const text = (key: string) => (item[key] as string | null | undefined) ?? null;
  return {
    jobId: text('id'),
    jobDefinitionId: item.jobKind ? jobDefinitionId(String(item.processDefinitionId), String(item.activityId), String(item.jobKind)) : null,
    executionId: text('executionId'),
    processInstanceId: text('processInstanceId'),
    processDefinitionId: text('processDefinitionId'),
    processDefinitionKey: text('processDefinitionKey'),
    tenantId: text('tenantId'),
  };
}

/**
 * A change of users, groups, tenants or memberships (Camunda's logUserOperation and its kin): the
 * ids it concerns as properties, in the Admin category; a tenant's entries name the tenant.
 */
export function identityOperation(operationType: string, entityType: string, ids: { userId?: string; groupId?: string; tenantId?: string }): LoggedChange {
  return {
    operationType,
    entityType,
    category: CATEGORY.admin,
    context: ids.tenantId !== undefined ? { tenantId: ids.tenantId } : {},
    changes: Object.entries(ids).map(([property, newValue]) => ({ property, newValue })),
  };
}

/** A suspension state set (Camunda logs it from null to the new state's name). */
export const suspensionChange = (suspended: boolean): PropertyChange => ({ property: 'suspensionState', newValue: suspended ? 'suspended' : 'active' });

/** The operation's record, or undefined when nothing is logged (no authenticated user). */
export function operationRecord(app: AppContext, caller: AuthContext, logged: LoggedChange | readonly LoggedChange[], annotation: string | null = null): UserOperationRecord | undefined {
  if (!caller.userId) return undefined;
  const env = app.engine.env;
  const entries = (Array.isArray(logged) ? logged : [logged]).flatMap((change: LoggedChange) =>
    (change.changes?.length ? change.changes : [EMPTY_CHANGE]).map(
      (property): UserOperationEntry => ({
        ...change.context,
        id: env.newId(),
        operationType: change.operationType,
        entityType: change.entityType,
        category: change.category,
        property: property.property,
        orgValue: text(property.orgValue),
        newValue: text(property.newValue),
      }),
    ),
  );
  return { operationId: env.newId(), userId: caller.userId, timestamp: env.now(), annotation, entries };
}

/** The Put that logs an operation inside the operation's own transaction (none without a user). */
export function operationLogActions(app: AppContext, caller: AuthContext, logged: LoggedChange | readonly LoggedChange[], annotation?: string | null): Record<string, unknown>[] {
  const record = operationRecord(app, caller, logged, annotation ?? null);
  return record ? [app.engine.deps.userOperations.putAction(record)] : [];
}

/**
 * Logs an operation that has no transaction of its own to join, after it succeeded. Its write
 * failing does not undo the operation, so it does not fail the request either: the entry is logged
 * (with what it held) for the operator instead.
 */
export async function logOperation(app: AppContext, caller: AuthContext, logged: LoggedChange | readonly LoggedChange[], annotation?: string | null): Promise<void> {
  const record = operationRecord(app, caller, logged, annotation ?? null);
  if (!record) return;
  try {
    await app.engine.deps.userOperations.put(record);
  } catch (error) {
    log.error('user operation log entry not written', { operation: record, error });
  }
}

/** What an instance update logs, made from the states before and after it (nothing: undefined). */
export type LoggedUpdate = (before: ProcessInstanceState, after: ProcessInstanceState) => LoggedChange | readonly LoggedChange[] | undefined;

/** The `extra` of an instance update (EngineService#update) that logs it in the instance's own transaction. */
export function loggedWithInstance(app: AppContext, caller: AuthContext, logged: LoggedUpdate, annotation?: string | null) {
  return (before: ProcessInstanceState, after: ProcessInstanceState) => {
    if (!caller.userId) return [];
    const changes = logged(before, after);
    return changes ? operationLogActions(app, caller, changes, annotation) : [];
  };
}

/** An operation on a whole instance (Camunda's logProcessInstanceOperation with the instance's context). */
export function instanceOperation(operationType: string, changes?: readonly PropertyChange[]): LoggedUpdate {
  return (before) => ({ operationType, entityType: 'ProcessInstance', category: CATEGORY.operator, context: instanceContext(before), changes });
}
