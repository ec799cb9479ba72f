/**
 * A parser and interpreter for the JUEL subset used in Camunda 7 BPMN models. Pure: no eval, no
 * I/O; the only way out to the caller is {@link ExpressionContext.resolve} and {@link Invocable}.
 */
export type { CompiledExpression } from './ast.ts';
export { isLiteral, parseExpression } from './compile.ts';
export { ExpressionEvaluationError, ExpressionParseError, isUnresolvedIdentifier } from './errors.ts';
export { type ExpressionContext, evaluate, evaluateCondition } from './evaluate.ts';
export { INVOKE, type Invocable } from './invocable.ts';
