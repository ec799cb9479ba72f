/**
 * Executions as Camunda's RuntimeService shows them: the process instance (its root execution) and
 * one execution per token of the activity-instance tree, each a variable scope of its own. A
 * completed sub-process kept for compensation (Camunda's event scope execution) is not one of them.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import { disarm } from './behaviors/event-registration.ts';
import type { EngineEnvironment } from './environment.ts';
import { processEngineError } from './errors.ts';
import { executionIdOf } from './execution-facade.ts';
import { findSubscriptions } from './lookup.ts';
import { applyVariables, cloneState, requireActive, type OperationResult, runOperation } from './operation.ts';
import { hasOwn } from './own-properties.ts';
import { requireExecutionActive } from './suspension.ts';
import { fireEvent } from './triggers.ts';
import type { ActivityInstanceState, IncidentState, ProcessInstanceState, Variables } from './state.ts';

export interface ExecutionNode {
  /** Camunda's execution id (executionIdOf). */
  readonly id: string;
  readonly node: ActivityInstanceState;
  /** Absent on the process instance's own execution. */
  readonly parent?: ActivityInstanceState;
}

/** Every execution of a running instance, the process instance first, then its tokens depth first. */
export function executionsOf(state: ProcessInstanceState): ExecutionNode[] {
  if (state.status !== 'ACTIVE') return [];
  const result: ExecutionNode[] = [{ id: state.id, node: state.root }];
  const visit = (parent: ActivityInstanceState) => {
    for (const child of parent.children ?? []) {
      if (child.eventScope) continue;
      result.push({ id: executionIdOf(child, state.id), node: child, parent });
      visit(child);
    }
  };
  visit(state.root);
  return result;
}

export function findExecution(state: ProcessInstanceState, executionId: string): ExecutionNode | undefined {
  return executionsOf(state).find((execution) => execution.id === executionId);
}

/** The execution's own variables (RuntimeService#getVariablesLocal). */
export function executionLocalVariables(execution: ExecutionNode): Variables {
  return execution.node.variables ?? {};
}

/**
 * Sets then removes an execution's own variables (RuntimeService#setVariablesLocal,
 * #removeVariablesLocal); removing a name the execution does not have is no error.
 */
export function modifyExecutionVariables(
  state: ProcessInstanceState,
  model: ProcessModel,
  input: { executionId: string; modifications: Variables; deletions: readonly string[] },
  env: EngineEnvironment,
  missing: () => Error,
): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const execution = findExecution(runtime.state, input.executionId);
    if (!execution) throw missing();
    const { node } = execution;
    applyVariables(runtime, node, input.modifications, true);
    for (const name of input.deletions) {
      if (!hasOwn(node.variables, name)) continue;
      delete node.variables![name];
      runtime.variableChanged(node, name, 'delete');
    }
    if (node.variables && Object.keys(node.variables).length === 0) delete node.variables;
  });
}

/**
 * RuntimeService#createIncident: an incident of the client's own type on the execution. Its
 * configuration and message are the client's; DELETE /incident/{id} resolves it.
 */
export function createIncident(
  state: ProcessInstanceState,
  input: { executionId: string; incidentType: string; configuration: string | null; message: string | null },
  env: EngineEnvironment,
  missing: () => Error,
): { state: ProcessInstanceState; incident: IncidentState } {
  requireActive(state);
  const copy = cloneState(state);
  const execution = findExecution(copy, input.executionId);
  if (!execution) throw missing();
  const { node } = execution;
  const incident: IncidentState = {
    id: env.newId(),
    type: input.incidentType,
    // Camunda's incident names the execution's activity; the process instance's own execution has none here.
    activityId: node === copy.root ? copy.definitionKey : node.activityId,
    ...(input.message === null ? {} : { message: input.message }),
    ...(input.configuration === null ? {} : { configuration: input.configuration }),
    created: env.now(),
  };
  node.incidents = [...(node.incidents ?? []), incident];
  return { state: copy, incident };
}

/** Resolves an incident a client created (RuntimeService#resolveIncident); undefined when the instance has no such incident. */
export function resolveCustomIncident(state: ProcessInstanceState, incidentId: string): ProcessInstanceState | undefined {
  const copy = cloneState(state);
  for (const { node } of executionsOf(copy)) {
    if (!node.incidents?.some((incident) => incident.id === incidentId)) continue;
    node.incidents = node.incidents.filter((incident) => incident.id !== incidentId);
    if (node.incidents.length === 0) delete node.incidents;
    return copy;
  }
  return undefined;
}

/** The activities whose behaviour leaves on a signal (Camunda's signal() of user, receive and external tasks and intermediate catch events). */
const SIGNALLABLE = new Set(['userTask', 'receiveTask', 'externalTask', 'intermediateTimer', 'intermediateMessage', 'intermediateSignal', 'intermediateConditional']);

/**
 * The token a signal reaches: the execution itself when it waits in an activity; for the process
 * instance's own execution, its single waiting token, since Camunda's process instance execution
 * is that token as long as nothing runs beside it.
 */
function signalTarget(state: ProcessInstanceState, execution: ExecutionNode): ActivityInstanceState | undefined {
  const { node } = execution;
  if (node !== state.root) return node.children?.length ? undefined : node;
  const only = node.children?.length === 1 ? node.children[0]! : undefined;
  return only && !only.children?.length && !only.transition ? only : undefined;
}

/**
 * RuntimeService#signal: the waiting activity is left without its event happening (a user task
 * without completing it); the variables are set as `execution.setVariables` sets them.
 */
export function signalExecution(
  state: ProcessInstanceState,
  model: ProcessModel,
  input: { executionId: string; variables?: Variables },
  env: EngineEnvironment,
  missing: () => Error,
): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const execution = findExecution(runtime.state, input.executionId);
    if (!execution) throw missing();
    requireExecutionActive(runtime.state, execution.node);
    const target = signalTarget(runtime.state, execution);
    if (!target) throw processEngineError(`cannot signal execution ${input.executionId}: it has no current activity`);
    const definition = runtime.def(target.activityId);
    if (target.transition || !SIGNALLABLE.has(definition.kind)) throw processEngineError(`ENGINE-02010 The activity with id '${target.activityId}' doesn't accept signals.`);
    applyVariables(runtime, target, input.variables);
    runtime.leave(target);
  });
}

export const noMessageSubscription = (executionId: string, messageName: string) =>
  processEngineError(`Execution with id '${executionId}' does not have a subscription to a message event with name '${messageName}': eventSubscriptions is empty`);

/**
 * RuntimeService#messageEventReceived: the execution's subscription to the message fires (its
 * activity is left, or its boundary event or event sub-process starts), after the variables are set.
 */
export function triggerMessageSubscription(
  state: ProcessInstanceState,
  model: ProcessModel,
  input: { executionId: string; messageName: string; variables?: Variables },
  env: EngineEnvironment,
): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const matches = findSubscriptions(runtime.tree, input.messageName).filter(({ owner }) => executionIdOf(owner, runtime.state.id) === input.executionId);
    if (matches.length === 0) throw noMessageSubscription(input.executionId, input.messageName);
    if (matches.length > 1) throw processEngineError(`More than one matching message subscription found for execution ${input.executionId}: eventSubscriptions does not have 1 elements`);
    const { owner, subscription } = matches[0]!;
    requireExecutionActive(runtime.state, owner);
    applyVariables(runtime, owner, input.variables);
    disarm(owner, 'subscription', subscription.id);
    fireEvent(runtime, owner, runtime.def(subscription.activityId));
  });
}
