import type { FlowNode } from '../../bpmn/model.ts';
import { processEngineError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState, Variables } from '../state.ts';
import { integer, toTypedValue } from '../typed-values.ts';
import { setOwn } from '../own-properties.ts';

const NR_OF_INSTANCES = 'nrOfInstances';
const NR_OF_ACTIVE = 'nrOfActiveInstances';
const NR_OF_COMPLETED = 'nrOfCompletedInstances';
const LOOP_COUNTER = 'loopCounter';

function counter(body: ActivityInstanceState, name: string): number {
  const value = body.variables?.[name]?.value;
  return typeof value === 'number' ? value : 0;
}

function setCounter(body: ActivityInstanceState, name: string, value: number): void {
  if (!body.variables) body.variables = {};
  body.variables[name] = integer(value);
}

function resolveCollection(runtime: Runtime, body: ActivityInstanceState, definition: FlowNode): unknown[] | undefined {
  const collection = definition.multiInstance?.collection;
  if (collection === undefined) return undefined;
  const value = typeof collection === 'string' ? runtime.getVariable(body, collection) : runtime.evaluate(collection, body);
  if (Array.isArray(value)) return value;
  throw processEngineError(`ENGINE-02010 Variable '${typeof collection === 'string' ? collection : collection.text}':${String(value)} is not a Collection.`);
}

function cardinality(runtime: Runtime, body: ActivityInstanceState, definition: FlowNode, items: unknown[] | undefined): number {
  if (items) return items.length;
  const raw = runtime.evaluate(definition.multiInstance!.loopCardinality!, body);
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw processEngineError(`ENGINE-02011 Invalid number of instances: must be a non-negative integer value, but was ${String(raw)}`);
  }
  return n;
}

/** Starts one inner instance with its loop counter (and collection element), in the body. */
export function startInnerInstance(runtime: Runtime, body: ActivityInstanceState, definition: FlowNode, loopCounter: number, element?: unknown): ActivityInstanceState {
  const locals: Variables = { [LOOP_COUNTER]: integer(loopCounter) };
  const elementVariable = definition.multiInstance?.elementVariable;
  if (elementVariable && element !== undefined) setOwn(locals, elementVariable, toTypedValue(element));
  return runtime.enter(body, runtime.def(definition.innerActivityId!), { localVariables: locals });
}

/** Entering a body: counters on the body, then all inner instances (parallel) or the first (sequential). */
export function startMultiInstance(runtime: Runtime, body: ActivityInstanceState, definition: FlowNode): void {
  const items = resolveCollection(runtime, body, definition);
  const n = cardinality(runtime, body, definition, items);
  const sequential = definition.multiInstance!.isSequential;
  setCounter(body, NR_OF_INSTANCES, n);
  setCounter(body, NR_OF_COMPLETED, 0);
  setCounter(body, NR_OF_ACTIVE, n === 0 ? 0 : sequential ? 1 : n);
  if (n === 0) {
    runtime.leave(body);
    return;
  }
  if (sequential) {
    startInnerInstance(runtime, body, definition, 0, items?.[0]);
    return;
  }
  for (let i = 0; i < n; i++) startInnerInstance(runtime, body, definition, i, items?.[i]);
}

/**
 * An inner instance finished: update the counters, then either complete the body (all done or the
 * completion condition holds; remaining instances are cancelled) or, when sequential, start the next.
 */
export function multiInstanceChildEnded(runtime: Runtime, body: ActivityInstanceState): void {
  const definition = runtime.defOf(body);
  const completed = counter(body, NR_OF_COMPLETED) + 1;
  setCounter(body, NR_OF_COMPLETED, completed);
  setCounter(body, NR_OF_ACTIVE, Math.max(0, counter(body, NR_OF_ACTIVE) - 1));
  const condition = definition.multiInstance?.completionCondition;
  const conditionMet = condition ? runtime.evaluateCondition(condition, body) : false;
  if (definition.multiInstance!.isSequential) {
    if (!conditionMet && completed < counter(body, NR_OF_INSTANCES) && !(body.children && body.children.length > 0)) {
      setCounter(body, NR_OF_ACTIVE, 1);
      const items = resolveCollection(runtime, body, definition);
      startInnerInstance(runtime, body, definition, completed, items?.[completed]);
      return;
    }
  } else if (!conditionMet && body.children && body.children.length > 0) {
    return;
  }
  for (const child of [...(body.children ?? [])]) runtime.cancel(child);
  runtime.leave(body);
}
