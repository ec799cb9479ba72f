import type { FlowNode } from '../../bpmn/model.ts';
import { createDelegateExecution, createExpressionContext } from '../execution-facade.ts';
import { evaluate } from '../../expression/index.ts';
import { invokeImplementation } from '../invoke-implementation.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState } from '../state.ts';
import { fireTaskListeners } from '../task-listeners.ts';

export function createUserTask(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  instance.task = { id: runtime.env.newId(), created: runtime.now() };
  if (definition.assignee) {
    const assignee = runtime.evaluate(definition.assignee, instance);
    if (assignee !== null && assignee !== undefined && assignee !== '') instance.task.assignee = String(assignee);
  }
  runtime.events.push({ type: 'taskCreate', taskId: instance.task.id, activityInstanceId: instance.id, time: runtime.now() });
  fireTaskListeners(runtime, instance, definition, 'create');
}

export function createExternalTask(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  instance.externalTask = { id: runtime.env.newId(), topic: definition.topic!, created: runtime.now(), priority: 0 };
}

export function executeExpressionTask(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  const implementation = definition.implementation;
  if (implementation?.type !== 'expression') {
    runtime.leave(instance);
    return;
  }
  const result = evaluate(implementation.expression, createExpressionContext(runtime, instance));
  if (definition.resultVariable) runtime.setVariable(instance, definition.resultVariable, result);
  runtime.leave(instance);
}

export function executeDelegateTask(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  const implementation = definition.implementation!;
  const execution = createDelegateExecution(runtime, instance);
  invokeImplementation(runtime, implementation, 'execute', execution, (impl) =>
    evaluate(impl.expression, createExpressionContext(runtime, instance)),
  );
  runtime.leave(instance);
}
