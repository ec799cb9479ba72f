import type { BoundaryCompensationNode, BoundaryEventNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { rearm } from './event-registration.ts';

/**
 * Timer and message boundary events are armed on their host's instance while it lives (see
 * registerBoundaryEvents); error and escalation ones are found by propagation. Firing starts a token
 * at the event beside the host, after cancelling the host if it interrupts; the token just leaves.
 */
export const boundaryEventBehavior: Behavior<Exclude<BoundaryEventNode, BoundaryCompensationNode>> = {
  execute(ctx, instance) {
    ctx.leave(instance);
  },
  trigger(ctx, host, node, firedJob) {
    const scope = ctx.parentOf(host);
    if (node.interrupting) ctx.cancel(host);
    else if (node.kind !== 'boundaryError' && node.kind !== 'boundaryEscalation' && node.kind !== 'boundaryCancel') rearm(ctx, host, node, firedJob);
    ctx.enter(scope, node);
  },
};
