import { behaviorOf } from '../behaviors/behavior-table.ts';
import { notValid } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState } from '../state.ts';
import { describeInstruction, type ModificationInstruction } from './instructions.ts';

type CancelInstruction = Extract<ModificationInstruction, { type: 'cancel' }>;

/**
 * Cancels the named instances, then every enclosing scope instance left without tokens (reference
 * §2.6). The process instance itself is only emptied here; the modification decides at the end.
 */
export function executeCancelInstruction(runtime: Runtime, instruction: CancelInstruction, snapshot: ReadonlySet<string>): void {
  const describe = describeInstruction(instruction);
  let targets: ActivityInstanceState[];
  if ('activityInstanceId' in instruction) {
    const candidate = runtime.tree.get(instruction.activityInstanceId);
    const found = candidate && !candidate.transition ? candidate : undefined;
    if (!found) {
      throw notValid(`Cannot perform instruction: ${describe}; Activity instance '${instruction.activityInstanceId}' does not exist: activityInstance is null`);
    }
    targets = [found];
  } else if ('transitionInstanceId' in instruction) {
    const candidate = runtime.tree.get(instruction.transitionInstanceId);
    const found = candidate?.transition !== undefined ? candidate : undefined;
    if (!found) {
      throw notValid(`Cannot perform instruction: ${describe}; Transition instance '${instruction.transitionInstanceId}' does not exist: transitionInstance is null`);
    }
    targets = [found];
  } else {
    const onlySnapshot = instruction.cancelCurrentActiveActivityInstances === true;
    targets = runtime.tree.all().filter((n) => n !== runtime.state.root && n.activityId === instruction.activityId && (!onlySnapshot || snapshot.has(n.id)));
  }
  for (const target of targets) {
    if (runtime.tree.isAttached(target)) cancelAndPropagate(runtime, target);
  }
}

function cancelAndPropagate(runtime: Runtime, target: ActivityInstanceState): void {
  if (target === runtime.state.root) {
    runtime.cancel(target);
    return;
  }
  let node = target;
  for (;;) {
    const parent = runtime.parentOf(node);
    runtime.cancel(node);
    const parentDefinition = runtime.defOf(parent);
    behaviorOf(parentDefinition).childCancelledByModification?.(parent, parentDefinition, node);
    if (parent === runtime.state.root || (parent.children && parent.children.length > 0)) return;
    node = parent;
  }
}
