import type { FormReference } from './forms.ts';
import type { CompiledExpression } from '../expression/index.ts';
import type { ConditionalDef, ErrorCatchDef, EscalationCatchDef, Implementation, IoParameter, ListenerDef, TimerDef } from './element-parts.ts';
import type { CallDraft } from './call-activity.ts';
import type { FlowNodeKind } from './flow-node.ts';
import type { DecisionTaskNode } from './task-nodes.ts';
import type { ScriptDef } from './script-def.ts';

/** A multi-instance loop as read, before the parser knows that one of collection and cardinality is there. */
export interface MultiInstanceDraft {
  isSequential: boolean;
  loopCardinality?: CompiledExpression;
  collection?: CompiledExpression | string;
  elementVariable?: string;
  completionCondition?: CompiledExpression;
  innerAsyncBefore: boolean;
  innerAsyncAfter: boolean;
}

/**
 * A flow node while the parser still connects flows, wraps multi-instance bodies and attaches
 * boundary events. One loose mutable shape for every kind keeps those passes simple; once the
 * model is known to be valid, build-flow-node.ts turns each draft into its FlowNode variant.
 */
export interface NodeDraft {
  id: string;
  name?: string;
  /** `linkThrow` only lives in drafts: the parser redirects its incoming flows to the link catch. */
  kind: FlowNodeKind | 'linkThrow';
  activityType: string;
  scopeId: string;
  incoming: readonly string[];
  outgoing: readonly string[];
  asyncBefore: boolean;
  asyncAfter: boolean;
  listeners: readonly ListenerDef[];
  taskListeners: readonly ListenerDef[];
  inputs: readonly IoParameter[];
  outputs: readonly IoParameter[];
  boundaryEventIds: readonly string[];
  attachedToId?: string;
  interrupting: boolean;
  timer?: TimerDef;
  messageName?: string;
  /** Thrown by an error end event. */
  errorCode?: string;
  errorMessage?: CompiledExpression;
  errorCatch?: ErrorCatchDef;
  /** Thrown by an escalation throw or end event. */
  escalationCode?: string;
  escalationCatch?: EscalationCatchDef;
  signalName?: CompiledExpression;
  conditional?: ConditionalDef;
  /** camunda:async on a throwing signal event definition. */
  signalAsync?: boolean;
  /** Compensation: the throw's activityRef, the boundary's handler, the handler's mark, the start event's trigger. */
  compensationActivityRef?: string;
  compensationHandlerId?: string;
  isForCompensation?: boolean;
  compensationStart?: boolean;
  transaction?: boolean;
  /** Link throw and catch events pair up by this name within one scope. */
  linkName?: string;
  defaultFlowId?: string;
  childIds: readonly string[];
  eventSubProcessIds: readonly string[];
  noneStartEventId?: string;
  triggerStartEventId?: string;
  multiInstance?: MultiInstanceDraft;
  innerActivityId?: string;
  assignee?: CompiledExpression;
  candidateUsers?: CompiledExpression[];
  candidateGroups?: CompiledExpression[];
  taskDates?: { dueDate?: CompiledExpression; followUpDate?: CompiledExpression; priority?: CompiledExpression; description?: CompiledExpression };
  topic?: string;
  form?: FormReference;
  taskPriority?: CompiledExpression;
  implementation?: Implementation;
  resultVariable?: string;
  /** A call activity's called element, binding and variable mappings. */
  call?: CallDraft;
  /** A script task's script. */
  script?: ScriptDef | CompiledExpression;
  /** A business-rule task's decision reference. */
  decision?: Pick<DecisionTaskNode, 'decisionRef' | 'binding' | 'tenantId' | 'resultVariable' | 'mapDecisionResult'>;
}
