import type { BoundaryCompensationNode, CancelEndEventNode, CompensationThrowNode, EventSubProcessNode, FlowNode, StartEventNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { processEngineError } from '../errors.ts';
import type { ActivityInstanceState, SubscriptionState } from '../state.ts';
import type { Behavior } from './behavior.ts';
import { boundaryEventBehavior } from './boundary-events.ts';

/**
 * Compensation as Camunda runs it (CompensationUtil, CompensationEventHandler):
 * - an activity with a compensation boundary event leaves a compensation subscription in its scope
 *   when it completes (never when it is cancelled); a completed sub-process whose insides left
 *   subscriptions (or that has a compensation event sub-process) leaves one more, holding them and
 *   its variables (Camunda's event scope);
 * - a compensation throw event compensates the subscriptions of its scope (or of its activityRef),
 *   newest first, all at once, and waits until every handler has finished;
 * - a handler whose compensation is cancelled takes its waiting thrower with it.
 */

function compensationBoundaryOf(ctx: BehaviorContext, node: FlowNode): BoundaryCompensationNode | undefined {
  for (const id of node.boundaryEventIds) {
    const boundary = ctx.def(id);
    if (boundary.kind === 'boundaryCompensation') return boundary;
  }
  // A looping activity's boundary events sit on its multi-instance body; each inner instance is compensated.
  const scope = ctx.model.nodes.get(node.scopeId);
  return scope?.kind === 'multiInstanceBody' ? compensationBoundaryOf(ctx, scope) : undefined;
}

/** The compensation event sub-process directly inside a sub-process node, if any. */
function compensationEventSubProcessOf(ctx: BehaviorContext, node: FlowNode): EventSubProcessNode | undefined {
  if (node.kind !== 'subProcess') return undefined;
  for (const id of node.eventSubProcessIds) {
    const eventSubProcess = ctx.def(id);
    if (eventSubProcess.kind === 'eventSubProcess' && (ctx.def(eventSubProcess.triggerStartEventId) as StartEventNode).compensation) return eventSubProcess;
  }
  return undefined;
}

/**
 * `instance` completed normally: the subscriptions it leaves in its scope. Called before it is removed,
 * while its own compensation subscriptions (of what completed inside it) are still on it.
 */
export function subscribeCompensation(ctx: BehaviorContext, instance: ActivityInstanceState, node: FlowNode): void {
  if (instance.eventScope || instance.compensationThrower) return;
  const scope = ctx.parentOf(instance);
  const created = ctx.now();
  const inner = (instance.subscriptions ?? []).filter((s) => s.eventType === 'compensate');
  const add = (subscription: SubscriptionState) => {
    if (!scope.subscriptions) scope.subscriptions = [];
    scope.subscriptions.push(subscription);
  };
  const holdsInsides = node.kind === 'subProcess' || node.kind === 'eventSubProcess' || node.kind === 'multiInstanceBody';
  if (holdsInsides && (inner.length > 0 || compensationEventSubProcessOf(ctx, node))) {
    const eventScope: SubscriptionState['eventScope'] = { subscriptions: inner };
    if (instance.variables) eventScope.variables = instance.variables;
    add({ id: ctx.env.newId(), eventType: 'compensate', eventName: '', activityId: node.id, created, eventScope });
  }
  // A multi-instance body's compensation is that of its inner instances (Camunda: the handler runs once per completed instance).
  if (node.kind !== 'multiInstanceBody' && compensationBoundaryOf(ctx, node)) {
    const subscription: SubscriptionState = { id: ctx.env.newId(), eventType: 'compensate', eventName: '', activityId: node.id, created };
    // An inner instance of a loop owns its loop variables (loopCounter, the element): its handler sees them.
    if (ctx.defOf(scope).kind === 'multiInstanceBody' && instance.variables) subscription.variables = instance.variables;
    add(subscription);
  }
}

/**
 * The compensation subscriptions of `scope` a throw compensates: all, or those of one activity; newest
 * first. Camunda compensates an activityRef through its boundary handler when it has one, not its insides.
 */
function subscriptionsToCompensate(ctx: BehaviorContext, scope: ActivityInstanceState, activityRef?: string): SubscriptionState[] {
  const refs = activityRef ? [activityRef, `${activityRef}#multiInstanceBody`] : [];
  // A looping activity is compensated per instance through its body's event scope, whatever its handler.
  const referenced = activityRef && !ctx.model.nodes.has(`${activityRef}#multiInstanceBody`) ? ctx.model.nodes.get(activityRef) : undefined;
  const referencedHasHandler = referenced !== undefined && compensationBoundaryOf(ctx, referenced) !== undefined;
  const all = (scope.subscriptions ?? []).filter((s) => s.eventType === 'compensate' && (!activityRef || (refs.includes(s.activityId) && !(referencedHasHandler && s.eventScope))));
  return all.reverse();
}

/**
 * Starts the handlers of `subscriptions` (removed from `scope`) for `thrower`, which then waits for
 * them; returns how many it waits for.
 */
function compensate(ctx: BehaviorContext, scope: ActivityInstanceState, subscriptions: readonly SubscriptionState[], thrower: ActivityInstanceState): number {
  scope.subscriptions = scope.subscriptions?.filter((s) => !subscriptions.includes(s));
  if (scope.subscriptions?.length === 0) delete scope.subscriptions;
  let started = 0;
  for (const subscription of subscriptions) {
    const activity = ctx.def(subscription.activityId);
    if (subscription.eventScope) {
      if (startEventScope(ctx, scope, activity, subscription.eventScope, thrower)) started += 1;
      continue;
    }
    const boundary = compensationBoundaryOf(ctx, activity);
    if (!boundary) continue;
    thrower.pendingCompensations = (thrower.pendingCompensations ?? 0) + 1;
    started += 1;
    const localVariables = subscription.variables && { ...subscription.variables };
    ctx.enter(scope, ctx.def(boundary.handlerId), { compensationThrowerId: thrower.id, localVariables });
  }
  return started;
}

/**
 * Compensates a completed sub-process: a new instance of it (the event scope, with the variables it
 * ended with) runs its compensation event sub-process, or else the handlers of what completed inside it.
 */
function startEventScope(ctx: BehaviorContext, scope: ActivityInstanceState, subProcess: FlowNode, eventScope: NonNullable<SubscriptionState['eventScope']>, thrower: ActivityInstanceState): boolean {
  const handler = compensationEventSubProcessOf(ctx, subProcess);
  if (!handler && eventScope.subscriptions.length === 0) return false;
  const instance = ctx.createEventScopeInstance(scope, subProcess, eventScope.variables);
  instance.compensationThrower = thrower.id;
  thrower.pendingCompensations = (thrower.pendingCompensations ?? 0) + 1;
  if (handler) {
    // The event sub-process compensates the insides itself (its own throw events see these subscriptions).
    instance.subscriptions = [...eventScope.subscriptions];
    instance.pendingCompensations = 1;
    const eventSubProcess = ctx.createActivityInstance(instance, handler);
    eventSubProcess.compensationThrower = instance.id;
    ctx.enter(eventSubProcess, ctx.def(handler.triggerStartEventId));
    return true;
  }
  if (compensate(ctx, instance, [...eventScope.subscriptions].reverse(), instance) === 0) {
    delete instance.compensationThrower;
    thrower.pendingCompensations! -= 1;
    ctx.removeInstance(instance);
    return false;
  }
  return true;
}

/**
 * An instance started by compensation ended: its thrower waits for one handler less. When none is
 * left, an event scope instance ends in turn, and a throw or cancel end event goes on.
 */
export function compensationHandlerEnded(ctx: BehaviorContext, throwerId: string): void {
  const thrower = ctx.instanceById(throwerId);
  if (!thrower?.pendingCompensations) return;
  thrower.pendingCompensations -= 1;
  if (thrower.pendingCompensations > 0) return;
  delete thrower.pendingCompensations;
  if (thrower.eventScope) {
    const next = thrower.compensationThrower;
    ctx.removeInstance(thrower);
    if (next) compensationHandlerEnded(ctx, next);
    return;
  }
  ctx.fire(thrower, ctx.defOf(thrower));
}

/** A compensation handler was cancelled: the compensation it was part of is cancelled with its thrower. */
export function compensationHandlerCancelled(ctx: BehaviorContext, throwerId: string): void {
  const thrower = ctx.instanceById(throwerId);
  if (thrower && ctx.isAttached(thrower)) ctx.cancel(thrower);
}

/**
 * The scopes whose subscriptions a throw in `scope` compensates (Camunda's
 * collectCompensateEventSubscriptionsForScope): a throw in a compensation event sub-process
 * compensates the sub-process around it; one in another event sub-process, that event sub-process
 * and the scopes around it up to the first that is none.
 */
function compensatedScopes(ctx: BehaviorContext, scope: ActivityInstanceState): ActivityInstanceState[] {
  if (ctx.defOf(scope).kind !== 'eventSubProcess') return [scope];
  if (scope.compensationThrower) return [ctx.parentOf(scope)];
  const scopes = [scope];
  let current = scope;
  while (ctx.defOf(current).kind === 'eventSubProcess') {
    current = ctx.parentOf(current);
    scopes.push(current);
  }
  return scopes;
}

/** Compensation intermediate throw and end events: compensate, wait for the handlers, then go on. */
export const compensationThrowBehavior: Behavior<CompensationThrowNode> = {
  execute(ctx, instance, node) {
    let started = 0;
    for (const scope of compensatedScopes(ctx, ctx.parentOf(instance))) started += compensate(ctx, scope, subscriptionsToCompensate(ctx, scope, node.activityRef), instance);
    if (started === 0) ctx.leave(instance);
  },
  trigger(ctx, instance) {
    ctx.leave(instance);
  },
  cancel(ctx, instance) {
    cancelHandlersOf(ctx, instance);
  },
};

/**
 * A cancel end event (Camunda's CancelEndEventActivityBehavior): it first ends every other token of
 * its transaction, then compensates the transaction's completed activities; when they are done the
 * transaction is cancelled and left through its cancel boundary event.
 */
export const cancelEndEventBehavior: Behavior<CancelEndEventNode> = {
  execute(ctx, instance, node) {
    const transaction = ctx.parentOf(instance);
    for (const sibling of [...(transaction.children ?? [])]) if (sibling !== instance) ctx.cancel(sibling);
    ctx.discardPending(transaction);
    if (compensate(ctx, transaction, subscriptionsToCompensate(ctx, transaction), instance) === 0) cancelTransaction(ctx, instance, node);
  },
  trigger(ctx, instance, node) {
    cancelTransaction(ctx, instance, node);
  },
  cancel(ctx, instance) {
    cancelHandlersOf(ctx, instance);
  },
};

function cancelTransaction(ctx: BehaviorContext, instance: ActivityInstanceState, node: CancelEndEventNode): void {
  const transaction = ctx.parentOf(instance);
  // A looping transaction's boundary events sit on its multi-instance body, which the cancellation ends as a whole.
  const host = ctx.defOf(ctx.parentOf(transaction)).kind === 'multiInstanceBody' ? ctx.parentOf(transaction) : transaction;
  const hostNode = ctx.defOf(host);
  const boundary = hostNode.boundaryEventIds.map((id) => ctx.def(id)).find((b) => b.kind === 'boundaryCancel');
  // The parser refuses a cancel end event whose transaction has no cancel boundary event.
  if (boundary?.kind !== 'boundaryCancel') throw processEngineError(`Transaction '${hostNode.id}' of cancel end event '${node.id}' has no cancel boundary event`);
  boundaryEventBehavior.trigger!(ctx, host, boundary);
}

/** The thrower is cancelled: the handlers still compensating for it go too. */
function cancelHandlersOf(ctx: BehaviorContext, thrower: ActivityInstanceState): void {
  delete thrower.pendingCompensations;
  for (const handler of ctx.instancesWhere((candidate) => candidate.compensationThrower === thrower.id)) {
    delete handler.compensationThrower;
    if (ctx.isAttached(handler)) ctx.cancel(handler);
  }
}

/** A compensation boundary event never starts a token (Camunda refuses to start before one). */
export const compensationBoundaryBehavior: Behavior<BoundaryCompensationNode> = {
  execute(_ctx, _instance, node) {
    throw processEngineError(`Cannot start before activity ${node.id}; the activity is a compensation boundary event`);
  },
};
