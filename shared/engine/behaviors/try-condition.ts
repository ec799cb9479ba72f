import type { Condition } from '../../bpmn/model.ts';
import { isUnresolvedIdentifier } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { isScriptEvaluationFailure } from '../scripts.ts';
import type { ActivityInstanceState } from '../state.ts';

/**
 * Camunda's tryEvaluate: a condition naming a variable that does not exist (yet) is false, not an
 * error, and so is a script condition that fails to evaluate (ScriptCondition#tryEvaluate).
 */
export function conditionHolds(ctx: BehaviorContext, condition: Condition, instance: ActivityInstanceState): boolean {
  try {
    return ctx.evaluateCondition(condition, instance);
  } catch (error) {
    if (isUnresolvedIdentifier(error) || isScriptEvaluationFailure(error)) return false;
    throw error;
  }
}
