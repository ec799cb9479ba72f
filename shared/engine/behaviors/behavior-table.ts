import type { FlowNode, FlowNodeKind, FlowNodeOfKind } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { boundaryEventBehavior } from './boundary-events.ts';
import { callActivityBehavior } from './call-activity.ts';
import { catchEventBehavior } from './catch-events.ts';
import { cancelEndEventBehavior, compensationBoundaryBehavior, compensationThrowBehavior } from './compensation.ts';
import { intermediateConditionalBehavior } from './conditional-events.ts';
import { externalTaskBehavior } from './external-task.ts';
import { eventBasedGatewayBehavior } from './event-based-gateway.ts';
import { exclusiveGatewayBehavior, inclusiveGatewayBehavior, parallelGatewayBehavior } from './gateways.ts';
import { multiInstanceBodyBehavior } from './multi-instance-body.ts';
import { passThroughBehavior } from './pass-through.ts';
import { delegateTaskBehavior, expressionTaskBehavior, scriptTaskBehavior } from './service-tasks.ts';
import { decisionTaskBehavior } from './decision-task.ts';
import { signalThrowBehavior } from './signals.ts';
import { startEventBehavior } from './start-event.ts';
import { eventSubProcessBehavior, subProcessBehavior } from './sub-processes.ts';
import { terminateEndEventBehavior } from './terminate-end-event.ts';
import { errorEndEventBehavior, escalationThrowBehavior } from './throw-events.ts';
import { userTaskBehavior } from './user-task.ts';

/** One behaviour per node kind, each written for its kind's FlowNode variant. */
type BehaviorTable = { readonly [K in FlowNodeKind]: Behavior<FlowNodeOfKind<K>> };

/**
 * The behaviour of every node kind. The type makes a kind without a behaviour (or a behaviour
 * written for another kind's variant) a compile error.
 */
export const BEHAVIORS = {
  startEvent: startEventBehavior,
  noneEndEvent: passThroughBehavior,
  terminateEndEvent: terminateEndEventBehavior,
  errorEndEvent: errorEndEventBehavior,
  escalationThrow: escalationThrowBehavior,
  signalThrow: signalThrowBehavior,
  compensationThrow: compensationThrowBehavior,
  cancelEndEvent: cancelEndEventBehavior,
  intermediateSignal: catchEventBehavior,
  intermediateConditional: intermediateConditionalBehavior,
  linkCatch: passThroughBehavior,
  intermediateThrow: passThroughBehavior,
  intermediateTimer: catchEventBehavior,
  intermediateMessage: catchEventBehavior,
  boundaryTimer: boundaryEventBehavior,
  boundaryMessage: boundaryEventBehavior,
  boundarySignal: boundaryEventBehavior,
  boundaryConditional: boundaryEventBehavior,
  boundaryError: boundaryEventBehavior,
  boundaryCompensation: compensationBoundaryBehavior,
  boundaryCancel: boundaryEventBehavior,
  boundaryEscalation: boundaryEventBehavior,
  userTask: userTaskBehavior,
  passThroughTask: passThroughBehavior,
  receiveTask: catchEventBehavior,
  externalTask: externalTaskBehavior,
  expressionTask: expressionTaskBehavior,
  decisionTask: decisionTaskBehavior,
  scriptTask: scriptTaskBehavior,
  delegateTask: delegateTaskBehavior,
  callActivity: callActivityBehavior,
  subProcess: subProcessBehavior,
  eventSubProcess: eventSubProcessBehavior,
  multiInstanceBody: multiInstanceBodyBehavior,
  exclusiveGateway: exclusiveGatewayBehavior,
  parallelGateway: parallelGatewayBehavior,
  inclusiveGateway: inclusiveGatewayBehavior,
  eventBasedGateway: eventBasedGatewayBehavior,
} satisfies BehaviorTable;

/**
 * The behaviour of `node`'s kind, typed for any node. Sound because the table is indexed by the
 * node's own kind, so each behaviour only ever receives the variant it was written for; TypeScript
 * cannot follow that correlation through `BEHAVIORS[node.kind]` by itself.
 */
export function behaviorOf<N extends FlowNode>(node: N): Behavior<N> {
  return (BEHAVIORS as BehaviorTable)[node.kind] as Behavior<N>;
}
