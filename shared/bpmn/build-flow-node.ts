import type { MultiInstanceDef } from './element-parts.ts';
import type { FlowNode } from './flow-node.ts';
import type { FlowNodeBase } from './flow-node-base.ts';
import type { MultiInstanceDraft, NodeDraft } from './node-draft.ts';
import type { ProblemCollector } from './parse-extensions.ts';

/**
 * Turns a finished draft into the FlowNode variant of its kind, keeping only the fields that kind
 * has. It runs on drafts that passed every check, so a field the kind needs is always there; should
 * one be missing after all, the element is refused here rather than failing later at runtime.
 */
export function buildFlowNode(draft: NodeDraft, problems: ProblemCollector): FlowNode | undefined {
  const missing = (what: string): undefined => {
    problems.add(draft.id, `'${draft.id}' (${draft.activityType}) has no ${what}`);
    return undefined;
  };
  const base: FlowNodeBase = {
    id: draft.id,
    ...(draft.form ? { form: draft.form } : {}),
    name: draft.name,
    activityType: draft.activityType,
    scopeId: draft.scopeId,
    incoming: draft.incoming,
    outgoing: draft.outgoing,
    asyncBefore: draft.asyncBefore,
    asyncAfter: draft.asyncAfter,
    listeners: draft.listeners,
    inputs: draft.inputs,
    outputs: draft.outputs,
    boundaryEventIds: draft.boundaryEventIds,
    ...(draft.isForCompensation ? { isForCompensation: true as const } : {}),
  };
  const { timer, messageName, attachedToId, defaultFlowId, interrupting } = draft;
  switch (draft.kind) {
    case 'startEvent':
      return {
        ...base,
        kind: 'startEvent',
        interrupting,
        timer,
        messageName,
        signalName: draft.signalName,
        conditional: draft.conditional,
        ...(draft.compensationStart ? { compensation: true as const } : {}),
        error: draft.errorCatch,
        escalation: draft.escalationCatch,
      };
    case 'compensationThrow':
      return { ...base, kind: 'compensationThrow', activityRef: draft.compensationActivityRef };
    case 'cancelEndEvent':
      return { ...base, kind: 'cancelEndEvent' };
    case 'boundaryCompensation':
      if (!attachedToId) return missing('host activity');
      return draft.compensationHandlerId
        ? { ...base, kind: 'boundaryCompensation', attachedToId, interrupting: false, handlerId: draft.compensationHandlerId }
        : missing('compensation handler (an association to an activity with isForCompensation)');
    case 'boundaryCancel':
      if (!attachedToId) return missing('host activity');
      return { ...base, kind: 'boundaryCancel', attachedToId, interrupting: true };
    case 'intermediateConditional':
      return draft.conditional ? { ...base, kind: 'intermediateConditional', conditional: draft.conditional } : missing('condition');
    case 'boundaryConditional':
      if (!attachedToId) return missing('host activity');
      return draft.conditional ? { ...base, kind: 'boundaryConditional', conditional: draft.conditional, attachedToId, interrupting } : missing('condition');
    case 'signalThrow':
      return draft.signalName ? { ...base, kind: 'signalThrow', signalName: draft.signalName, async: draft.signalAsync === true } : missing('signal');
    case 'intermediateSignal':
      return draft.signalName ? { ...base, kind: 'intermediateSignal', signalName: draft.signalName } : missing('signal');
    case 'boundarySignal':
      if (!attachedToId) return missing('host activity');
      return draft.signalName ? { ...base, kind: 'boundarySignal', signalName: draft.signalName, attachedToId, interrupting } : missing('signal');
    case 'errorEndEvent':
      return draft.errorCode ? { ...base, kind: 'errorEndEvent', errorCode: draft.errorCode, errorMessage: draft.errorMessage } : missing('error code');
    case 'escalationThrow':
      return draft.escalationCode ? { ...base, kind: 'escalationThrow', escalationCode: draft.escalationCode } : missing('escalation code');
    case 'linkCatch':
      return { ...base, kind: 'linkCatch' };
    case 'linkThrow':
      // Redirected and removed by the parser; one left here was not resolved.
      return missing('link catch event');
    case 'noneEndEvent':
    case 'terminateEndEvent':
    case 'intermediateThrow':
    case 'parallelGateway':
    case 'eventBasedGateway':
      return { ...base, kind: draft.kind };
    case 'intermediateTimer':
      return timer ? { ...base, kind: 'intermediateTimer', timer } : missing('timer definition');
    case 'intermediateMessage':
      return messageName ? { ...base, kind: 'intermediateMessage', messageName } : missing('message');
    case 'boundaryTimer':
      if (!attachedToId) return missing('host activity');
      return timer ? { ...base, kind: 'boundaryTimer', timer, attachedToId, interrupting } : missing('timer definition');
    case 'boundaryMessage':
      if (!attachedToId) return missing('host activity');
      return messageName ? { ...base, kind: 'boundaryMessage', messageName, attachedToId, interrupting } : missing('message');
    case 'boundaryError':
      if (!attachedToId) return missing('host activity');
      return { ...base, kind: 'boundaryError', attachedToId, interrupting, error: draft.errorCatch ?? {} };
    case 'boundaryEscalation':
      if (!attachedToId) return missing('host activity');
      return { ...base, kind: 'boundaryEscalation', attachedToId, interrupting, escalation: draft.escalationCatch ?? {} };
    case 'userTask':
      return {
        ...base,
        kind: 'userTask',
        defaultFlowId,
        taskListeners: draft.taskListeners,
        assignee: draft.assignee,
        candidateUsers: draft.candidateUsers,
        candidateGroups: draft.candidateGroups,
        ...draft.taskDates,
      };
    case 'passThroughTask':
      return { ...base, kind: 'passThroughTask', defaultFlowId };
    case 'receiveTask':
      return { ...base, kind: 'receiveTask', defaultFlowId, messageName };
    case 'externalTask':
      return draft.topic ? { ...base, kind: 'externalTask', defaultFlowId, topic: draft.topic, taskPriority: draft.taskPriority } : missing('topic');
    case 'expressionTask':
      return draft.implementation?.type === 'expression'
        ? { ...base, kind: 'expressionTask', defaultFlowId, implementation: draft.implementation, resultVariable: draft.resultVariable }
        : missing('expression');
    case 'scriptTask':
      return draft.script ? { ...base, kind: 'scriptTask', defaultFlowId, script: draft.script, resultVariable: draft.resultVariable } : missing('script');
    case 'decisionTask':
      return draft.decision ? { ...base, kind: 'decisionTask', defaultFlowId, ...draft.decision } : missing('decision reference');
    case 'delegateTask':
      return draft.implementation ? { ...base, kind: 'delegateTask', defaultFlowId, implementation: draft.implementation } : missing('implementation');
    case 'callActivity':
      return draft.call ? { ...base, kind: 'callActivity', defaultFlowId, ...draft.call } : missing('called element');
    case 'exclusiveGateway':
    case 'inclusiveGateway':
      return { ...base, kind: draft.kind, defaultFlowId };
    case 'subProcess': {
      const { childIds, eventSubProcessIds, noneStartEventId } = draft;
      // The process itself (no enclosing scope) may start by events only.
      if (!noneStartEventId && draft.scopeId !== '') return missing('none start event');
      return { ...base, kind: 'subProcess', defaultFlowId, childIds, eventSubProcessIds, noneStartEventId, ...(draft.transaction ? { transaction: true as const } : {}) };
    }
    case 'eventSubProcess': {
      const { childIds, eventSubProcessIds, triggerStartEventId } = draft;
      return triggerStartEventId ? { ...base, kind: 'eventSubProcess', defaultFlowId, childIds, eventSubProcessIds, triggerStartEventId, interrupting } : missing('event start event');
    }
    case 'multiInstanceBody': {
      const multiInstance = draft.multiInstance && loopOf(draft.multiInstance);
      if (!multiInstance) return missing('loopCardinality or collection');
      if (!draft.innerActivityId) return missing('inner activity');
      return { ...base, kind: 'multiInstanceBody', childIds: draft.childIds, innerActivityId: draft.innerActivityId, multiInstance };
    }
  }
}

/** A loop needs a collection or a cardinality; readMultiInstance has refused loops with neither. */
function loopOf(draft: MultiInstanceDraft): MultiInstanceDef | undefined {
  const { collection, loopCardinality, ...loop } = draft;
  if (collection !== undefined) return { ...loop, collection, loopCardinality };
  if (loopCardinality !== undefined) return { ...loop, loopCardinality };
  return undefined;
}
