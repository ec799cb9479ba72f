/**
 * Conditions on variable values, as Camunda's queries apply them (its QueryVariableValue): the
 * comparison operators of a `variables` filter, `like` with `%` and `_`, and its ignore-case switch.
 */
import type { TypedValue } from '../engine/state.ts';
import { sqlLike } from '../query/sql-like.ts';

/** A condition on a variable's value (Camunda's VariableQueryParameterDto, its operator already checked). */
export interface VariableCondition {
  name: string;
  operator: 'eq' | 'neq' | 'gt' | 'gteq' | 'lt' | 'lteq' | 'like';
  value: unknown;
}

/** Camunda's `like` (shared/query/sql-like.ts: no regular expression a pattern could make backtrack), on text only. */
export function likeMatches(value: unknown, pattern: string, ignoreCase = false): boolean {
  if (typeof value !== 'string') return false;
  return ignoreCase ? sqlLike(pattern.toLowerCase())(value.toLowerCase()) : sqlLike(pattern)(value);
}

/** Whether a typed value meets the condition; `ignoreCase` compares text values case-insensitively. */
export function variableMatches(actual: TypedValue, condition: VariableCondition, ignoreCase = false): boolean {
  const fold = (v: unknown) => (ignoreCase && typeof v === 'string' ? v.toLowerCase() : v);
  const value = fold(actual.value);
  const wanted = fold(condition.value);
  switch (condition.operator) {
    case 'eq':
      return value === wanted || (value instanceof Object && JSON.stringify(value) === JSON.stringify(wanted));
    case 'neq':
      return value !== wanted;
    case 'like':
      return likeMatches(actual.value, String(condition.value), ignoreCase);
    default: {
      // Ordering compares like types only: numbers with numbers, text (and dates) with text.
      if (typeof value !== typeof wanted || (typeof value !== 'number' && typeof value !== 'string')) return false;
      const x = value as number | string;
      const y = wanted as number | string;
      if (condition.operator === 'gt') return x > y;
      if (condition.operator === 'gteq') return x >= y;
      if (condition.operator === 'lt') return x < y;
      return x <= y;
    }
  }
}
