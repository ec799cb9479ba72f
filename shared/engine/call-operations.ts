import type { ProcessModel } from '../bpmn/model.ts';
import { applyOutputVariables } from './behaviors/call-activity.ts';
import { propagateError, propagateEscalation, throwToCaller } from './behaviors/event-propagation.ts';
import type { EngineEnvironment } from './environment.ts';
import { expectKind } from './expect-kind.ts';
import type { OperationResult } from './operation.ts';
import { runOperation } from './operation.ts';
import type { ActivityInstanceState, IncidentState, ProcessInstanceState, Variables } from './state.ts';
import { TreeIndex } from './tree-index.ts';
import { copyJson } from './json-copy.ts';
import { modifyProcessInstance } from './modification/modify.ts';

/**
 * What a called instance does to its caller, applied to the caller's state: it ended, it threw an
 * error or escalation the caller catches, an incident arose or was resolved in it. Each is applied
 * only while the call activity instance still waits for that called instance, so a hand-over that
 * is delivered twice changes the caller once.
 */

/** The call activity instance waiting for `calledInstanceId`, if the caller still has it. */
export function waitingCall(state: ProcessInstanceState, callActivityInstanceId: string, calledInstanceId: string): ActivityInstanceState | undefined {
  if (state.status !== 'ACTIVE') return undefined;
  const instance = new TreeIndex(state.root).get(callActivityInstanceId);
  return instance?.calledInstanceId === calledInstanceId ? instance : undefined;
}

/**
 * The called instance completed: camunda:out mappings, then the call activity leaves. Like every
 * operation here, it returns the very state it was given when the call no longer waits, which the
 * service takes for "nothing to store".
 */
export function completeCall(
  state: ProcessInstanceState,
  model: ProcessModel,
  callActivityInstanceId: string,
  calledInstanceId: string,
  calledVariables: Variables,
  env: EngineEnvironment,
): OperationResult {
  if (!waitingCall(state, callActivityInstanceId, calledInstanceId)) return { state, events: [] };
  return runOperation(state, model, env, (runtime) => {
    const instance = runtime.instanceById(callActivityInstanceId)!;
    delete instance.calledInstanceId;
    applyOutputVariables(runtime, instance, expectKind(runtime.defOf(instance), 'callActivity'), calledVariables);
    runtime.leave(instance);
  });
}

/**
 * The called instance threw an error or escalation the caller catches: it propagates from the call
 * activity instance, as Camunda's propagation continues at the super execution. An interrupting
 * catch ended the called instance already, so the call activity no longer waits for it.
 */
export function propagateFromCall(
  state: ProcessInstanceState,
  model: ProcessModel,
  callActivityInstanceId: string,
  calledInstanceId: string,
  thrown: { kind: 'error' | 'escalation'; code: string; message?: string; caught: boolean; interrupting: boolean; variables: Variables },
  env: EngineEnvironment,
): OperationResult {
  if (!waitingCall(state, callActivityInstanceId, calledInstanceId)) return { state, events: [] };
  return runOperation(state, model, env, (runtime) => {
    const instance = runtime.instanceById(callActivityInstanceId)!;
    // Camunda's propagation passes the output variables at each call it walks through, first.
    applyOutputVariables(runtime, instance, expectKind(runtime.defOf(instance), 'callActivity'), thrown.variables);
    if (!thrown.caught) {
      // Nobody catches it: the walk only passes variables on up; the called instance goes on.
      throwToCaller(runtime, thrown.kind, thrown.code, thrown.message);
      return;
    }
    if (thrown.interrupting) delete instance.calledInstanceId;
    // What the callers caught when the call started, they catch now: the ancestry of a waiting call
    // activity instance cannot change. So this finds the handler, here or in a caller further up.
    if (thrown.kind === 'error') propagateError(runtime, instance, thrown.code, thrown.message);
    else propagateEscalation(runtime, instance, thrown.code);
  });
}

/**
 * The called instance was deleted: the call activity instance is cancelled as by a modification, and
 * an instance that is then empty is deleted too, so the deletion climbs the call hierarchy as far as
 * each caller has nothing else running (Camunda's AbstractDeleteProcessInstanceCmd and deletePropagate).
 */
