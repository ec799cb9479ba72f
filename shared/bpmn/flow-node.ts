import type { EventNode } from './event-nodes.ts';
import type { GatewayNode } from './gateway-nodes.ts';
import type { ScopeNode } from './scope-nodes.ts';
import type { TaskNode } from './task-nodes.ts';

/**
 * A flow node of the process model, discriminated by `kind`: each variant carries only the fields
 * its kind has (a timer, a message name, a host, a loop definition…), so code narrows on `kind`
 * instead of asserting that a field is there. The shared fields are in FlowNodeBase.
 */
export type FlowNode = EventNode | TaskNode | GatewayNode | ScopeNode;

/** How a flow node behaves at runtime; shared/engine/behaviors has one behaviour per kind. */
export type FlowNodeKind = FlowNode['kind'];

/** The variant of FlowNode for one kind (or a union of kinds). */
export type FlowNodeOfKind<K extends FlowNodeKind> = Extract<FlowNode, { readonly kind: K }>;

/** The events, tasks and sub-process start events that arm a timer job or a message or signal subscription. */
export type CatchEventNode = FlowNodeOfKind<
  | 'startEvent'
  | 'intermediateTimer'
  | 'intermediateMessage'
  | 'intermediateSignal'
  | 'intermediateConditional'
  | 'boundaryTimer'
  | 'boundaryMessage'
  | 'boundarySignal'
  | 'boundaryConditional'
  | 'receiveTask'
>;

/** Whether `node` is of one of `kinds`; narrows it to those variants. */
export function isKind<K extends FlowNodeKind>(node: FlowNode, ...kinds: K[]): node is FlowNodeOfKind<K> {
  return (kinds as FlowNodeKind[]).includes(node.kind);
}

/** The node's default flow; undefined for kinds that cannot have one. */
export function defaultFlowOf(node: FlowNode): string | undefined {
  return 'defaultFlowId' in node ? node.defaultFlowId : undefined;
}
