import type { SignalThrowNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { ActivityInstanceState } from '../state.ts';
import type { Behavior } from './behavior.ts';
import { disarm } from './event-registration.ts';

/**
 * Delivers a signal to this instance's subscriptions of that name (Camunda's SignalEventReceivedCmd:
 * every one, in order; one an earlier delivery cancelled is skipped). `beforeFire` sees each
 * receiving instance first (to set the signal's variables). Returns how many received it.
 */
export function deliverSignal(ctx: BehaviorContext, signalName: string, beforeFire?: (owner: ActivityInstanceState) => void, onlyExecution?: (owner: ActivityInstanceState) => boolean): number {
  let received = 0;
  for (const { owner, subscription } of ctx.subscriptionsOf('signal', signalName)) {
    if (!ctx.isAttached(owner) || !owner.subscriptions?.includes(subscription)) continue;
    if (onlyExecution && !onlyExecution(owner)) continue;
    disarm(owner, 'subscription', subscription.id);
    beforeFire?.(owner);
    ctx.fire(owner, ctx.def(subscription.activityId));
    received += 1;
  }
  return received;
}

/**
 * A signal throw or end event: its own instance receives the signal at once (unless the throw is
 * asynchronous); every other instance and the processes with a matching signal start event receive
 * it through a broadcast job stored with this operation. Then the token goes on, if the signal did
 * not cancel it.
 */
export const signalThrowBehavior: Behavior<SignalThrowNode> = {
  execute(ctx, instance, node) {
    const signalName = String(ctx.evaluate(node.signalName, instance));
    if (!node.async) deliverSignal(ctx, signalName);
    ctx.events.push({ type: 'signalThrown', signalName, tenantId: ctx.state.tenantId ?? null, processInstanceId: ctx.state.id, includeOwnInstance: node.async });
    if (ctx.isAttached(instance)) ctx.leave(instance);
  },
};
