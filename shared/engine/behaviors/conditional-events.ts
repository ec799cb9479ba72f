import type { ConditionalDef, FlowNode, IntermediateConditionalNode, ProcessModel } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { VariableChange } from '../execution-context.ts';
import type { ActivityInstanceState } from '../state.ts';
import type { Behavior } from './behavior.ts';
import { eventGatewayFired } from './event-based-gateway.ts';
import { armEvent, disarm } from './event-registration.ts';
import { conditionHolds } from './try-condition.ts';

/**
 * Conditional events (Camunda's ConditionalEventDefinition): an intermediate conditional event goes
 * on at once if its condition holds on arrival, else it subscribes; boundary and event sub-process
 * conditional events subscribe with their scope. A variable created, updated or deleted in a scope
 * makes every conditional subscription of that scope and of the scopes below it evaluate (Camunda
 * walks the execution tree top-down), narrowed by camunda:variableName and camunda:variableEvents.
 */

export interface VariableEvent {
  readonly scope: ActivityInstanceState;
  readonly name: string;
  readonly change: VariableChange;
}

const withConditionalEvents = new WeakMap<ProcessModel, boolean>();

/** Whether any node of the model is a conditional event: only then are variable changes recorded. */
export function hasConditionalEvents(model: ProcessModel): boolean {
  let known = withConditionalEvents.get(model);
  if (known === undefined) {
    known = [...model.nodes.values()].some((node) => conditionalOf(node) !== undefined);
    withConditionalEvents.set(model, known);
  }
  return known;
}

function conditionalOf(node: FlowNode): ConditionalDef | undefined {
  return 'conditional' in node ? node.conditional : undefined;
}

function concerns(definition: ConditionalDef, event: VariableEvent): boolean {
  if (definition.variableName !== undefined && definition.variableName !== event.name) return false;
  return !definition.variableEvents || definition.variableEvents.length === 0 || definition.variableEvents.includes(event.change);
}

function isWithin(ctx: BehaviorContext, instance: ActivityInstanceState, scope: ActivityInstanceState): boolean {
  for (let node: ActivityInstanceState | undefined = instance; node; node = node.id === ctx.state.id ? undefined : ctx.parentOf(node)) {
    if (node === scope) return true;
  }
  return false;
}

/**
 * Shows the recorded variable changes to the conditional subscriptions they concern; those whose
 * condition holds fire. Returns how many fired.
 */
export function dispatchVariableEvents(ctx: BehaviorContext, events: readonly VariableEvent[]): number {
  let fired = 0;
  for (const event of events) {
    if (!ctx.isAttached(event.scope)) continue;
    for (const { owner, subscription } of ctx.subscriptionsOf('conditional', '')) {
      if (!ctx.isAttached(owner) || !owner.subscriptions?.includes(subscription) || !isWithin(ctx, owner, event.scope)) continue;
      const node = ctx.def(subscription.activityId);
      const definition = conditionalOf(node);
      if (!definition || !concerns(definition, event) || !conditionHolds(ctx, definition.condition, owner)) continue;
      disarm(owner, 'subscription', subscription.id);
      ctx.fire(owner, node);
      fired += 1;
    }
  }
  return fired;
}

/** An intermediate conditional event: on at once when its condition holds, else it waits for a variable change. */
export const intermediateConditionalBehavior: Behavior<IntermediateConditionalNode> = {
  execute(ctx, instance, node) {
    if (conditionHolds(ctx, node.conditional.condition, instance)) ctx.leave(instance);
    else armEvent(ctx, instance, node);
  },
  trigger(ctx, owner, node) {
    // Armed by the event-based gateway before it (the owner is the gateway's instance).
    if (owner.activityId !== node.id) eventGatewayFired(ctx, owner, node);
    else ctx.leave(owner);
  },
};
