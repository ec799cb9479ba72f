import type { PermissionCheck } from '../auth/evaluate.ts';
import type { Batch } from '../batch/batch.ts';
import { processEngineError } from '../engine/errors.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import type { RouteContext } from './router.ts';

/**
 * The authorization checks routes share, phrased as Camunda's command checker phrases them. Each
 * `require*` throws the 403 AuthorizationException; each `can*` is for filtering query results.
 */

type InstanceAction = 'READ' | 'UPDATE' | 'DELETE';

function instanceChecks(state: Pick<ProcessInstanceState, 'id' | 'definitionKey'>, action: InstanceAction): PermissionCheck[] {
  return [
    { permission: action, resource: 'ProcessInstance', resourceId: state.id },
    { permission: `${action}_INSTANCE`, resource: 'ProcessDefinition', resourceId: state.definitionKey },
  ];
}

function requireTenant(ctx: RouteContext, state: Pick<ProcessInstanceState, 'id' | 'tenantId'>, verb: string): void {
  if (!ctx.auth.canSeeTenant(state.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot ${verb} the process instance '${state.id}' because it belongs to no authenticated tenant.`);
  }
}

export async function requireInstance(ctx: RouteContext, state: ProcessInstanceState, action: InstanceAction): Promise<void> {
  requireTenant(ctx, state, action === 'READ' ? 'read' : action === 'UPDATE' ? 'update' : 'delete');
  await ctx.auth.require(...instanceChecks(state, action));
}

export async function mayInstance(ctx: RouteContext, state: Pick<ProcessInstanceState, 'id' | 'definitionKey' | 'tenantId'>, action: InstanceAction): Promise<boolean> {
  return ctx.auth.canSeeTenant(state.tenantId) && (await ctx.auth.isAllowed(...instanceChecks(state, action)));
}

export async function canSeeDefinition(ctx: RouteContext, definition: Pick<DefinitionRecord, 'key' | 'tenantId'>): Promise<boolean> {
  return ctx.auth.canSeeTenant(definition.tenantId) && (await ctx.auth.isAllowed({ permission: 'READ', resource: 'ProcessDefinition', resourceId: definition.key }));
}

export async function requireDefinition(ctx: RouteContext, definition: Pick<DefinitionRecord, 'key' | 'tenantId'>, permission: string): Promise<void> {
  if (!ctx.auth.canSeeTenant(definition.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot access the process definition '${definition.key}' because it belongs to no authenticated tenant.`);
  }
  await ctx.auth.require({ permission, resource: 'ProcessDefinition', resourceId: definition.key });
}

export async function canSeeBatch(ctx: RouteContext, batch: Pick<Batch, 'id' | 'tenantId'>, permission = 'READ'): Promise<boolean> {
  return ctx.auth.canSeeTenant(batch.tenantId) && (await ctx.auth.isAllowed({ permission, resource: 'Batch', resourceId: batch.id }));
}

/** Task access: the task itself, or the definition's task-wide permission. */
export async function mayTask(ctx: RouteContext, task: Record<string, unknown>, action: 'READ' | 'UPDATE'): Promise<boolean> {
  if (!ctx.auth.canSeeTenant(task.tenantId as string | null)) return false;
  return ctx.auth.isAllowed(
    { permission: action, resource: 'Task', resourceId: String(task.id) },
    { permission: `${action}_TASK`, resource: 'ProcessDefinition', resourceId: String(task.processDefinitionKey) },
  );
}

export async function requireTask(ctx: RouteContext, task: Record<string, unknown>, action: 'READ' | 'UPDATE'): Promise<void> {
  if (!(await mayTask(ctx, task, action))) {
    await ctx.auth.require(
      { permission: action, resource: 'Task', resourceId: String(task.id) },
      { permission: `${action}_TASK`, resource: 'ProcessDefinition', resourceId: String(task.processDefinitionKey) },
    );
    throw processEngineError(`ENGINE-03110 Cannot ${action.toLowerCase()} the task '${String(task.id)}' because it belongs to no authenticated tenant.`);
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

export function mayInstanceItem(ctx: RouteContext, item: Record<string, unknown>, action: InstanceAction): Promise<boolean> {
  return mayInstance(ctx, instanceOf(item), action);
}

export async function requireInstanceItem(ctx: RouteContext, item: Record<string, unknown>, action: InstanceAction): Promise<void> {
  const instance = instanceOf(item);
  requireTenant(ctx, instance, action.toLowerCase());
  await ctx.auth.require(...instanceChecks(instance, action));
}

/** History of an instance: HistoricProcessInstance READ, or the definition's READ_HISTORY. */
export async function mayReadHistory(ctx: RouteContext, item: Record<string, unknown>): Promise<boolean> {
  return (
    ctx.auth.canSeeTenant(item.tenantId as string | null) &&
    (await ctx.auth.isAllowed(
      { permission: 'READ', resource: 'HistoricProcessInstance', resourceId: String(item.id) },
      { permission: 'READ_HISTORY', resource: 'ProcessDefinition', resourceId: String(item.processDefinitionKey) },
    ))
  );
}
