/**
 * The method-dispatch hook. Expressions call methods only on objects that carry a function under
 * this key; plain objects never get arbitrary method calls, so a variable cannot reach
 * `constructor`, `__proto__` or any other JavaScript machinery.
 */
export const INVOKE: unique symbol = Symbol.for('expression.invoke');

/**
 * An object that expressions may call methods on, e.g. `execution.getVariable('x')` becomes
 * `execution[INVOKE]('getVariable', ['x'])`. Property reads follow the JavaBeans convention JUEL
 * uses: `execution.processBusinessKey` becomes `execution[INVOKE]('getProcessBusinessKey', [])`.
 * Returning `undefined` counts as `null`. Whatever the method throws propagates unchanged (so a
 * caller can raise BPMN errors from delegate calls); throw an `ExpressionEvaluationError` for an
 * unknown method.
 */
export interface Invocable {
  [INVOKE](method: string, args: unknown[]): unknown;
}

/** True when `value` implements {@link Invocable}. */
export function isInvocable(value: unknown): value is Invocable {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as Partial<Invocable>)[INVOKE] === 'function';
}
