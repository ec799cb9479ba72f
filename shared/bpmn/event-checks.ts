import type { SequenceFlow } from './model.ts';
import type { NodeDraft } from './node-draft.ts';
import type { ProblemCollector } from './parse-extensions.ts';

/**
 * The parser's checks and rewrites for events across elements, with Camunda's parse rules: link
 * events, event-based gateways, escalation hosts, compensation and transactions. They run on the
 * drafts once flows are connected (parse-bpmn.ts).
 */

/** Camunda's escalation hosts: sub-processes and user tasks (call activities too, once they exist), also when looping. */
export function canCatchEscalations(drafts: Map<string, NodeDraft>, host: NodeDraft): boolean {
  const activity = host.kind === 'multiInstanceBody' && host.innerActivityId ? drafts.get(host.innerActivityId) : host;
  return activity?.kind === 'subProcess' || activity?.kind === 'userTask' || activity?.kind === 'callActivity';
}

/**
 * Camunda creates no activity for a link throw event: the flows into it lead to the link catch event
 * of the same name in the same scope. The throw events are removed from the drafts here.
 */
export function resolveLinks(drafts: Map<string, NodeDraft>, flows: Map<string, SequenceFlow>, problems: ProblemCollector): void {
  const catches = new Map<string, NodeDraft>();
  for (const draft of drafts.values()) {
    if (draft.kind !== 'linkCatch' || !draft.linkName) continue;
    const key = `${draft.scopeId}\u0000${draft.linkName}`;
    if (catches.has(key)) problems.add(draft.id, `Multiple Intermediate Catch Events with the same link event name ('${draft.linkName}') are not allowed.`);
    else catches.set(key, draft);
  }
  for (const draft of [...drafts.values()]) {
    if (draft.kind !== 'linkThrow') continue;
    const target = draft.linkName ? catches.get(`${draft.scopeId}\u0000${draft.linkName}`) : undefined;
    if (!target) {
      problems.add(draft.id, `Link throw event '${draft.id}' has no link catch event named '${draft.linkName ?? ''}' in its scope`);
      continue;
    }
    for (const flowId of draft.incoming) {
      const flow = flows.get(flowId)!;
      flows.set(flowId, { ...flow, targetId: target.id });
      target.incoming = [...target.incoming, flowId];
    }
    drafts.delete(draft.id);
    const scope = drafts.get(draft.scopeId);
    if (scope) scope.childIds = scope.childIds.filter((id) => id !== draft.id);
  }
}

/**
 * Compensation and transactions, with Camunda's parse rules: a compensation boundary event names its
 * handler through an association; handlers (`isForCompensation`) have no sequence flows; a compensation
 * throw's activityRef names an activity of its scope (for a throw in a compensation event sub-process,
 * of the sub-process around it); cancel events belong to transactions.
 */
export function resolveCompensation(drafts: Map<string, NodeDraft>, associations: { sourceId?: string; targetId?: string }[], problems: ProblemCollector): void {
  for (const draft of drafts.values()) {
    if (draft.kind === 'boundaryCompensation') {
      const handlerId = associations.find((a) => a.sourceId === draft.id)?.targetId;
      const handler = handlerId ? drafts.get(handlerId) : undefined;
      if (!handler?.isForCompensation) problems.add(draft.id, `compensation boundary event '${draft.id}' needs an association to an activity with isForCompensation="true"`);
      else draft.compensationHandlerId = handler.id;
      if (draft.outgoing.length > 0) problems.add(draft.id, `A compensation boundary event must not have outgoing sequence flows ('${draft.id}')`);
    }
    if (draft.isForCompensation && (draft.incoming.length > 0 || draft.outgoing.length > 0)) {
      problems.add(draft.id, `Invalid sequence flow of compensation activity '${draft.id}'. A compensation activity should not have an incoming or outgoing sequence flow.`);
    }
    if (draft.kind === 'compensationThrow' && draft.compensationActivityRef) {
      const target = drafts.get(`${draft.compensationActivityRef}#multiInstanceBody`) ?? drafts.get(draft.compensationActivityRef);
      const scope = drafts.get(draft.scopeId);
      const allowedScopes = new Set([draft.scopeId, scope?.kind === 'eventSubProcess' ? scope.scopeId : draft.scopeId]);
      if (!target || !allowedScopes.has(target.scopeId))
        problems.add(draft.id, `Invalid attribute value for 'activityRef': no activity with id '${draft.compensationActivityRef}' in scope '${draft.scopeId}'`);
    }
    if (draft.kind === 'startEvent' && draft.compensationStart) {
      const eventSubProcess = drafts.get(draft.scopeId);
      const outer = eventSubProcess ? drafts.get(eventSubProcess.scopeId) : undefined;
      if (eventSubProcess?.kind !== 'eventSubProcess' || !outer || outer.scopeId === '') {
        problems.add(draft.id, `event subprocess with compensation start event is only supported for embedded subprocess ('${draft.id}')`);
      }
    }
    const transaction = drafts.get(draft.scopeId);
    if (draft.kind === 'cancelEndEvent' && !transaction?.transaction) problems.add(draft.id, `end event with cancelEventDefinition only supported inside transaction subprocess ('${draft.id}')`);
    else if (draft.kind === 'cancelEndEvent' && !cancelBoundaryHostOf(drafts, transaction!).boundaryEventIds.some((id) => drafts.get(id)?.kind === 'boundaryCancel')) {
      problems.add(draft.id, `cancel end event '${draft.id}' needs a cancel boundary event on its transaction '${transaction!.id}'`);
    }
    if (draft.kind === 'boundaryCancel') {
      const host = draft.attachedToId ? drafts.get(draft.attachedToId) : undefined;
      const transactionHost = host?.kind === 'multiInstanceBody' && host.innerActivityId ? drafts.get(host.innerActivityId) : host;
      if (!transactionHost?.transaction) problems.add(draft.id, `boundary event with cancelEventDefinition only supported on transaction subprocesses ('${draft.id}')`);
    }
  }
}

/** Where a transaction's boundary events sit: on its multi-instance body when it loops. */
function cancelBoundaryHostOf(drafts: Map<string, NodeDraft>, transaction: NodeDraft): NodeDraft {
  const scope = drafts.get(transaction.scopeId);
  return scope?.kind === 'multiInstanceBody' ? scope : transaction;
}

/** Camunda's rules (BpmnParse.parseEventBasedGateway): its flows lead only to intermediate catch events, each reached from it alone. */
export function checkEventBasedGateways(drafts: Map<string, NodeDraft>, flows: Map<string, SequenceFlow>, problems: ProblemCollector): void {
  for (const gateway of drafts.values()) {
    if (gateway.kind !== 'eventBasedGateway') continue;
    for (const flowId of gateway.outgoing) {
      const target = drafts.get(flows.get(flowId)!.targetId)!;
      if (target.kind !== 'intermediateTimer' && target.kind !== 'intermediateMessage' && target.kind !== 'intermediateSignal' && target.kind !== 'intermediateConditional') {
        problems.add(gateway.id, `Event based gateway can only be connected to elements of type intermediateCatchEvent ('${gateway.id}' → '${target.id}')`);
      } else if (target.incoming.length !== 1) {
        problems.add(target.id, `Invalid incoming sequenceflow for intermediateCatchEvent with id '${target.id}' connected to an event-based gateway.`);
      }
    }
  }
}
