import type { Condition } from '../../bpmn/model.ts';
import { isUnresolvedIdentifier } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { ActivityInstanceState } from '../state.ts';

/**
 * Camunda's tryEvaluate: a condition naming a variable that does not exist (yet) is false, not an
 * error. A failing JavaScript condition fails the operation: Camunda's ScriptCondition#tryEvaluate
 * forgives only Groovy's "No such property" and a wrapped ScriptEvaluationException, and a script
 * engine's failure reaches it unwrapped.
 */
export function conditionHolds(ctx: BehaviorContext, condition: Condition, instance: ActivityInstanceState): boolean {
  try {
    return ctx.evaluateCondition(condition, instance);
  } catch (error) {
    if (isUnresolvedIdentifier(error)) return false;
    throw error;
  }
}