export function cancelCall(
  state: ProcessInstanceState,
  model: ProcessModel,
  callActivityInstanceId: string,
  calledInstanceId: string,
  options: { skipCustomListeners: boolean; skipIoMappings: boolean; externallyTerminated: boolean },
  env: EngineEnvironment,
): OperationResult {
  const copy = copyJson(state);
  const instance = waitingCall(copy, callActivityInstanceId, calledInstanceId);
  if (!instance) return { state, events: [] };
  // The called instance is gone already: cancelling the call activity must not delete it again.
  delete instance.calledInstanceId;
  return modifyProcessInstance(copy, model, { instructions: [{ type: 'cancel', activityInstanceId: callActivityInstanceId }], ...options }, env);
}

/** The caller was deleted with skipSubprocesses: this instance runs on as a root of its own (Camunda clears its super execution). */
export function detachFromCaller(state: ProcessInstanceState): ProcessInstanceState {
  if (state.status !== 'ACTIVE' || !state.caller) return state;
  const copy = copyJson(state);
  delete copy.caller;
  return copy;
}

/**
 * An incident arose in the called instance (or below it): the call activity gets one too, whose
 * cause is that incident (Camunda's recursive incidents: same type, no message, no configuration).
 * Nothing happens if it has it already.
 */
export function raiseCallIncident(
  state: ProcessInstanceState,
  callActivityInstanceId: string,
  calledInstanceId: string,
  cause: { incidentId: string; rootCauseIncidentId: string; type: IncidentState['type'] },
  env: EngineEnvironment,
): ProcessInstanceState {
  const copy = copyJson(state);
  const instance = waitingCall(copy, callActivityInstanceId, calledInstanceId);
  if (!instance || instance.incidents?.some((incident) => incident.causeIncidentId === cause.incidentId)) return state;
  const incident: IncidentState = {
    id: env.newId(),
    type: cause.type,
    activityId: instance.activityId,
    configuration: cause.incidentId,
    created: env.now(),
    causeIncidentId: cause.incidentId,
    rootCauseIncidentId: cause.rootCauseIncidentId,
  };
  instance.incidents = [...(instance.incidents ?? []), incident];
  return copy;
}

/** The called instance's incident was resolved (or the called instance ended): so is the one it caused. */
export function resolveCallIncident(state: ProcessInstanceState, callActivityInstanceId: string, causeIncidentId: string): ProcessInstanceState {
  const copy = copyJson(state);
  const instance = copy.status === 'ACTIVE' ? new TreeIndex(copy.root).get(callActivityInstanceId) : undefined;
  if (!instance?.incidents?.some((incident) => incident.causeIncidentId === causeIncidentId)) return state;
  instance.incidents = instance.incidents.filter((incident) => incident.causeIncidentId !== causeIncidentId);
  if (instance.incidents.length === 0) delete instance.incidents;
  return copy;
}

/**
 * A hand-over to this caller failed as often as it may (its effect kept failing after the called
 * instance had ended): an incident on the call activity instance shows it, with the failure's
 * message; its configuration names the hand-over, whose retries `PUT /job/{id}/retries` sets again.
 */
export function raiseHandOverIncident(state: ProcessInstanceState, callActivityInstanceId: string, handOverId: string, message: string, env: EngineEnvironment): ProcessInstanceState {
  const copy = copyJson(state);
  const instance = copy.status === 'ACTIVE' ? new TreeIndex(copy.root).get(callActivityInstanceId) : undefined;
  if (!instance || instance.incidents?.some((incident) => incident.configuration === handOverId)) return state;
  const incident: IncidentState = { id: env.newId(), type: 'failedJob', activityId: instance.activityId, message, configuration: handOverId, created: env.now() };
  instance.incidents = [...(instance.incidents ?? []), incident];
  return copy;
}

/** The hand-over got retries again: its incident goes. */
export function resolveHandOverIncident(state: ProcessInstanceState, handOverId: string): ProcessInstanceState {
  const copy = copyJson(state);
  let found = false;
  const visit = (node: ActivityInstanceState) => {
    if (node.incidents?.some((incident) => incident.configuration === handOverId)) {
      node.incidents = node.incidents.filter((incident) => incident.configuration !== handOverId);
      if (node.incidents.length === 0) delete node.incidents;
      found = true;
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(copy.root);
  return found ? copy : state;
}
