import type { FlowNode, IoValue, ListenerDef } from '../bpmn/model.ts';
import { createDelegateExecution, createExpressionContext } from './execution-facade.ts';
import { evaluate } from '../expression/index.ts';
import { invokeImplementation } from './invoke-implementation.ts';
import { runScript } from './scripts.ts';
import type { ExecutionContext } from './execution-context.ts';
import type { ActivityInstanceState } from './state.ts';

/** Runs the execution listeners of one event (start, end, take) unless custom listeners are skipped. */
export function fireExecutionListeners(ctx: ExecutionContext, instance: ActivityInstanceState, listeners: readonly ListenerDef[], event: string, elementId: string): void {
  if (ctx.options.skipCustomListeners) return;
  for (const listener of listeners) {
    if (listener.event !== event) continue;
    ctx.events.push({ type: 'listener', event, activityId: elementId, activityInstanceId: instance.id });
    if (listener.implementation.type === 'script') {
      runScript(ctx, instance, listener.implementation.script, { eventName: event });
      continue;
    }
    const execution = createDelegateExecution(ctx, instance, event);
    invokeImplementation(ctx.env.registry, listener.implementation, 'notify', execution, (impl) =>
      evaluate(impl.expression, {
        resolve: (name) => (name === 'execution' ? { value: execution } : createExpressionContext(ctx, instance).resolve(name)),
      }),
    );
  }
}

function evaluateIoValue(ctx: ExecutionContext, value: IoValue, instance: ActivityInstanceState): unknown {
  switch (value.type) {
    case 'null':
      return null;
    case 'expression':
      return ctx.evaluate(value.expression, instance);
    case 'script':
      return runScript(ctx, instance, value.script);
    case 'list':
      return value.items.map((item) => evaluateIoValue(ctx, item, instance));
    case 'map':
      return Object.fromEntries(value.entries.map((entry) => [entry.key, evaluateIoValue(ctx, entry.value, instance)]));
  }
}

/** Input parameters are evaluated from the enclosing scope and become local variables of the instance. */
export function runInputMappings(ctx: ExecutionContext, instance: ActivityInstanceState, definition: FlowNode): void {
  for (const input of definition.inputs) {
    ctx.setVariableLocal(instance, input.name, evaluateIoValue(ctx, input.value, instance));
  }
}

/** Output parameters are evaluated inside the instance and set on the enclosing scope. */
export function runOutputMappings(ctx: ExecutionContext, instance: ActivityInstanceState, definition: FlowNode): void {
  if (definition.outputs.length === 0) return;
  const parent = ctx.parentOf(instance);
  for (const output of definition.outputs) {
    ctx.setVariable(parent, output.name, evaluateIoValue(ctx, output.value, instance));
  }
}
