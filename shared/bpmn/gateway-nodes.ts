import type { FlowNodeBase, WithDefaultFlow } from './flow-node-base.ts';

/** An exclusive gateway: the first flow whose condition holds, else its default flow. */
export interface ExclusiveGatewayNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'exclusiveGateway';
}

/** A parallel gateway: joins by counting tokens, forks on every outgoing flow. */
export interface ParallelGatewayNode extends FlowNodeBase {
  readonly kind: 'parallelGateway';
}

/** An inclusive gateway: joins when nothing else can arrive, forks on every flow whose condition holds. */
export interface InclusiveGatewayNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'inclusiveGateway';
}

/**
 * An event-based gateway: waits, as an activity instance owning their timers and subscriptions, for
 * the first of the catch events its flows lead to; that one event's path is taken, the others end.
 */
export interface EventBasedGatewayNode extends FlowNodeBase {
  readonly kind: 'eventBasedGateway';
}

/** The gateway nodes. */
export type GatewayNode = ExclusiveGatewayNode | ParallelGatewayNode | InclusiveGatewayNode | EventBasedGatewayNode;
