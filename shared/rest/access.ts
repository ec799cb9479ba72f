import * as access from '../app/access.ts';
import type { Batch } from '../batch/batch.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { RouteContext } from './router.ts';

/**
 * Transitional: the checks of shared/app/access.ts for routes not yet moved onto use cases (issue
 * #12). Each takes the route context for its caller; new code calls shared/app.
 */
type InstanceAction = access.InstanceAction;
type Definition = Parameters<typeof access.canSeeDefinition>[1];

export const requireInstance = (ctx: RouteContext, state: ProcessInstanceState, action: InstanceAction) => access.requireInstance(ctx.auth, state, action);
export const mayInstance = (ctx: RouteContext, state: Pick<ProcessInstanceState, 'id' | 'definitionKey' | 'tenantId'>, action: InstanceAction) => access.mayInstance(ctx.auth, state, action);
export const canSeeDefinition = (ctx: RouteContext, definition: Definition) => access.canSeeDefinition(ctx.auth, definition);
export const requireDefinition = (ctx: RouteContext, definition: Definition, permission: string) => access.requireDefinition(ctx.auth, definition, permission);
export const canSeeBatch = (ctx: RouteContext, batch: Pick<Batch, 'id' | 'tenantId'>, permission = 'READ') => access.canSeeBatch(ctx.auth, batch, permission);
export const mayTask = (ctx: RouteContext, task: Record<string, unknown>, action: 'READ' | 'UPDATE') => access.mayTask(ctx.auth, task, action);
export const requireTask = (ctx: RouteContext, task: Record<string, unknown>, action: 'READ' | 'UPDATE') => access.requireTask(ctx.auth, task, action);
export const filterAllowed = access.filterAllowed;
export const mayInstanceItem = (ctx: RouteContext, item: Record<string, unknown>, action: InstanceAction) => access.mayInstanceItem(ctx.auth, item, action);
export const requireInstanceItem = (ctx: RouteContext, item: Record<string, unknown>, action: InstanceAction) => access.requireInstanceItem(ctx.auth, item, action);
export const mayReadHistory = (ctx: RouteContext, item: Record<string, unknown>) => access.mayReadHistory(ctx.auth, item);
