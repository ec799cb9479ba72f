import type { MultiInstanceBodyNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { processEngineError } from '../errors.ts';
import type { ActivityInstanceState } from '../state.ts';
import { integer } from '../typed-values.ts';
import type { Behavior } from './behavior.ts';
import { counter, LOOP_COUNTER, loopInstances, loopItems, NR_OF_ACTIVE, NR_OF_COMPLETED, NR_OF_INSTANCES, setCounter, startInnerInstance } from './multi-instance-loop.ts';

/**
 * An inner instance finished: update the counters, then either complete the body (all done or the
 * completion condition holds; remaining instances are cancelled) or, when sequential, start the next.
 */
function innerInstanceEnded(ctx: BehaviorContext, body: ActivityInstanceState, node: MultiInstanceBodyNode): void {
  const loop = node.multiInstance;
  const completed = counter(body, NR_OF_COMPLETED) + 1;
  setCounter(body, NR_OF_COMPLETED, completed);
  setCounter(body, NR_OF_ACTIVE, Math.max(0, counter(body, NR_OF_ACTIVE) - 1));
  const conditionMet = loop.completionCondition ? ctx.evaluateCondition(loop.completionCondition, body) : false;
  if (loop.isSequential) {
    if (!conditionMet && completed < counter(body, NR_OF_INSTANCES) && !(body.children && body.children.length > 0)) {
      setCounter(body, NR_OF_ACTIVE, 1);
      startInnerInstance(ctx, body, node, completed, loopItems(ctx, body, loop)?.[completed]);
      return;
    }
  } else if (!conditionMet && body.children && body.children.length > 0) {
    return;
  }
  for (const child of [...(body.children ?? [])]) ctx.cancel(child);
  ctx.leave(body);
}

/** Reads a counter the way modification always has: whatever is stored, as a number. */
function storedCount(body: ActivityInstanceState, name: string): number {
  return Number(body.variables?.[name]?.value ?? 0);
}

/**
 * The multi-instance body runs its inner activity once per instance, all at once (parallel) or one
 * after the other (sequential), keeping Camunda's counters on the body and a loopCounter on each
 * inner instance. It is the one scope whose completion is not simply "no token left", and the one
 * whose counters modification must keep right when it adds or cancels inner instances.
 */
export const multiInstanceBodyBehavior: Behavior<MultiInstanceBodyNode> = {
  ownsVariables: true,
  childrenOwnVariables: true,

  execute(ctx, body, node) {
    const { count, items } = loopInstances(ctx, body, node.multiInstance);
    const sequential = node.multiInstance.isSequential;
    setCounter(body, NR_OF_INSTANCES, count);
    setCounter(body, NR_OF_COMPLETED, 0);
    setCounter(body, NR_OF_ACTIVE, count === 0 ? 0 : sequential ? 1 : count);
    if (count === 0) {
      ctx.leave(body);
      return;
    }
    if (sequential) {
      startInnerInstance(ctx, body, node, 0, items?.[0]);
      return;
    }
    for (let i = 0; i < count; i++) startInnerInstance(ctx, body, node, i, items?.[i]);
  },

  childEnded(ctx, body, node) {
    // The body decides, as a step of its own on the agenda, whether another instance runs or the loop is done.
    ctx.schedule(body, body.activityId, () => innerInstanceEnded(ctx, body, node));
  },

  instantiatedByModification(body) {
    // A body created around a single started inner activity counts exactly that one instance.
    body.variables = {
      ...body.variables,
      [NR_OF_INSTANCES]: integer(0),
      [NR_OF_ACTIVE]: integer(0),
      [NR_OF_COMPLETED]: integer(0),
    };
  },

  childStartedByModification(body, node, bodyIsNew) {
    // Starting the inner activity adds one instance: the next loop counter, with the counters raised.
    if (!bodyIsNew && node.multiInstance.isSequential && (body.children?.length ?? 0) > 0) {
      throw processEngineError(`Concurrent instantiation not possible for activities in scope ${node.id}`);
    }
    const loopCounter = storedCount(body, NR_OF_INSTANCES);
    body.variables = {
      ...body.variables,
      [NR_OF_INSTANCES]: integer(loopCounter + 1),
      [NR_OF_ACTIVE]: integer(storedCount(body, NR_OF_ACTIVE) + 1),
      [NR_OF_COMPLETED]: integer(storedCount(body, NR_OF_COMPLETED)),
    };
    return { [LOOP_COUNTER]: integer(loopCounter) };
  },

  childCancelledByModification(body, _node, child) {
    // A cancelled inner activity instance no longer counts toward the body's instances.
    if (child.transition) return;
    body.variables = {
      ...body.variables,
      [NR_OF_INSTANCES]: integer(Math.max(0, storedCount(body, NR_OF_INSTANCES) - 1)),
      [NR_OF_ACTIVE]: integer(Math.max(0, storedCount(body, NR_OF_ACTIVE) - 1)),
    };
  },
};
