import { toInteger } from './coerce.ts';
import { ExpressionEvaluationError } from './errors.ts';
import { INVOKE, isInvocable } from './invocable.ts';
import { coerceToString, isPlainObject, javaEquals, readOwn } from './values.ts';

/** A built-in Java method; `arities` lists the accepted argument counts (Java overloads). */
interface Builtin<T> {
  readonly arities: readonly number[];
  readonly call: (self: T, args: readonly unknown[], text: string) => unknown;
}

const STRING_METHODS: ReadonlyMap<string, Builtin<string>> = new Map<string, Builtin<string>>([
  ['length', { arities: [0], call: (s) => s.length }],
  ['isEmpty', { arities: [0], call: (s) => s.length === 0 }],
  ['contains', { arities: [1], call: (s, [x]) => s.includes(coerceToString(x)) }],
  ['startsWith', { arities: [1], call: (s, [x]) => s.startsWith(coerceToString(x)) }],
  ['endsWith', { arities: [1], call: (s, [x]) => s.endsWith(coerceToString(x)) }],
  // Java's String.equals takes Object: no coercion, a non-string is simply unequal.
  ['equals', { arities: [1], call: (s, [x]) => s === x }],
  ['toUpperCase', { arities: [0], call: (s) => s.toUpperCase() }],
  ['toLowerCase', { arities: [0], call: (s) => s.toLowerCase() }],
  ['trim', { arities: [0], call: (s) => javaTrim(s) }],
  ['substring', { arities: [1, 2], call: substring }],
]);

const LIST_METHODS: ReadonlyMap<string, Builtin<readonly unknown[]>> = new Map<string, Builtin<readonly unknown[]>>([
  ['size', { arities: [0], call: (list) => list.length }],
  ['isEmpty', { arities: [0], call: (list) => list.length === 0 }],
  ['contains', { arities: [1], call: (list, [x]) => list.some((item) => javaEquals(item, x)) }],
  [
    'get',
    {
      arities: [1],
      call: (list, [i], text) => {
        const index = toInteger(i, text);
        if (index < 0 || index >= list.length) {
          throw new ExpressionEvaluationError(`Index ${index} out of bounds for length ${list.length} in expression: ${text}`, text);
        }
        return list[index] ?? null;
      },
    },
  ],
]);

const MAP_METHODS: ReadonlyMap<string, Builtin<Record<string, unknown>>> = new Map<string, Builtin<Record<string, unknown>>>([
  ['size', { arities: [0], call: (map) => Object.keys(map).length }],
  ['isEmpty', { arities: [0], call: (map) => Object.keys(map).length === 0 }],
  [
    'containsKey',
    {
      arities: [1],
      call: (map, [key]) => key !== null && key !== undefined && Object.prototype.propertyIsEnumerable.call(map, coerceToString(key)),
    },
  ],
  ['get', { arities: [1], call: (map, [key]) => (key === null || key === undefined ? null : readOwn(map, coerceToString(key))) }],
]);

/**
 * `base.name(args)`: dispatches to an {@link Invocable}, or to the few Java methods of String, List
 * and Map that Camunda models commonly use. Plain objects never get arbitrary method calls.
 */
export function callMethod(base: unknown, name: string, args: unknown[], text: string): unknown {
  if (base === null || base === undefined) {
    throw new ExpressionEvaluationError(`Cannot invoke method '${name}' on null in expression: ${text}`, text);
  }
  if (isInvocable(base)) return base[INVOKE](name, args) ?? null;
  if (typeof base === 'string') return callBuiltin(STRING_METHODS, base, name, args, text);
  if (Array.isArray(base)) return callBuiltin(LIST_METHODS, base, name, args, text);
  if (isPlainObject(base)) return callBuiltin(MAP_METHODS, base, name, args, text);
  throw methodNotFound(name, text);
}

function callBuiltin<T>(methods: ReadonlyMap<string, Builtin<T>>, self: T, name: string, args: readonly unknown[], text: string): unknown {
  const method = methods.get(name);
  if (method === undefined || !method.arities.includes(args.length)) throw methodNotFound(name, text);
  return method.call(self, args, text);
}

function methodNotFound(name: string, text: string): ExpressionEvaluationError {
  return new ExpressionEvaluationError(`Method not found: ${name} in expression: ${text}`, text);
}

function substring(s: string, args: readonly unknown[], text: string): string {
  const begin = toInteger(args[0], text);
  const end = args.length > 1 ? toInteger(args[1], text) : s.length;
  if (begin < 0 || end > s.length || begin > end) {
    throw new ExpressionEvaluationError(`String index out of range: begin ${begin}, end ${end}, length ${s.length} in expression: ${text}`, text);
  }
  return s.slice(begin, end);
}

/** Java's String.trim strips code units <= U+0020, not Unicode whitespace as JS trim does. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}
