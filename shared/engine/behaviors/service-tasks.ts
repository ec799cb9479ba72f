import type { DelegateTaskNode, ExpressionTaskNode } from '../../bpmn/model.ts';
import { evaluate } from '../../expression/index.ts';
import { createDelegateExecution, createExpressionContext } from '../execution-facade.ts';
import { invokeImplementation } from '../invoke-implementation.ts';
import type { Behavior } from './behavior.ts';

/** A camunda:expression service task evaluates its expression (into its result variable, if any) and leaves. */
export const expressionTaskBehavior: Behavior<ExpressionTaskNode> = {
  execute(ctx, instance, node) {
    const result = evaluate(node.implementation.expression, createExpressionContext(ctx, instance));
    if (node.resultVariable) ctx.setVariable(instance, node.resultVariable, result);
    ctx.leave(instance);
  },
};

/** A camunda:class or camunda:delegateExpression service task calls its delegate's execute and leaves. */
export const delegateTaskBehavior: Behavior<DelegateTaskNode> = {
  execute(ctx, instance, node) {
    const execution = createDelegateExecution(ctx, instance);
    invokeImplementation(ctx.env.registry, node.implementation, 'execute', execution, (impl) => evaluate(impl.expression, createExpressionContext(ctx, instance)));
    ctx.leave(instance);
  },
};
