import type { FlowNode, SequenceFlow } from '../../bpmn/model.ts';
import { processEngineError } from '../errors.ts';
import type { EnterOptions, Runtime } from '../runtime.ts';
import type { ActivityInstanceState } from '../state.ts';

function noFlowSelected(definition: FlowNode): Error {
  return processEngineError(`ENGINE-02004 No outgoing sequence flow for the element with id '${definition.id}' could be selected for continuing the process.`);
}

/** First flow (in document order) without condition or with a true one; else the default flow. */
export function executeExclusiveGateway(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  for (const flowId of definition.outgoing) {
    if (flowId === definition.defaultFlowId) continue;
    const flow = runtime.flow(flowId);
    if (!flow.condition || runtime.evaluateCondition(flow.condition, instance)) {
      runtime.leave(instance, [flow]);
      return;
    }
  }
  if (definition.defaultFlowId) {
    runtime.leave(instance, [runtime.flow(definition.defaultFlowId)]);
    return;
  }
  throw noFlowSelected(definition);
}

/** Tokens of this gateway waiting in the same scope instance, oldest first. */
function waitingAtJoin(runtime: Runtime, instance: ActivityInstanceState): ActivityInstanceState[] {
  const scope = runtime.parentOf(instance);
  return (scope.children ?? []).filter((child) => child.activityId === instance.activityId && !child.transition);
}

/** Ends the other tokens consumed by a firing join; the arriving one continues. */
function consumeJoinedTokens(runtime: Runtime, instance: ActivityInstanceState, joined: ActivityInstanceState[]): void {
  for (const token of joined) if (token !== instance) runtime.endActivityInstance(token);
}

/**
 * Camunda's parallel join counts tokens, not flows: it fires once as many tokens wait in the scope
 * instance as the gateway has incoming flows (so a token added by modification counts too).
 */
export function executeParallelGateway(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode): void {
  if (definition.incoming.length > 1) {
    const waiting = waitingAtJoin(runtime, instance);
    if (waiting.length < definition.incoming.length) return;
    const joined = waiting.includes(instance) ? [instance, ...waiting.filter((w) => w !== instance)] : waiting;
    consumeJoinedTokens(runtime, instance, joined.slice(0, definition.incoming.length));
  }
  runtime.leave(instance, definition.outgoing.map((id) => runtime.flow(id)));
}

/** Can a token at `fromActivityId` still reach `targetId` inside the same scope? */
function canReach(runtime: Runtime, fromActivityId: string, targetId: string): boolean {
  const seen = new Set<string>();
  const stack = [fromActivityId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = runtime.model.nodes.get(id);
    if (!node) continue;
    const next = [...node.outgoing.map((f) => runtime.flow(f).targetId), ...node.boundaryEventIds];
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
export function executeInclusiveGateway(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode, _options: EnterOptions): void {
  if (definition.incoming.length > 1) {
    const scope = runtime.parentOf(instance);
    const others = (scope.children ?? []).filter((c) => c.activityId !== definition.id).map((c) => c.activityId);
    const inFlight = runtime.pendingTargets(scope);
    const blocked = [...others, ...inFlight].some((activityId) => activityId === definition.id || canReach(runtime, activityId, definition.id));
    if (blocked) return;
    consumeJoinedTokens(runtime, instance, waitingAtJoin(runtime, instance));
  }
  const flows: SequenceFlow[] = definition.outgoing
    .filter((id) => id !== definition.defaultFlowId)
    .map((id) => runtime.flow(id))
    .filter((flow) => !flow.condition || runtime.evaluateCondition(flow.condition, instance));
  if (flows.length === 0) {
    if (!definition.defaultFlowId) throw noFlowSelected(definition);
    flows.push(runtime.flow(definition.defaultFlowId));
  }
  runtime.leave(instance, flows);
}
