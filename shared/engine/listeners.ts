import type { FlowNode, IoValue, ListenerDef } from '../bpmn/model.ts';
import { createExpressionContext } from './execution-facade.ts';
import { evaluate } from '../expression/index.ts';
import { invokeImplementation } from './invoke-implementation.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState } from './state.ts';

/** Runs the execution listeners of one event (start, end, take) unless custom listeners are skipped. */
export function fireExecutionListeners(
  runtime: Runtime,
  instance: ActivityInstanceState,
  listeners: readonly ListenerDef[],
  event: string,
  elementId: string,
): void {
  if (runtime.options.skipCustomListeners) return;
  for (const listener of listeners) {
    if (listener.event !== event) continue;
    runtime.events.push({ type: 'listener', event, activityId: elementId, activityInstanceId: instance.id });
    const execution = runtime.createDelegateExecution(instance, event);
    invokeImplementation(runtime, listener.implementation, 'notify', execution, (impl) =>
      evaluate(impl.expression, {
        resolve: (name) => (name === 'execution' ? { value: execution } : createExpressionContext(runtime, instance).resolve(name)),
      }),
    );
  }
}

function evaluateIoValue(runtime: Runtime, value: IoValue, instance: ActivityInstanceState): unknown {
  switch (value.type) {
    case 'null':
      return null;
    case 'expression':
      return runtime.evaluate(value.expression, instance);
    case 'list':
      return value.items.map((item) => evaluateIoValue(runtime, item, instance));
    case 'map':
      return Object.fromEntries(value.entries.map((entry) => [entry.key, evaluateIoValue(runtime, entry.value, instance)]));
  }
}

/** Input parameters are evaluated from the enclosing scope and become local variables of the instance. */
export function runInputMappings(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  for (const input of definition.inputs) {
    runtime.setVariableLocal(instance, input.name, evaluateIoValue(runtime, input.value, instance));
  }
}

/** Output parameters are evaluated inside the instance and set on the enclosing scope. */
export function runOutputMappings(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  if (definition.outputs.length === 0) return;
  const parent = runtime.parentOf(instance);
  for (const output of definition.outputs) {
    runtime.setVariable(parent, output.name, evaluateIoValue(runtime, output.value, instance));
  }
}
