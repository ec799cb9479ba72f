import type { IntermediateThrowNode, LinkCatchNode, NoneEndEventNode, PassThroughTaskNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';

/**
 * Tasks without behaviour, none throw events, link catch events (reached through their link throw
 * events) and none end events: the token leaves at once. An end
 * event has no outgoing flow, so leaving ends the token in its scope (after an async-after job if set).
 */
export const passThroughBehavior: Behavior<PassThroughTaskNode | IntermediateThrowNode | LinkCatchNode | NoneEndEventNode> = {
  execute(ctx, instance) {
    ctx.leave(instance);
  },
};
