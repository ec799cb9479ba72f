import type { BinaryOperator } from './ast.ts';
import { toBooleanForEquality, toNumber } from './coerce.ts';
import { ExpressionEvaluationError } from './errors.ts';
import { coerceToString, formatJava, isNumeric, javaEquals } from './values.ts';

/** Applies a non-short-circuit binary operator with JUEL's coercion rules. */
export function applyBinary(operator: BinaryOperator, left: unknown, right: unknown, text: string): unknown {
  switch (operator) {
    case '==':
      return looseEquals(left, right, text);
    case '!=':
      return !looseEquals(left, right, text);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(operator, left, right, text);
    default:
      return arithmetic(operator, left, right, text);
  }
}

function arithmetic(operator: '+' | '-' | '*' | '/' | '%', left: unknown, right: unknown, text: string): number {
  const a = toNumber(left, text);
  const b = toNumber(right, text);
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // JUEL divides as doubles (7/2 = 3.5), except that null / null is the Long 0, not NaN.
      return isNull(left) && isNull(right) ? 0 : a / b;
    case '%':
      if (isNull(left) && isNull(right)) return 0;
      // Java's Long remainder by zero throws; the Double one yields NaN like JS.
      if (b === 0 && Number.isInteger(a)) {
        throw new ExpressionEvaluationError(`Division by zero in expression: ${text}`, text);
      }
      return a % b;
  }
}

/** EL `==`: numbers win over booleans, which win over strings; otherwise Java `equals`. */
function looseEquals(left: unknown, right: unknown, text: string): boolean {
  if (left === right) return true;
  if (isNull(left) || isNull(right)) return false;
  if (isNumeric(left) || isNumeric(right)) return toNumber(left, text) === toNumber(right, text);
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    return toBooleanForEquality(left, text) === toBooleanForEquality(right, text);
  }
  if (typeof left === 'string' || typeof right === 'string') return coerceToString(left) === coerceToString(right);
  return javaEquals(left, right);
}

/** EL relational operators, with JUEL's rule that `<=` is "not `>`" (and `>=` "not `<`"). */
function compare(operator: '<' | '>' | '<=' | '>=', left: unknown, right: unknown, text: string): boolean {
  if (left === right) return operator === '<=' || operator === '>=';
  if (isNull(left) || isNull(right)) return false;
  let a: number | string;
  let b: number | string;
  if (isNumeric(left) || isNumeric(right)) {
    a = toNumber(left, text);
    b = toNumber(right, text);
  } else if (typeof left === 'string' || typeof right === 'string') {
    a = coerceToString(left);
    b = coerceToString(right);
  } else if (typeof left === 'boolean' && typeof right === 'boolean') {
    a = Number(left);
    b = Number(right);
  } else if (left instanceof Date && right instanceof Date) {
    a = left.getTime();
    b = right.getTime();
  } else {
    throw new ExpressionEvaluationError(`Cannot compare '${formatJava(left)}' and '${formatJava(right)}' in expression: ${text}`, text);
  }
  switch (operator) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return !(a > b);
    case '>=':
      return !(a < b);
  }
}

/** Unary minus: null is 0, numeric strings coerce, booleans fail. */
export function negate(value: unknown, text: string): number {
  // `0 - n` rather than `-n`: JUEL negates null to the Long 0, and JS would produce -0.
  return 0 - toNumber(value, text);
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}
