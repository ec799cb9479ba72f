import type { StartEventNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { disarmEventSubProcesses, rearm } from './event-registration.ts';

/**
 * A start event passes its token on. When it is the trigger of an event sub-process, its timer or
 * message is armed on the enclosing scope instance; firing starts the event sub-process there,
 * after cancelling the scope's other tokens and triggers if it interrupts.
 */
export const startEventBehavior: Behavior<StartEventNode> = {
  execute(ctx, instance) {
    ctx.leave(instance);
  },
  trigger(ctx, scope, node, firedJob) {
    const eventSubProcess = ctx.def(node.scopeId);
    if (node.interrupting) {
      for (const child of [...(scope.children ?? [])]) ctx.cancel(child);
      ctx.discardPending(scope);
      disarmEventSubProcesses(ctx, scope);
    } else {
      rearm(ctx, scope, node, firedJob);
    }
    const instance = ctx.createActivityInstance(scope, eventSubProcess);
    ctx.enter(instance, node);
  },
};
