import type { ExclusiveGatewayNode, FlowNode, InclusiveGatewayNode, ParallelGatewayNode, SequenceFlow } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { processEngineError } from '../errors.ts';
import type { ActivityInstanceState } from '../state.ts';
import type { Behavior } from './behavior.ts';

function noFlowSelected(node: FlowNode): Error {
  return processEngineError(`ENGINE-02004 No outgoing sequence flow for the element with id '${node.id}' could be selected for continuing the process.`);
}

/** First flow (in document order) without condition or with a true one; else the default flow. */
export const exclusiveGatewayBehavior: Behavior<ExclusiveGatewayNode> = {
  execute(ctx, instance, node) {
    for (const flowId of node.outgoing) {
      if (flowId === node.defaultFlowId) continue;
      const flow = ctx.flow(flowId);
      if (!flow.condition || ctx.evaluateCondition(flow.condition, instance)) {
        ctx.leave(instance, [flow]);
        return;
      }
    }
    if (node.defaultFlowId) {
      ctx.leave(instance, [ctx.flow(node.defaultFlowId)]);
      return;
    }
    throw noFlowSelected(node);
  },
};

/** Tokens of this gateway waiting in the same scope instance, oldest first. */
function waitingAtJoin(ctx: BehaviorContext, instance: ActivityInstanceState): ActivityInstanceState[] {
  const scope = ctx.parentOf(instance);
  return (scope.children ?? []).filter((child) => child.activityId === instance.activityId && !child.transition);
}

/** Ends the other tokens consumed by a firing join; the arriving one continues. */
function consumeJoinedTokens(ctx: BehaviorContext, instance: ActivityInstanceState, joined: ActivityInstanceState[]): void {
  for (const token of joined) if (token !== instance) ctx.endActivityInstance(token);
}

/**
 * Camunda's parallel join counts tokens, not flows: it fires once as many tokens wait in the scope
 * instance as the gateway has incoming flows (so a token added by modification counts too).
 */
export const parallelGatewayBehavior: Behavior<ParallelGatewayNode> = {
  execute(ctx, instance, node) {
    if (node.incoming.length > 1) {
      const waiting = waitingAtJoin(ctx, instance);
      if (waiting.length < node.incoming.length) return;
      const joined = waiting.includes(instance) ? [instance, ...waiting.filter((w) => w !== instance)] : waiting;
      consumeJoinedTokens(ctx, instance, joined.slice(0, node.incoming.length));
    }
    ctx.leave(
      instance,
      node.outgoing.map((id) => ctx.flow(id)),
    );
  },
};

/** Can a token at `fromActivityId` still reach `targetId` inside the same scope? */
function canReach(ctx: BehaviorContext, fromActivityId: string, targetId: string): boolean {
  const seen = new Set<string>();
  const stack = [fromActivityId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = ctx.model.nodes.get(id);
    if (!node) continue;
    const next = [...node.outgoing.map((f) => ctx.flow(f).targetId), ...node.boundaryEventIds];
    for (const n of next) {
      if (n === targetId) return true;
      stack.push(n);
    }
  }
  return false;
}

/**
 * The inclusive join fires when no other token in its scope instance (waiting, or still travelling
 * on the agenda) can reach it any more; the fork then takes every flow whose condition holds.
 */
export const inclusiveGatewayBehavior: Behavior<InclusiveGatewayNode> = {
  execute(ctx, instance, node) {
    if (node.incoming.length > 1) {
      const scope = ctx.parentOf(instance);
      const others = (scope.children ?? []).filter((c) => c.activityId !== node.id).map((c) => c.activityId);
      const inFlight = ctx.pendingTargets(scope);
      const blocked = [...others, ...inFlight].some((activityId) => activityId === node.id || canReach(ctx, activityId, node.id));
      if (blocked) return;
      consumeJoinedTokens(ctx, instance, waitingAtJoin(ctx, instance));
    }
    const flows: SequenceFlow[] = node.outgoing
      .filter((id) => id !== node.defaultFlowId)
      .map((id) => ctx.flow(id))
      .filter((flow) => !flow.condition || ctx.evaluateCondition(flow.condition, instance));
    if (flows.length === 0) {
      if (!node.defaultFlowId) throw noFlowSelected(node);
      flows.push(ctx.flow(node.defaultFlowId));
    }
    ctx.leave(instance, flows);
  },
};
