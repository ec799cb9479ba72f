import { type FlowNode, type FlowNodeKind, type FlowNodeOfKind, isKind } from '../bpmn/model.ts';
import { processEngineError } from './errors.ts';

/**
 * Narrows a node the model says is of one of `kinds` (a boundary event id, an event sub-process's
 * trigger, a task's activity). The parser guarantees it, so a mismatch is a broken model, not a user error.
 */
export function expectKind<K extends FlowNodeKind>(node: FlowNode, ...kinds: K[]): FlowNodeOfKind<K> {
  if (isKind(node, ...kinds)) return node;
  throw processEngineError(`Activity '${node.id}' is a ${node.kind}, expected ${kinds.join(' or ')}`);
}
