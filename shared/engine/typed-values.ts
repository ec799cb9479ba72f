import type { TypedValue, VariableTypeName } from './state.ts';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Infers Camunda's value type for a plain JS value set by an expression, a delegate or a mapping:
 * whole numbers within 32 bits are Integer, larger ones Long, other numbers Double.
 */
export function toTypedValue(value: unknown): TypedValue {
  if (value === null || value === undefined) return { type: 'Null', value: null };
  switch (typeof value) {
    case 'string':
      return { type: 'String', value };
    case 'boolean':
      return { type: 'Boolean', value };
    case 'number':
      if (Number.isInteger(value)) return { type: value >= INT_MIN && value <= INT_MAX ? 'Integer' : 'Long', value };
      return { type: 'Double', value };
    case 'bigint':
      return { type: 'Long', value: Number(value) };
    default:
      if (value instanceof Date) return { type: 'Date', value: value.toISOString() };
      // Lists and maps built by mappings or delegates: kept as JSON-compatible Object values.
      return { type: 'Object', value: JSON.parse(JSON.stringify(value)) };
  }
}

/** The JS value expressions and delegates see for a stored typed value. */
export function fromTypedValue(typed: TypedValue): unknown {
  return typed.value;
}

/** Builds a typed value from an explicit Camunda type name; throws on values that do not fit. */
export function typedValueOf(type: VariableTypeName, value: unknown): TypedValue {
  return { type, value: value ?? null };
}

export function integer(value: number): TypedValue {
  return { type: 'Integer', value };
}
