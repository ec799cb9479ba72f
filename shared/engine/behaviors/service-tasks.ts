import type { DelegateTaskNode, ExpressionTaskNode, ScriptTaskNode } from '../../bpmn/model.ts';
import { isScript } from '../../bpmn/script-def.ts';
import { runScript } from '../scripts.ts';
import { evaluate } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { BpmnError } from '../delegates.ts';
import { createDelegateExecution, createExpressionContext } from '../execution-facade.ts';
import { invokeImplementation } from '../invoke-implementation.ts';
import type { ActivityInstanceState } from '../state.ts';
import type { Behavior } from './behavior.ts';
import { propagateError } from './event-propagation.ts';

/**
 * Runs user code for a token and leaves. A BpmnError it throws propagates to the nearest handler;
 * uncaught, the token ends there (Camunda's none end event semantics). Other errors fail the operation.
 */
function runAndLeave(ctx: BehaviorContext, instance: ActivityInstanceState, work: () => void): void {
  try {
    work();
  } catch (error) {
    if (!(error instanceof BpmnError)) throw error;
    if (!propagateError(ctx, instance, error.errorCode, error.message || undefined)) ctx.leave(instance, [], { failed: true });
    return;
  }
  ctx.leave(instance);
}

/** A camunda:expression service task evaluates its expression (into its result variable, if any) and leaves. */
export const expressionTaskBehavior: Behavior<ExpressionTaskNode> = {
  execute(ctx, instance, node) {
    runAndLeave(ctx, instance, () => {
      const result = evaluate(node.implementation.expression, createExpressionContext(ctx, instance));
      if (node.resultVariable) ctx.setVariable(instance, node.resultVariable, result);
    });
  },
};

/** A script task runs its script, sets a non-null result as its result variable and leaves (Camunda's ScriptTaskActivityBehavior). */
export const scriptTaskBehavior: Behavior<ScriptTaskNode> = {
  execute(ctx, instance, node) {
    runAndLeave(ctx, instance, () => {
      const result = isScript(node.script) ? runScript(ctx, instance, node.script) : evaluate(node.script, createExpressionContext(ctx, instance));
      if (result !== null && result !== undefined && node.resultVariable) ctx.setVariable(instance, node.resultVariable, result);
    });
  },
};

/** A camunda:class or camunda:delegateExpression service task calls its delegate's execute and leaves. */
export const delegateTaskBehavior: Behavior<DelegateTaskNode> = {
  execute(ctx, instance, node) {
    runAndLeave(ctx, instance, () => {
      const execution = createDelegateExecution(ctx, instance);
      invokeImplementation(ctx.env.registry, node.implementation, 'execute', execution, (impl) => evaluate(impl.expression, createExpressionContext(ctx, instance)));
    });
  },
};
