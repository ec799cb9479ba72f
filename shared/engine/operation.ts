import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { processEngineError } from './errors.ts';
import type { EngineEvent } from './events.ts';
import { copyJson } from './json-copy.ts';
import type { RunOptions } from './execution-context.ts';
import { setTyped } from './set-typed.ts';
import { Runtime } from './runtime.ts';
import type { ActivityInstanceState, ProcessInstanceState, Variables } from './state.ts';

/** What every engine operation returns: the new state (the input is never mutated) and what happened. */
export interface OperationResult {
  state: ProcessInstanceState;
  events: EngineEvent[];
}

/**
 * Runs `body` on a private copy of the state and drives every token to a wait state. Any exception
 * propagates and the copy is dropped, so the caller's state is untouched: all or nothing.
 */
export function runOperation(state: ProcessInstanceState, model: ProcessModel, env: EngineEnvironment, body: (runtime: Runtime) => void, options?: Partial<RunOptions>): OperationResult {
  const copy = cloneState(state);
  const runtime = new Runtime(copy, model, env);
  if (options) runtime.options = { ...runtime.options, ...options };
  body(runtime);
  runtime.runToWaitStates();
  return { state: copy, events: runtime.events };
}

/**
 * A deep copy of a state. The state is plain JSON: copyJson gives what a JSON round trip gives,
 * about five times faster (the round trip is itself three times faster than structuredClone).
 */
export function cloneState(state: ProcessInstanceState): ProcessInstanceState {
  return copyJson(state);
}

export function requireActive(state: ProcessInstanceState): void {
  if (state.status !== 'ACTIVE') {
    throw processEngineError(`Process instance '${state.id}' has ended (${state.status})`);
  }
}

/** Sets typed variables with Camunda scoping (local: on the node itself). */
export function applyVariables(runtime: Runtime, instance: ActivityInstanceState, variables: Variables | undefined, local = false): void {
  for (const [name, value] of Object.entries(variables ?? {})) setTyped(runtime, instance, name, value, local);
}
