import type { ExecutionContext } from './execution-context.ts';
import { hasOwn, setOwn } from './own-properties.ts';
import type { ActivityInstanceState, TypedValue } from './state.ts';

/**
 * Sets a typed variable with Camunda scoping: local on the node itself, otherwise on the nearest
 * scope that has the name, else on the process instance. Variable events follow the change.
 */
export function setTyped(ctx: ExecutionContext, instance: ActivityInstanceState, name: string, value: TypedValue, local: boolean): void {
  const owner = local ? instance : (ctx.variableOwner(instance, name) ?? ctx.state.root);
  const change = hasOwn(owner.variables, name) ? 'update' : 'create';
  if (!owner.variables) owner.variables = {};
  setOwn(owner.variables, name, value);
  ctx.variableChanged(owner, name, change);
}
