import type { CompiledExpression } from '../expression/index.ts';

/**
 * The immutable process model the engine executes. It is derived once from BPMN XML
 * (see parse-bpmn.ts) and holds only plain data, so it can be cached per definition.
 */

/** How a flow node behaves at runtime; one behaviour module per kind lives in shared/engine/behaviors. */
export type FlowNodeKind =
  | 'startEvent'
  | 'noneEndEvent'
  | 'terminateEndEvent'
  | 'intermediateThrow'
  | 'intermediateTimer'
  | 'intermediateMessage'
  | 'boundaryTimer'
  | 'boundaryMessage'
  | 'userTask'
  | 'passThroughTask'
  | 'receiveTask'
  | 'externalTask'
  | 'expressionTask'
  | 'delegateTask'
  | 'subProcess'
  | 'eventSubProcess'
  | 'multiInstanceBody'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway';

/** A listener, delegate or task-listener implementation as written in camunda:* attributes. */
export type Implementation =
  | { readonly type: 'expression'; readonly expression: CompiledExpression }
  | { readonly type: 'delegateExpression'; readonly expression: CompiledExpression }
  | { readonly type: 'class'; readonly className: string };

export interface ListenerDef {
  readonly event: string;
  readonly implementation: Implementation;
}

/** camunda:inputParameter / camunda:outputParameter value shapes. */
export type IoValue =
  | { readonly type: 'expression'; readonly expression: CompiledExpression }
  | { readonly type: 'list'; readonly items: readonly IoValue[] }
  | { readonly type: 'map'; readonly entries: readonly { readonly key: string; readonly value: IoValue }[] }
  | { readonly type: 'null' };

export interface IoParameter {
  readonly name: string;
  readonly value: IoValue;
}

export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

export interface TimerDef {
  readonly kind: TimerKind;
  readonly expression: CompiledExpression;
}

export interface MultiInstanceDef {
  readonly isSequential: boolean;
  readonly loopCardinality?: CompiledExpression;
  readonly collection?: CompiledExpression | string;
  readonly elementVariable?: string;
  readonly completionCondition?: CompiledExpression;
  /** camunda:asyncBefore/asyncAfter on the loop characteristics apply to each inner instance. */
  readonly innerAsyncBefore: boolean;
  readonly innerAsyncAfter: boolean;
}

export interface FlowNode {
  readonly id: string;
  readonly name?: string;
  readonly kind: FlowNodeKind;
  /** Camunda's activityType as shown in the activity-instance tree. */
  readonly activityType: string;
  /** Id of the enclosing flow scope: the process id, a sub-process id or a multi-instance body id. */
  readonly scopeId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly asyncBefore: boolean;
  readonly asyncAfter: boolean;
  readonly listeners: readonly ListenerDef[];
  readonly taskListeners: readonly ListenerDef[];
  readonly inputs: readonly IoParameter[];
  readonly outputs: readonly IoParameter[];
  /** Boundary events attached to this node. */
  readonly boundaryEventIds: readonly string[];
  /** For boundary events: the host node. */
  readonly attachedToId?: string;
  /** Boundary events and event sub-process start events: does triggering cancel the host / scope? */
  readonly interrupting: boolean;
  readonly timer?: TimerDef;
  readonly messageName?: string;
  readonly defaultFlowId?: string;
  /** Scopes (sub-process, event sub-process, body): the child flow nodes, start events included. */
  readonly childIds: readonly string[];
  /** Scopes: the event sub-processes directly inside. */
  readonly eventSubProcessIds: readonly string[];
  /** Scopes: the none start event that begins a normal instantiation. */
  readonly noneStartEventId?: string;
  /** Event sub-processes: their (message/timer) start event. */
  readonly triggerStartEventId?: string;
  /** Multi-instance bodies: the loop definition; the inner activity id is `innerActivityId`. */
  readonly multiInstance?: MultiInstanceDef;
  readonly innerActivityId?: string;
  readonly assignee?: CompiledExpression;
  readonly topic?: string;
  readonly implementation?: Implementation;
  readonly resultVariable?: string;
}

export interface SequenceFlow {
  readonly id: string;
  readonly name?: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition?: CompiledExpression;
  readonly listeners: readonly ListenerDef[];
}

export interface ProcessModel {
  /** The process key (BPMN process id). */
  readonly id: string;
  readonly name?: string;
  readonly isExecutable: boolean;
  /** The process as a scope: its child flow nodes, event sub-processes and none start event. */
  readonly root: FlowNode;
  readonly nodes: ReadonlyMap<string, FlowNode>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
}

/** Id of the multi-instance body Camunda wraps around a looping activity. */
export function multiInstanceBodyId(activityId: string): string {
  return `${activityId}#multiInstanceBody`;
}
