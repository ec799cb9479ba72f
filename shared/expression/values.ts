/**
 * Bounds how many nested values one comparison or formatting may visit. Caller data may be cyclic
 * or share sub-objects (exponential to walk as a tree); past the budget we stop descending.
 */
const DATA_BUDGET = 10_000;

interface Budget {
  remaining: number;
}

/**
 * A JSON-like object, treated as a Java Map. Class instances are excluded on purpose: they are not
 * data, and their prototype chains must stay out of reach.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads an own enumerable property only, so `constructor`, `__proto__` and friends read as missing. */
export function readOwn(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.propertyIsEnumerable.call(object, key) ? (object[key] ?? null) : null;
}

/** True when `value` is a number in JUEL's sense (bigint is accepted for Java Long variables). */
export function isNumeric(value: unknown): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** JUEL's `empty` operator. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * Java's `Object.equals` as it applies to variable values: no coercion, structural for Lists and
 * Maps. Used where Java itself would call `equals` (`list.contains(x)`, `==` on two collections).
 */
export function javaEquals(a: unknown, b: unknown, budget: Budget = { remaining: DATA_BUDGET }): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (--budget.remaining < 0) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => javaEquals(item, b[i], budget));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.propertyIsEnumerable.call(b, key) && javaEquals(a[key], b[key], budget));
  }
  return false;
}

/** Formats a number as Java would print the Long or Double it stands for. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  // JS cannot tell 3 from 3.0; safe integers print as Java Longs.
  if (Number.isSafeInteger(n)) return String(n === 0 ? 0 : n);
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(n);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Java's `String.valueOf` for variable values: `null`, `[1, 2]`, `{a=1, b=x}`, numbers as Java prints them. */
export function formatJava(value: unknown): string {
  return format(value, { remaining: DATA_BUDGET }, []);
}

function format(value: unknown, budget: Budget, ancestors: unknown[]): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const container = Array.isArray(value) || isPlainObject(value);
  if (container && ancestors.includes(value)) return '(this Collection)';
  if (container && --budget.remaining < 0) return '...';
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => format(item, budget, ancestors)).join(', ')}]`;
    if (isPlainObject(value)) {
      const entries = Object.keys(value).map((key) => `${key}=${format(value[key], budget, ancestors)}`);
      return `{${entries.join(', ')}}`;
    }
  } finally {
    ancestors.pop();
  }
  // Never call a foreign toString(): it is caller code with arbitrary behaviour.
  return Object.prototype.toString.call(value);
}

/** EL's coercion to String: like {@link formatJava}, except `null` becomes the empty string. */
export function coerceToString(value: unknown): string {
  return value === null || value === undefined ? '' : formatJava(value);
}

/** The Java class Camunda would report for a value, for the non-Boolean condition message. */
export function javaClassName(value: unknown): string {
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return 'java.lang.Double';
    return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(value)) return 'java.util.List';
  if (isPlainObject(value) || value instanceof Map) return 'java.util.Map';
  if (value instanceof Date) return 'java.util.Date';
  return 'java.lang.Object';
}
