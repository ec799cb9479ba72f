import type { EventBasedGatewayNode, FlowNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { expectKind } from '../expect-kind.ts';
import { fireExecutionListeners } from '../listeners.ts';
import type { ActivityInstanceState } from '../state.ts';
import type { Behavior } from './behavior.ts';
import { armEvent } from './event-registration.ts';
import { conditionHolds } from './try-condition.ts';

/**
 * The event-based gateway waits as an activity instance that owns the timers and subscriptions of
 * the catch events after it (Camunda's EventBasedGatewayActivityBehavior). Cancelling it removes
 * them with it.
 */
export const eventBasedGatewayBehavior: Behavior<EventBasedGatewayNode> = {
  execute(ctx, instance, node) {
    const events = node.outgoing.map((flowId) => expectKind(ctx.def(ctx.flow(flowId).targetId), 'intermediateTimer', 'intermediateMessage', 'intermediateSignal', 'intermediateConditional'));
    // Camunda: a conditional event whose condition already holds wins before anything is armed.
    const satisfied = events.find((event) => event.kind === 'intermediateConditional' && conditionHolds(ctx, event.conditional.condition, instance));
    if (satisfied) {
      eventGatewayFired(ctx, instance, satisfied);
      return;
    }
    for (const event of events) armEvent(ctx, instance, event);
  },
};

/**
 * One of the gateway's events fired: the gateway ends (its other timers and subscriptions with it)
 * and the token takes the flow to the event, which completes at once and goes on.
 */
export function eventGatewayFired(ctx: BehaviorContext, gateway: ActivityInstanceState, event: FlowNode): void {
  const scope = ctx.parentOf(gateway);
  const flow = ctx
    .defOf(gateway)
    .outgoing.map((id) => ctx.flow(id))
    .find((f) => f.targetId === event.id);
  ctx.endActivityInstance(gateway);
  if (flow) fireExecutionListeners(ctx, scope, flow.listeners, 'take', flow.id);
  const instance = ctx.createActivityInstance(scope, event);
  ctx.leave(instance);
}
