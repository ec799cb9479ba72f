/**
 * What never goes into a log line (docs/operations.md "Logs"): passwords and other secrets,
 * `Authorization` credentials, and variable values. Log attributes are copied with the values of
 * sensitive keys replaced, credentials masked in every string, and the engine messages that quote a
 * value (Camunda's wording, kept in the REST answer) logged without it.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secret or are variable values, whatever their nesting. */
const SENSITIVE_KEY = /pass(word)?|secret|credential|authorization|cookie|token|^(variables|localVariables|processVariables|modifications|value|valueInfo)$/i;

/** HTTP credentials inside any text (a header echoed in an error, a URL with a token). */
const CREDENTIALS = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/g;

/** Engine messages that quote a variable's or an expression's value: the log keeps all but the value. */
const VALUE_QUOTING_MESSAGES: readonly [RegExp, string][] = [
  [/(ENGINE-02010 Variable '[^']*'):[\s\S]*? is not a Collection\./g, `$1:${REDACTED} is not a Collection.`],
  [/(ENGINE-02011 Invalid number of instances: must be a non-negative integer value, but was )[^\n]*/g, `$1${REDACTED}`],
  [/(ENGINE-02034 Condition expression returns non-Boolean: result has class \S+ and value )[^\n]*/g, `$1${REDACTED}`],
  [/(The called element of call activity '[^']*' evaluated to ')[\s\S]*?(', not to a process definition key)/g, `$1${REDACTED}$2`],
  [/(Cannot coerce ')[\s\S]*?(' to )/g, `$1${REDACTED}$2`],
  [/(Cannot compare ')[\s\S]*?(' and ')[\s\S]*?(' in expression)/g, `$1${REDACTED}$2${REDACTED}$3`],
  [/(Cannot convert value ')[\s\S]*?(' of type ')/g, `$1${REDACTED}$2`],
  // Query parameters and form fields that could not be read (variable filters carry values).
  [/(to value ')[\s\S]*?('(?=$|[:.,\s]))/g, `$1${REDACTED}$2`],
];

export function redactText(text: string): string {
  let result = text.replace(CREDENTIALS, `$1 ${REDACTED}`);
  for (const [pattern, replacement] of VALUE_QUOTING_MESSAGES) result = result.replace(pattern, replacement);
  return result;
}

/** A copy of log attributes with nothing the rules above forbid; errors stay errors (with their causes). */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return redactError(value, depth, seen);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(item, depth + 1, seen);
  return copy;
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = new Error(redactText(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack);
  if (error.cause !== undefined) copy.cause = redact(error.cause, depth + 1, seen);
  // Own data of engine and AWS errors (type, code, $metadata…) is useful to operators; sensitive keys go.
  for (const [key, item] of Object.entries(error)) if (!(key in copy)) (copy as unknown as Record<string, unknown>)[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(item, depth + 1, seen);
  return copy;
}
