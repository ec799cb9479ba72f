import type { ProcessModel, StartEventNode } from '../bpmn/model.ts';
import { evaluate, evaluateCondition, isUnresolvedIdentifier } from '../expression/index.ts';
import { getOwn, hasOwn } from './own-properties.ts';
import type { Variables } from './state.ts';
import { processEngineError } from './errors.ts';
import { isScript } from '../bpmn/script-def.ts';
import { scheduleTimer, type TimerSchedule } from './timers.ts';

/**
 * The process-level start events that wait outside any instance: message start events (a message
 * correlated by name starts an instance), signal start events (a broadcast signal starts one) and
 * timer start events (a job created at deployment starts one when due). Only the latest version of a process definition listens, as in Camunda.
 */

export interface MessageStartEvent {
  readonly messageName: string;
  readonly activityId: string;
}

export function messageStartEvents(model: ProcessModel): MessageStartEvent[] {
  return startEvents(model).flatMap((start) => (start.messageName ? [{ messageName: start.messageName, activityId: start.id }] : []));
}

export interface SignalStartEvent {
  readonly signalName: string;
  readonly activityId: string;
}

/** Signal start events; a `${…}` name is resolved at deployment, without variables (none exist yet). */
export function signalStartEvents(model: ProcessModel): SignalStartEvent[] {
  return startEvents(model).flatMap((start) => (start.signalName ? [{ signalName: String(evaluate(start.signalName, { resolve: () => undefined })), activityId: start.id }] : []));
}

/** Conditional start events (started by POST /condition). */
export function conditionalStartEvents(model: ProcessModel): StartEventNode[] {
  return startEvents(model).filter((start) => start.conditional);
}

/**
 * Camunda's DefaultConditionHandler.evaluateCondition: the condition sees only the given variables;
 * with camunda:variableName it holds only if that variable is among them; a missing variable is false.
 */
export function conditionalStartHolds(start: StartEventNode, variables: Variables): boolean {
  const conditional = start.conditional;
  if (!conditional) return false;
  if (conditional.variableName !== undefined && !hasOwn(variables, conditional.variableName)) return false;
  // The parser refuses script conditions on a process's conditional start events.
  if (isScript(conditional.condition)) throw processEngineError(`The script condition of start event '${start.id}' cannot be evaluated without an instance`);
  try {
    return evaluateCondition(conditional.condition, { resolve: (name) => (hasOwn(variables, name) ? { value: getOwn(variables, name)!.value } : undefined) });
  } catch (error) {
    if (isUnresolvedIdentifier(error)) return false;
    throw error;
  }
}

export function timerStartEvents(model: ProcessModel): StartEventNode[] {
  return startEvents(model).filter((start) => start.timer);
}

function startEvents(model: ProcessModel): StartEventNode[] {
  return model.eventStartEventIds.map((id) => model.nodes.get(id)).filter((node): node is StartEventNode => node?.kind === 'startEvent');
}

/**
 * When a timer start event fires first (at deployment) or next (`repeat`: what is left of a cycle).
 * No instance exists yet, so its expression sees no variables, as in Camunda.
 */
export function scheduleTimerStart(start: StartEventNode, now: number, repeat?: string): TimerSchedule {
  if (!start.timer) throw processEngineError(`Start event '${start.id}' has no timer`);
  if (repeat) return scheduleTimer('timeCycle', repeat, now);
  const text = String(evaluate(start.timer.expression, { resolve: () => undefined }));
  return scheduleTimer(start.timer.kind, text, now);
}
