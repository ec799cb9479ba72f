import type { TerminateEndEventNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';

/**
 * A terminate end event cancels every other token of its scope; the token then ends there like any
 * other, so the scope's own behaviour decides what follows: a sub-process continues on its outgoing
 * flow, the process instance ends, a multi-instance body counts one finished instance.
 */
export const terminateEndEventBehavior: Behavior<TerminateEndEventNode> = {
  execute(ctx, instance) {
    const scope = ctx.parentOf(instance);
    for (const sibling of [...(scope.children ?? [])]) if (sibling !== instance) ctx.cancel(sibling);
    ctx.discardPending(scope);
    ctx.endActivityInstance(instance);
    ctx.tokenEnded(scope, instance.activityId);
  },
};
