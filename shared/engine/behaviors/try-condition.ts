import { type CompiledExpression, isUnresolvedIdentifier } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { ActivityInstanceState } from '../state.ts';

/** Camunda's tryEvaluate: a condition naming a variable that does not exist (yet) is false, not an error. */
export function conditionHolds(ctx: BehaviorContext, condition: CompiledExpression, instance: ActivityInstanceState): boolean {
  try {
    return ctx.evaluateCondition(condition, instance);
  } catch (error) {
    if (isUnresolvedIdentifier(error)) return false;
    throw error;
  }
}
