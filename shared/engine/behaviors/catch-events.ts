import type { IntermediateMessageNode, IntermediateSignalNode, IntermediateTimerNode, ReceiveTaskNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { armEvent } from './event-registration.ts';
import { eventGatewayFired } from './event-based-gateway.ts';

/** Intermediate timer, message and signal catch events and receive tasks: wait for the event, then leave. */
export const catchEventBehavior: Behavior<IntermediateTimerNode | IntermediateMessageNode | IntermediateSignalNode | ReceiveTaskNode> = {
  execute(ctx, instance, node) {
    armEvent(ctx, instance, node);
  },
  trigger(ctx, owner, node) {
    // Armed by the event-based gateway before it (the owner is the gateway's instance).
    if (owner.activityId !== node.id) {
      eventGatewayFired(ctx, owner, node);
      return;
    }
    ctx.leave(owner);
  },
};
