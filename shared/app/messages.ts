import { mismatchingMessage } from '../engine/errors.ts';
import * as operations from '../engine/operations.ts';
import type { TypedValue, Variables } from '../engine/state.ts';
import { mayInstance, requireInstance } from './access.ts';
import type { UseCase } from './app-context.ts';

/**
 * Message correlation (Camunda's RuntimeService.createMessageCorrelation) to waiting subscriptions:
 * intermediate events, receive tasks, boundary events, event sub-processes. Process-level message
 * start events are not supported (refused at deployment).
 */
export interface CorrelationInput {
  messageName: string;
  processInstanceId?: string;
  businessKey?: string;
  correlationKeys: Readonly<Record<string, TypedValue>>;
  processVariables: Variables;
  /** Correlate to every matching instance rather than exactly one. */
  all: boolean;
}

function sameValue(a: TypedValue | undefined, b: TypedValue): boolean {
  return a !== undefined && JSON.stringify(a.value) === JSON.stringify(b.value);
}

/**
 * Correlates to the readable instances with a subscription that match business key and correlation
 * keys; needs UPDATE on each of them. Returns the ids of the instances it correlated to.
 */
export const correlateMessage: UseCase<CorrelationInput, string[]> = async (app, caller, input) => {
  const { messageName } = input;
  const noMatch = () => mismatchingMessage(`Cannot correlate message '${messageName}': No process definition or execution matches the parameters`);
  const subscriptions = (await app.engine.deps.items.messageSubscriptions(messageName)).filter((s) => !input.processInstanceId || s.processInstanceId === input.processInstanceId);
  const instanceIds = [...new Set(subscriptions.map((s) => s.processInstanceId as string))];
  const keys = Object.entries(input.correlationKeys);
  const matching: string[] = [];
  for (const id of instanceIds) {
    const loaded = await app.engine.load(id);
    if (!loaded) continue;
    const state = loaded.stored.state;
    if (!(await mayInstance(caller, state, 'READ'))) continue;
    if (input.businessKey && state.businessKey !== input.businessKey) continue;
    if (!keys.every(([name, value]) => sameValue(state.root.variables?.[name], value))) continue;
    matching.push(id);
  }
  if (matching.length === 0) throw noMatch();
  if (matching.length > 1 && !input.all) {
    throw mismatchingMessage(`Cannot correlate message '${messageName}': ${matching.length} executions match the correlation keys`);
  }
  for (const id of matching) {
    const loaded = await app.engine.load(id);
    if (loaded) await requireInstance(caller, loaded.stored.state, 'UPDATE');
  }
  for (const id of matching) {
    await app.engine.update(id, (state, model) => operations.correlateMessage(state, model, messageName, input.processVariables, app.engine.env), noMatch);
  }
  return matching;
};
