import type { UserTaskNode } from '../bpmn/model.ts';
import { evaluate } from '../expression/index.ts';
import { createDelegateTask, createExpressionContext } from './execution-facade.ts';
import { invokeImplementation } from './invoke-implementation.ts';
import { runScript } from './scripts.ts';
import type { ExecutionContext } from './execution-context.ts';
import type { ActivityInstanceState } from './state.ts';

/** Runs the task listeners of one event (create, complete, delete) unless custom listeners are skipped. */
export function fireTaskListeners(ctx: ExecutionContext, instance: ActivityInstanceState, definition: UserTaskNode, event: 'create' | 'complete' | 'delete'): void {
  if (ctx.options.skipCustomListeners || !instance.task) return;
  for (const listener of definition.taskListeners) {
    if (listener.event !== event) continue;
    ctx.events.push({ type: 'listener', event, activityId: definition.id, activityInstanceId: instance.id });
    if (listener.implementation.type === 'script') {
      runScript(ctx, instance, listener.implementation.script, { taskEvent: event });
      continue;
    }
    const task = createDelegateTask(ctx, instance, event);
    invokeImplementation(ctx.env.registry, listener.implementation, 'notify', task, (impl) => evaluate(impl.expression, createExpressionContext(ctx, instance, event)));
  }
}
