import type { ProcessModel, StartEventNode } from '../bpmn/model.ts';
import { evaluate } from '../expression/index.ts';
import { processEngineError } from './errors.ts';
import { scheduleTimer, type TimerSchedule } from './timers.ts';

/**
 * The process-level start events that wait outside any instance: message start events (a message
 * correlated by name starts an instance) and timer start events (a job created at deployment starts
 * one when due). Only the latest version of a process definition listens, as in Camunda.
 */

export interface MessageStartEvent {
  readonly messageName: string;
  readonly activityId: string;
}

export function messageStartEvents(model: ProcessModel): MessageStartEvent[] {
  return startEvents(model).flatMap((start) => (start.messageName ? [{ messageName: start.messageName, activityId: start.id }] : []));
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
