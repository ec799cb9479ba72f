import type { CompiledExpression, Node } from './ast.ts';
import { toBoolean } from './coerce.ts';
import { ExpressionEvaluationError } from './errors.ts';
import { callMethod } from './methods.ts';
import { applyBinary, negate } from './operators.ts';
import { readProperty } from './properties.ts';
import { coerceToString, formatJava, isEmptyValue, javaClassName } from './values.ts';

/** What the interpreter asks the caller for. */
export interface ExpressionContext {
  /**
   * Resolves a top-level identifier. Return `undefined` when the name is unknown (NOT when the
   * value is null: return `{ value: null }` then). A function value makes `name(args)` callable.
   */
  resolve(name: string): { value: unknown } | undefined;
}

/**
 * Evaluates a parsed text. A plain literal yields its (unescaped) text; a text that is exactly one
 * `${...}` yields the raw value (number, boolean, object, null, ...); a composite yields the string
 * concatenation of its parts, with `null` rendered as "".
 * @throws ExpressionEvaluationError on unknown identifiers, failed coercions and unknown methods.
 *   Errors thrown by an {@link Invocable} or a context function propagate unchanged.
 */
export function evaluate(expr: CompiledExpression, ctx: ExpressionContext): unknown {
  const { parts, text } = expr;
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'expression') return evaluateNode(only.node, ctx, text);
  let result = '';
  for (const part of parts) {
    result += part.kind === 'text' ? part.value : coerceToString(evaluateNode(part.node, ctx, text));
  }
  return result;
}

/**
 * Evaluates a condition (sequence flow, conditional event, ...) and coerces the result the JUEL
 * way: booleans as they are, `null` as false, the strings "true"/"false" (any case) parsed.
 * @throws ExpressionEvaluationError with Camunda's `ENGINE-02034` message for any other result.
 */
export function evaluateCondition(expr: CompiledExpression, ctx: ExpressionContext): boolean {
  const result = evaluate(expr, ctx);
  if (typeof result === 'boolean') return result;
  if (result === null || result === undefined) return false;
  if (typeof result === 'string') {
    const lower = result.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new ExpressionEvaluationError(`ENGINE-02034 Condition expression returns non-Boolean: result has class ${javaClassName(result)} and value ${formatJava(result)}`, expr.text);
}

function evaluateNode(node: Node, ctx: ExpressionContext, text: string): unknown {
  const evaluateChild = (child: Node): unknown => evaluateNode(child, ctx, text);
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier': {
      const resolved = ctx.resolve(node.name);
      if (resolved === undefined) {
        throw new ExpressionEvaluationError(`Unknown property used in expression: ${text}. Cause: Cannot resolve identifier '${node.name}'`, text);
      }
      return resolved.value ?? null;
    }
    case 'property':
      return readProperty(evaluateChild(node.target), evaluateChild(node.key), text);
    case 'method': {
      const base = evaluateChild(node.target);
      const name = coerceToString(evaluateChild(node.name));
      if (base === null || base === undefined) return callMethod(base, name, [], text);
      return callMethod(base, name, node.args.map(evaluateChild), text);
    }
    case 'function': {
      const fn = ctx.resolve(node.name)?.value;
      if (typeof fn !== 'function') {
        throw new ExpressionEvaluationError(`Function not found: ${node.name} in expression: ${text}`, text);
      }
      return (fn as (...args: unknown[]) => unknown)(...node.args.map(evaluateChild)) ?? null;
    }
    case 'unary': {
      const operand = evaluateChild(node.operand);
      if (node.operator === '-') return negate(operand, text);
      if (node.operator === '!') return !toBoolean(operand, text);
      return isEmptyValue(operand);
    }
    case 'binary':
      return applyBinary(node.operator, evaluateChild(node.left), evaluateChild(node.right), text);
    case 'logical': {
      const left = toBoolean(evaluateChild(node.left), text);
      // Short-circuit: the right side is never evaluated, so it may name unknown identifiers.
      if (node.operator === '&&' ? !left : left) return left;
      return toBoolean(evaluateChild(node.right), text);
    }
    case 'conditional':
      return toBoolean(evaluateChild(node.test), text) ? evaluateChild(node.consequent) : evaluateChild(node.alternate);
  }
}
