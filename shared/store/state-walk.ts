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
