import type { DecisionTaskNode } from '../../bpmn/model.ts';
import type { DecisionResult } from '../../dmn/evaluate.ts';
import { mapDecisionResult } from '../decision-results.ts';
import { processEngineError } from '../errors.ts';
import { setTyped } from '../set-typed.ts';
import type { Behavior } from './behavior.ts';

/**
 * A business-rule task with camunda:decisionRef (Camunda's DmnBusinessRuleTaskActivityBehavior):
 * evaluates the decision with the variables the task sees, sets the mapped result as its result
 * variable (Camunda's scoping: where the name lives, else on the instance) and leaves. A failing
 * evaluation or mapping fails the operation, as it rolls Camunda's transaction back.
 */
export const decisionTaskBehavior: Behavior<DecisionTaskNode> = {
  execute(ctx, instance, node) {
    const decision = ctx.env.decisions?.decisionOf(ctx.state.definitionId, node.id);
    if (decision === undefined) throw processEngineError(`The decision of business rule task '${node.id}' was not loaded`);
    if (decision instanceof Error) throw decision;
    let result: DecisionResult;
    try {
      const evaluation = decision.evaluate(ctx.visibleVariables(instance));
      result = evaluation.result;
      const decisions = evaluation.evaluations.map((evaluated) => ({ ...evaluated, id: ctx.env.newId() }));
      ctx.events.push({ type: 'decisionEvaluated', activityId: node.id, activityInstanceId: instance.id, time: ctx.now(), decisions });
    } catch (error) {
      throw processEngineError((error as Error).message);
    }
    if (node.resultVariable) {
      const mapped = (() => {
        try {
          return mapDecisionResult(result, node.mapDecisionResult);
        } catch (error) {
          throw processEngineError((error as Error).message);
        }
      })();
      setTyped(ctx, instance, node.resultVariable, mapped, false);
    }
    ctx.leave(instance);
  },
};
