import type { TimerDef } from './element-parts.ts';
import type { FlowNodeBase } from './flow-node-base.ts';

/**
 * A catching event that waits for a timer. The message field is declared absent, so code holding
 * any catching event can test both fields without first narrowing on the kind.
 */
export interface TimerTrigger {
  readonly timer: TimerDef;
  readonly messageName?: undefined;
}

/** A catching event (or receive task) that waits for a message of this name. */
export interface MessageTrigger {
  readonly messageName: string;
  readonly timer?: undefined;
}

/**
 * A start event. A none start event begins its scope; a timer or message start event is the
 * trigger of an event sub-process (the parser refuses them anywhere else).
 */
export interface StartEventNode extends FlowNodeBase {
  readonly kind: 'startEvent';
  /** For event sub-process triggers: does firing cancel the rest of the enclosing scope? */
  readonly interrupting: boolean;
  readonly timer?: TimerDef;
  readonly messageName?: string;
}

/** A none end event: the token ends in its scope. */
export interface NoneEndEventNode extends FlowNodeBase {
  readonly kind: 'noneEndEvent';
}

/** A terminate end event: ends every token of its scope. */
export interface TerminateEndEventNode extends FlowNodeBase {
  readonly kind: 'terminateEndEvent';
}

/** A none intermediate throw event: the token passes straight through. */
export interface IntermediateThrowNode extends FlowNodeBase {
  readonly kind: 'intermediateThrow';
}

/** An intermediate timer catch event. */
export interface IntermediateTimerNode extends FlowNodeBase, TimerTrigger {
  readonly kind: 'intermediateTimer';
}

/** An intermediate message catch event. */
export interface IntermediateMessageNode extends FlowNodeBase, MessageTrigger {
  readonly kind: 'intermediateMessage';
}

/** Where a boundary event sits and what its firing does to the host. */
export interface BoundaryAttachment {
  /** The host node (the multi-instance body for a looping host). */
  readonly attachedToId: string;
  /** Does firing cancel the host? */
  readonly interrupting: boolean;
}

/** A timer boundary event. */
export interface BoundaryTimerNode extends FlowNodeBase, TimerTrigger, BoundaryAttachment {
  readonly kind: 'boundaryTimer';
}

/** A message boundary event. */
export interface BoundaryMessageNode extends FlowNodeBase, MessageTrigger, BoundaryAttachment {
  readonly kind: 'boundaryMessage';
}

/** The boundary events. */
export type BoundaryEventNode = BoundaryTimerNode | BoundaryMessageNode;

/** The event nodes. */
export type EventNode = StartEventNode | NoneEndEventNode | TerminateEndEventNode | IntermediateThrowNode | IntermediateTimerNode | IntermediateMessageNode | BoundaryEventNode;
