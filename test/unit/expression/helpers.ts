import { type ExpressionContext, evaluate, evaluateCondition, parseExpression } from '../../../shared/expression/index.ts';

/** A context backed by a record; names absent from it are unknown identifiers. */
export function contextOf(variables: Record<string, unknown>): ExpressionContext {
  return {
    resolve: (name) => (Object.hasOwn(variables, name) ? { value: variables[name] } : undefined),
  };
}

/** Parses and evaluates `text` against `variables`. */
export function run(text: string, variables: Record<string, unknown> = {}): unknown {
  return evaluate(parseExpression(text), contextOf(variables));
}

/** Parses and evaluates `text` as a condition against `variables`. */
export function condition(text: string, variables: Record<string, unknown> = {}): boolean {
  return evaluateCondition(parseExpression(text), contextOf(variables));
}

/** Runs `fn` and returns what it threw; fails when it did not throw an Error. */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected the call to throw');
}
