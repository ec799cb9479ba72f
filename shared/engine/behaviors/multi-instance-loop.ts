import type { MultiInstanceBodyNode, MultiInstanceDef } from '../../bpmn/model.ts';
import type { CompiledExpression } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { processEngineError } from '../errors.ts';
import { setOwn } from '../own-properties.ts';
import type { ActivityInstanceState, Variables } from '../state.ts';
import { integer, toTypedValue } from '../typed-values.ts';

/** Body variable: how many inner instances the loop has (run, running or to run). */
export const NR_OF_INSTANCES = 'nrOfInstances';
/** Body variable: how many inner instances are running. */
export const NR_OF_ACTIVE = 'nrOfActiveInstances';
/** Body variable: how many inner instances have completed. */
export const NR_OF_COMPLETED = 'nrOfCompletedInstances';
/** Inner instance variable: its index in the loop, from 0. */
export const LOOP_COUNTER = 'loopCounter';

/** A counter of the body; absent (or not a number) counts as 0. */
export function counter(body: ActivityInstanceState, name: string): number {
  const value = body.variables?.[name]?.value;
  return typeof value === 'number' ? value : 0;
}

/** Sets a counter of the body as an Integer, as Camunda types it. */
export function setCounter(body: ActivityInstanceState, name: string, value: number): void {
  if (!body.variables) body.variables = {};
  body.variables[name] = integer(value);
}

function collectionItems(ctx: BehaviorContext, body: ActivityInstanceState, collection: CompiledExpression | string): unknown[] {
  const value = typeof collection === 'string' ? ctx.getVariable(body, collection) : ctx.evaluate(collection, body);
  if (Array.isArray(value)) return value;
  throw processEngineError(`ENGINE-02010 Variable '${typeof collection === 'string' ? collection : collection.text}':${String(value)} is not a Collection.`);
}

function cardinality(ctx: BehaviorContext, body: ActivityInstanceState, loopCardinality: CompiledExpression): number {
  const raw = ctx.evaluate(loopCardinality, body);
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw processEngineError(`ENGINE-02011 Invalid number of instances: must be a non-negative integer value, but was ${String(raw)}`);
  }
  return n;
}

/** The collection the loop runs over, read afresh each time it is needed; undefined for a cardinality loop. */
export function loopItems(ctx: BehaviorContext, body: ActivityInstanceState, loop: MultiInstanceDef): unknown[] | undefined {
  return loop.collection === undefined ? undefined : collectionItems(ctx, body, loop.collection);
}

/** The loop's instances: one per element of the collection, else as many as loopCardinality says. */
export function loopInstances(ctx: BehaviorContext, body: ActivityInstanceState, loop: MultiInstanceDef): { count: number; items?: unknown[] } {
  if (loop.collection === undefined) return { count: cardinality(ctx, body, loop.loopCardinality) };
  const items = collectionItems(ctx, body, loop.collection);
  return { count: items.length, items };
}

/** Starts one inner instance with its loop counter (and collection element), in the body. */
export function startInnerInstance(ctx: BehaviorContext, body: ActivityInstanceState, node: MultiInstanceBodyNode, loopCounter: number, element?: unknown): ActivityInstanceState {
  const locals: Variables = { [LOOP_COUNTER]: integer(loopCounter) };
  const elementVariable = node.multiInstance.elementVariable;
  if (elementVariable && element !== undefined) setOwn(locals, elementVariable, toTypedValue(element));
  return ctx.enter(body, ctx.def(node.innerActivityId), { localVariables: locals });
}
