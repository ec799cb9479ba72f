import type { FlowNode } from '../bpmn/model.ts';
import { evaluate } from '../expression/index.ts';
import { createDelegateTask, createExpressionContext } from './execution-facade.ts';
import { invokeImplementation } from './invoke-implementation.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState } from './state.ts';

/** Runs the task listeners of one event (create, complete, delete) unless custom listeners are skipped. */
export function fireTaskListeners(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode, event: 'create' | 'complete' | 'delete'): void {
  if (runtime.options.skipCustomListeners || !instance.task) return;
  for (const listener of definition.taskListeners) {
    if (listener.event !== event) continue;
    runtime.events.push({ type: 'listener', event, activityId: definition.id, activityInstanceId: instance.id });
    const task = createDelegateTask(runtime, instance, event);
    invokeImplementation(runtime, listener.implementation, 'notify', task, (impl) =>
      evaluate(impl.expression, createExpressionContext(runtime, instance, event)),
    );
  }
}
