import { ExpressionEvaluationError } from './errors.ts';
import { formatJava, isNumeric } from './values.ts';

// What Java's Long.valueOf / Double.valueOf accept in practice; no trimming, as Long.valueOf has none.
const NUMERIC_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The error for a failed EL coercion; `target` is e.g. `number` or `boolean`. */
export function cannotCoerce(value: unknown, target: string, text: string): ExpressionEvaluationError {
  return new ExpressionEvaluationError(`Cannot coerce '${formatJava(value)}' to ${target} in expression: ${text}`, text);
}

/** EL coercion to a number: null and "" are 0, numeric strings parse, everything else (booleans too) fails. */
export function toNumber(value: unknown, text: string): number {
  if (value === null || value === undefined || value === '') return 0;
  if (isNumeric(value)) return Number(value);
  if (typeof value === 'string' && NUMERIC_STRING.test(value)) return Number(value);
  throw cannotCoerce(value, 'number', text);
}

/** Coercion for `int` parameters of built-in methods (indexes, substring bounds); Java truncates. */
export function toInteger(value: unknown, text: string): number {
  const n = Math.trunc(toNumber(value, text));
  if (!Number.isFinite(n)) throw cannotCoerce(value, 'integer', text);
  return n;
}

/**
 * Coercion for `!`, `&&`, `||` and `?:`: null and "" are false, "true"/"false" (any case) parse.
 * Unlike Java's lenient `Boolean.valueOf`, any other string is an error: a condition over a typo
 * should fail loudly rather than silently be false.
 */
export function toBoolean(value: unknown, text: string): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw cannotCoerce(value, 'boolean', text);
}

/** Coercion for `==` against a boolean, which JUEL does with Java's `Boolean.valueOf` (non-"true" is false). */
export function toBooleanForEquality(value: unknown, text: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  throw cannotCoerce(value, 'boolean', text);
}
