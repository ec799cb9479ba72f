import type { Implementation } from '../bpmn/model.ts';
import type { Delegate, DelegateRegistry } from './delegates.ts';
import { processEngineError } from './errors.ts';

function resolveClass(registry: DelegateRegistry, className: string): Delegate {
  const delegate = registry.get(className);
  if (!delegate) {
    throw processEngineError(`ENGINE-09008 Exception while instantiating class '${className}': no delegate is registered under that name`);
  }
  return delegate;
}

function asDelegate(value: unknown, source: string): Delegate {
  if (value && typeof value === 'object') return value as Delegate;
  throw processEngineError(`Delegate expression ${source} did not resolve to an implementation of a listener or delegate`);
}

/** The delegate object a class name or delegate expression names. */
export function resolveDelegate(
  registry: DelegateRegistry,
  implementation: Exclude<Implementation, { type: 'expression' }>,
  evaluateExpression: (expression: Implementation & { type: 'delegateExpression' }) => unknown,
): Delegate {
  return implementation.type === 'class' ? resolveClass(registry, implementation.className) : asDelegate(evaluateExpression(implementation), implementation.expression.text);
}

/**
 * Runs a listener or delegate implementation. `role` picks the method: listeners `notify`, service
 * tasks `execute`. Expressions are simply evaluated (their side effects are the point).
 */
export function invokeImplementation(
  registry: DelegateRegistry,
  implementation: Implementation,
  role: 'notify' | 'execute',
  target: unknown,
  evaluateInContext: (expression: Implementation & { type: 'expression' | 'delegateExpression' }) => unknown,
): unknown {
  let delegate: Delegate;
  switch (implementation.type) {
    case 'expression':
      return evaluateInContext(implementation);
    case 'delegateExpression':
      delegate = asDelegate(evaluateInContext(implementation), implementation.expression.text);
      break;
    case 'class':
      delegate = resolveClass(registry, implementation.className);
      break;
  }
  const method = (delegate as Record<string, unknown>)[role];
  if (typeof method !== 'function') {
    const name = implementation.type === 'class' ? implementation.className : implementation.expression.text;
    throw processEngineError(`'${name}' does not implement ${role === 'execute' ? 'JavaDelegate.execute' : 'notify'}`);
  }
  return (method as (t: unknown) => unknown).call(delegate, target);
}
