import type { ProcessModel } from '../bpmn/model.ts';
import type { ActivityInstanceState, ProcessInstanceState } from './state.ts';

/**
 * Adds an instance's active tokens to `counts`, by activity, as Camunda's activity statistics count
 * its active executions: the leaves of the tree, not the scopes above them, and not the tokens
 * that wait at a joining gateway or a completed sub-process kept for compensation (inactive there).
 */
export function countActiveTokens(state: ProcessInstanceState, model: ProcessModel, counts: Map<string, number>): void {
  const visit = (node: ActivityInstanceState, isRoot: boolean) => {
    const children = node.children ?? [];
    if (!isRoot && children.length === 0 && isActive(node, model)) counts.set(node.activityId, (counts.get(node.activityId) ?? 0) + 1);
    for (const child of children) visit(child, false);
  };
  visit(state.root, true);
}

function isActive(node: ActivityInstanceState, model: ProcessModel): boolean {
  if (node.eventScope) return false;
  const kind = model.nodes.get(node.activityId)?.kind;
  return kind !== 'parallelGateway' && kind !== 'inclusiveGateway';
}
