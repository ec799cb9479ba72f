import { ExpressionEvaluationError } from './errors.ts';
import { INVOKE, isInvocable } from './invocable.ts';
import { coerceToString, isPlainObject, readOwn } from './values.ts';

const ARRAY_INDEX = /^[+-]?\d+$/;

/**
 * `base.key` / `base[key]`. Plain objects read own enumerable properties only (missing → null, as
 * JUEL's map resolver does); arrays read by index (out of range → null); Invocables get a JavaBeans
 * getter call. Anything else is an error rather than a reach into JavaScript internals.
 */
export function readProperty(base: unknown, key: unknown, text: string): unknown {
  const name = coerceToString(key);
  if (base === null || base === undefined) {
    throw new ExpressionEvaluationError(`Cannot resolve property '${name}' of null in expression: ${text}`, text);
  }
  if (isInvocable(base)) {
    return base[INVOKE](`get${name.charAt(0).toUpperCase()}${name.slice(1)}`, []) ?? null;
  }
  if (key === null || key === undefined) return null;
  if (Array.isArray(base)) {
    const index = toArrayIndex(key);
    if (index === undefined) {
      throw new ExpressionEvaluationError(`Cannot resolve property '${name}' of a list in expression: ${text}`, text);
    }
    return index >= 0 && index < base.length ? (base[index] ?? null) : null;
  }
  if (isPlainObject(base)) return readOwn(base, name);
  throw new ExpressionEvaluationError(`Cannot resolve property '${name}' of ${describe(base)} in expression: ${text}`, text);
}

/** JUEL's list index rule: numbers truncate, strings must be integers, anything else is no index. */
function toArrayIndex(key: unknown): number | undefined {
  if (typeof key === 'number') return Number.isFinite(key) ? Math.trunc(key) : undefined;
  if (typeof key === 'bigint') return Number(key);
  if (typeof key === 'string' && ARRAY_INDEX.test(key)) return Number(key);
  return undefined;
}

/** A short, safe description of a value's type for messages (never calls into the value). */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a map';
  if (typeof value === 'object' || typeof value === 'function') return 'an object';
  return `a ${typeof value}`;
}
