import type { IntermediateMessageNode, IntermediateTimerNode, ReceiveTaskNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { armEvent } from './event-registration.ts';

/** Intermediate timer and message catch events and receive tasks: wait for the event, then leave. */
export const catchEventBehavior: Behavior<IntermediateTimerNode | IntermediateMessageNode | ReceiveTaskNode> = {
  execute(ctx, instance, node) {
    armEvent(ctx, instance, node);
  },
  trigger(ctx, instance) {
    ctx.leave(instance);
  },
};
