import type { CompiledExpression } from '../expression/index.ts';
import type { ConditionalDef, ErrorCatchDef, EscalationCatchDef, TimerDef } from './element-parts.ts';
import type { FlowNodeBase } from './flow-node-base.ts';

/**
 * A catching event that waits for a timer. The message field is declared absent, so code holding
 * any catching event can test both fields without first narrowing on the kind.
 */
export interface TimerTrigger {
  readonly timer: TimerDef;
  readonly messageName?: undefined;
  readonly signalName?: undefined;
  readonly conditional?: undefined;
}

/** A catching event (or receive task) that waits for a message of this name. */
export interface MessageTrigger {
  readonly messageName: string;
  readonly timer?: undefined;
  readonly signalName?: undefined;
  readonly conditional?: undefined;
}

/** A catching event that waits for a signal; the name may be an expression, resolved when it is armed. */
export interface SignalTrigger {
  readonly signalName: CompiledExpression;
  readonly timer?: undefined;
  readonly messageName?: undefined;
  readonly conditional?: undefined;
}

/** A catching event that waits for its condition to hold after a variable change. */
export interface ConditionalTrigger {
  readonly conditional: ConditionalDef;
  readonly timer?: undefined;
  readonly messageName?: undefined;
  readonly signalName?: undefined;
}

/**
 * A start event. A none start event begins its scope; a timer, message, error or escalation start
 * event is the trigger of an event sub-process (the parser refuses them anywhere else).
 */
export interface StartEventNode extends FlowNodeBase {
  readonly kind: 'startEvent';
  /** For event sub-process triggers: does firing cancel the rest of the enclosing scope? */
  readonly interrupting: boolean;
  readonly timer?: TimerDef;
  readonly messageName?: string;
  /** A signal start event: of the process (a broadcast signal starts an instance) or of an event sub-process. */
  readonly signalName?: CompiledExpression;
  /** A conditional start event: of an event sub-process, or of the process (POST /condition starts it). */
  readonly conditional?: ConditionalDef;
  /** A compensation start event: its event sub-process runs when its sub-process is compensated. */
  readonly compensation?: true;
  /** An error start event: its event sub-process handles errors thrown inside the enclosing scope. */
  readonly error?: ErrorCatchDef;
  /** An escalation start event: its event sub-process handles escalations thrown inside the enclosing scope. */
  readonly escalation?: EscalationCatchDef;
}

/** A none end event: the token ends in its scope. */
export interface NoneEndEventNode extends FlowNodeBase {
  readonly kind: 'noneEndEvent';
}

/** A terminate end event: ends every token of its scope. */
export interface TerminateEndEventNode extends FlowNodeBase {
  readonly kind: 'terminateEndEvent';
}

/**
 * An error end event: throws its error to the nearest enclosing handler (boundary event or event
 * sub-process); uncaught, the token ends as at a none end event (Camunda's default).
 */
export interface ErrorEndEventNode extends FlowNodeBase {
  readonly kind: 'errorEndEvent';
  readonly errorCode: string;
  /** camunda:errorMessage of the referenced error, evaluated when thrown. */
  readonly errorMessage?: CompiledExpression;
}

/**
 * An escalation intermediate throw or end event: escalates to the nearest enclosing handler. The
 * token then goes on (an end event ends it) unless the handler interrupts the scope it is in.
 */
export interface EscalationThrowNode extends FlowNodeBase {
  readonly kind: 'escalationThrow';
  readonly escalationCode: string;
}

/**
 * A signal intermediate throw or end event: broadcasts its signal to every subscription of that
 * name (and starts the processes with such a signal start event), then the token goes on.
 */
export interface SignalThrowNode extends FlowNodeBase {
  readonly kind: 'signalThrow';
  readonly signalName: CompiledExpression;
  /** camunda:async on the signal event definition: even the thrower's own instance receives it later. */
  readonly async: boolean;
}

/**
 * A compensation intermediate throw or end event: compensates the completed activities of its scope
 * (or only `activityRef`), newest first, and waits until every handler has finished.
 */
export interface CompensationThrowNode extends FlowNodeBase {
  readonly kind: 'compensationThrow';
  readonly activityRef?: string;
}

/**
 * A cancel end event, inside a transaction only: compensates the transaction's completed activities,
 * then cancels the transaction and leaves through its cancel boundary event.
 */
export interface CancelEndEventNode extends FlowNodeBase {
  readonly kind: 'cancelEndEvent';
}

/** A link catch event: the target of its scope's link throw events of the same name; the token passes through. */
export interface LinkCatchNode extends FlowNodeBase {
  readonly kind: 'linkCatch';
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

/** An intermediate signal catch event. */
export interface IntermediateSignalNode extends FlowNodeBase, SignalTrigger {
  readonly kind: 'intermediateSignal';
}

/** An intermediate conditional catch event: goes on at once if its condition holds on arrival, else waits. */
export interface IntermediateConditionalNode extends FlowNodeBase, ConditionalTrigger {
  readonly kind: 'intermediateConditional';
}

/** A conditional boundary event. */
export interface BoundaryConditionalNode extends FlowNodeBase, ConditionalTrigger, BoundaryAttachment {
  readonly kind: 'boundaryConditional';
}

/** A signal boundary event. */
export interface BoundarySignalNode extends FlowNodeBase, SignalTrigger, BoundaryAttachment {
  readonly kind: 'boundarySignal';
}

/** A message boundary event. */
export interface BoundaryMessageNode extends FlowNodeBase, MessageTrigger, BoundaryAttachment {
  readonly kind: 'boundaryMessage';
}

/** An error boundary event: catches errors thrown inside its host (always interrupting in practice). */
export interface BoundaryErrorNode extends FlowNodeBase, BoundaryAttachment {
  readonly kind: 'boundaryError';
  readonly error: ErrorCatchDef;
}

/** An escalation boundary event on a sub-process or user task. */
export interface BoundaryEscalationNode extends FlowNodeBase, BoundaryAttachment {
  readonly kind: 'boundaryEscalation';
  readonly escalation: EscalationCatchDef;
}

/**
 * A compensation boundary event: names the compensation handler (by association) of its host. It
 * never fires as a token; a completed host leaves a compensation subscription behind.
 */
export interface BoundaryCompensationNode extends FlowNodeBase, BoundaryAttachment {
  readonly kind: 'boundaryCompensation';
  readonly handlerId: string;
}

/** A cancel boundary event on a transaction: its cancel end event leaves through it. */
export interface BoundaryCancelNode extends FlowNodeBase, BoundaryAttachment {
  readonly kind: 'boundaryCancel';
}

/** The boundary events that wait for a timer, message, signal or condition. */
export type TimerOrMessageBoundaryNode = BoundaryTimerNode | BoundaryMessageNode | BoundarySignalNode | BoundaryConditionalNode;

/** The boundary events. */
export type BoundaryEventNode = TimerOrMessageBoundaryNode | BoundaryErrorNode | BoundaryEscalationNode | BoundaryCompensationNode | BoundaryCancelNode;

/** The event nodes. */
export type EventNode =
  | StartEventNode
  | NoneEndEventNode
  | TerminateEndEventNode
  | ErrorEndEventNode
  | EscalationThrowNode
  | SignalThrowNode
  | CompensationThrowNode
  | CancelEndEventNode
  | IntermediateSignalNode
  | IntermediateConditionalNode
  | LinkCatchNode
  | IntermediateThrowNode
  | IntermediateTimerNode
  | IntermediateMessageNode
  | BoundaryEventNode;
