import type { ActivityInstanceState, ProcessInstanceState } from '../engine/state.ts';

/** Every activity instance of a running instance (none of an ended or absent one), for the history derivations. */
export function activeNodes(state: ProcessInstanceState | undefined): ActivityInstanceState[] {
  if (state?.status !== 'ACTIVE') return [];
  const nodes: ActivityInstanceState[] = [];
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    for (const child of node.children ?? []) stack.push(child);
  }
  return nodes;
}

/** What a history record names of its process instance (its root: itself unless a call activity started it). */
export function instanceFieldsOf(state: ProcessInstanceState) {
  return {
    processInstanceId: state.id,
    rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    processDefinitionId: state.definitionId,
    processDefinitionKey: state.definitionKey,
    tenantId: state.tenantId ?? null,
  };
}
