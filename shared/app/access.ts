import type { AuthContext } from '../auth/auth-context.ts';
import type { PermissionCheck } from '../auth/evaluate.ts';
import type { Batch } from '../batch/batch.ts';
import { processEngineError } from '../engine/errors.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';

/**
 * Camunda's authorization checks as its command checker phrases them, for the use cases. Each
 * `require*` throws the 403 AuthorizationException; each `may*`/`canSee*` filters query results.
 */

export type InstanceAction = 'READ' | 'UPDATE' | 'DELETE';

function instanceChecks(state: Pick<ProcessInstanceState, 'id' | 'definitionKey'>, action: InstanceAction): PermissionCheck[] {
  return [
    { permission: action, resource: 'ProcessInstance', resourceId: state.id },
    { permission: `${action}_INSTANCE`, resource: 'ProcessDefinition', resourceId: state.definitionKey },
  ];
}

function requireTenant(auth: AuthContext, state: Pick<ProcessInstanceState, 'id' | 'tenantId'>, verb: string): void {
  if (!auth.canSeeTenant(state.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot ${verb} the process instance '${state.id}' because it belongs to no authenticated tenant.`);
  }
}

/** `before`: narrower permissions Camunda checks first, any of which also suffices (UPDATE_VARIABLE before UPDATE). */
export async function requireInstance(
  auth: AuthContext,
  state: Pick<ProcessInstanceState, 'id' | 'definitionKey' | 'tenantId'>,
  action: InstanceAction,
  before: PermissionCheck[] = [],
): Promise<void> {
  requireTenant(auth, state, action === 'READ' ? 'read' : action === 'UPDATE' ? 'update' : 'delete');
  await auth.require(...before, ...instanceChecks(state, action));
}

export async function mayInstance(auth: AuthContext, state: Pick<ProcessInstanceState, 'id' | 'definitionKey' | 'tenantId'>, action: InstanceAction): Promise<boolean> {
  return auth.canSeeTenant(state.tenantId) && (await auth.isAllowed(...instanceChecks(state, action)));
}

export async function canSeeDefinition(auth: AuthContext, definition: Pick<DefinitionRecord, 'key' | 'tenantId'>): Promise<boolean> {
  return auth.canSeeTenant(definition.tenantId) && (await auth.isAllowed({ permission: 'READ', resource: 'ProcessDefinition', resourceId: definition.key }));
}

export async function requireDefinition(auth: AuthContext, definition: Pick<DefinitionRecord, 'key' | 'tenantId'>, permission: string): Promise<void> {
  if (!auth.canSeeTenant(definition.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot access the process definition '${definition.key}' because it belongs to no authenticated tenant.`);
  }
  await auth.require({ permission, resource: 'ProcessDefinition', resourceId: definition.key });
}

export async function canSeeBatch(auth: AuthContext, batch: Pick<Batch, 'id' | 'tenantId'>, permission = 'READ'): Promise<boolean> {
  return auth.canSeeTenant(batch.tenantId) && (await auth.isAllowed({ permission, resource: 'Batch', resourceId: batch.id }));
}

/**
 * What a task operation asks (Camunda's AuthorizationCommandChecker), any of which suffices, in
 * Camunda's order (the 403 lists them so): pairs of a permission on the task and its task-wide
 * form on the task's definition.
 */
const TASK_PERMISSIONS = {
  READ: [['READ', 'READ_TASK']],
  UPDATE: [['UPDATE', 'UPDATE_TASK']],
  WORK: [
    ['TASK_WORK', 'TASK_WORK'],
    ['UPDATE', 'UPDATE_TASK'],
  ],
  ASSIGN: [
    ['TASK_ASSIGN', 'TASK_ASSIGN'],
    ['UPDATE', 'UPDATE_TASK'],
  ],
  UPDATE_VARIABLE: [
    ['UPDATE_VARIABLE', 'UPDATE_TASK_VARIABLE'],
    ['UPDATE', 'UPDATE_TASK'],
  ],
} as const;
export type TaskAction = keyof typeof TASK_PERMISSIONS;

function taskChecks(task: Record<string, unknown>, action: TaskAction): PermissionCheck[] {
  return TASK_PERMISSIONS[action].flatMap(([onTask, onDefinition]): PermissionCheck[] => [
    { permission: onTask, resource: 'Task', resourceId: String(task.id) },
    { permission: onDefinition, resource: 'ProcessDefinition', resourceId: String(task.processDefinitionKey) },
  ]);
}

/** Task access: the task itself, or the definition's task-wide permission. */
export async function mayTask(auth: AuthContext, task: Record<string, unknown>, action: TaskAction): Promise<boolean> {
  if (!auth.canSeeTenant(task.tenantId as string | null)) return false;
  return auth.isAllowed(...taskChecks(task, action));
}

export async function requireTask(auth: AuthContext, task: Record<string, unknown>, action: TaskAction): Promise<void> {
  if (!(await mayTask(auth, task, action))) {
    await auth.require(...taskChecks(task, action));
    const verb = action === 'READ' ? 'read' : 'update';
    throw processEngineError(`ENGINE-03110 Cannot ${verb} the task '${String(task.id)}' because it belongs to no authenticated tenant.`);
  }
}

/** Keeps the items the check allows, preserving order. */
export async function filterAllowed<T>(items: readonly T[], allowed: (item: T) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(allowed));
  return items.filter((_, i) => verdicts[i]);
}

/** Instance checks for a query item (task, job, external task, incident), which names its instance. */
function instanceOf(item: Record<string, unknown>) {
  return { id: String(item.processInstanceId), definitionKey: String(item.processDefinitionKey), tenantId: (item.tenantId as string | null) ?? undefined };
}

export function mayInstanceItem(auth: AuthContext, item: Record<string, unknown>, action: InstanceAction): Promise<boolean> {
  return mayInstance(auth, instanceOf(item), action);
}

export async function requireInstanceItem(auth: AuthContext, item: Record<string, unknown>, action: InstanceAction): Promise<void> {
  const instance = instanceOf(item);
  requireTenant(auth, instance, action.toLowerCase());
  await auth.require(...instanceChecks(instance, action));
}

/** History of an instance: HistoricProcessInstance READ, or the definition's READ_HISTORY. */
export async function mayReadHistory(auth: AuthContext, item: Record<string, unknown>): Promise<boolean> {
  return (
    auth.canSeeTenant(item.tenantId as string | null) &&
    (await auth.isAllowed(
      { permission: 'READ', resource: 'HistoricProcessInstance', resourceId: String(item.id) },
      { permission: 'READ_HISTORY', resource: 'ProcessDefinition', resourceId: String(item.processDefinitionKey) },
    ))
  );
}
