import type { TimerKind } from '../bpmn/model.ts';
import { isCron, nextCronTime } from './cron.ts';
import { processEngineError } from './errors.ts';

const DURATION = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Adds an ISO 8601 duration (PnYnMnWnDTnHnMnS) to an epoch-millisecond instant, calendar-aware in UTC. */
export function addDuration(from: number, duration: string): number {
  const match = DURATION.exec(duration.trim());
  if (!match || duration.trim() === 'P' || duration.trim().endsWith('T')) {
    throw processEngineError(`ENGINE-09026 Exception while parsing cycle expression '${duration}': not an ISO 8601 duration`);
  }
  const n = (i: number) => Number((match[i] ?? '0').replace(',', '.'));
  const date = new Date(from);
  date.setUTCFullYear(date.getUTCFullYear() + n(1));
  date.setUTCMonth(date.getUTCMonth() + n(2));
  const millis = ((((n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
  return date.getTime() + millis;
}

export function parseDate(text: string): number {
  const time = Date.parse(text.trim());
  if (Number.isNaN(time)) throw processEngineError(`ENGINE-09026 Exception while parsing due date '${text}': not an ISO 8601 date`);
  return time;
}

/** When a timer fires, and for cycles what repeat expression the next occurrence keeps. */
export interface TimerSchedule {
  dueDate: number;
  repeat?: string;
}

/**
 * Computes a timer's next due date. `text` is the evaluated timeDuration, timeDate or timeCycle;
 * cycles are ISO repeating intervals `R[n]/[start/]duration` or Quartz cron expressions (shared/engine/cron.ts).
 */
export function scheduleTimer(kind: TimerKind, text: string, now: number): TimerSchedule {
  switch (kind) {
    case 'timeDuration':
      return { dueDate: addDuration(now, text) };
    case 'timeDate':
      return { dueDate: parseDate(text) };
    case 'timeCycle':
      return scheduleCycle(text, now);
  }
}

function scheduleCycle(text: string, now: number): TimerSchedule {
  // A cron cycle repeats for ever: the same expression schedules every next run.
  if (isCron(text)) return { dueDate: nextCronTime(text, now), repeat: text.trim() };
  const parts = text.trim().split('/');
  const repeat = parts[0] ?? '';
  if (!/^R\d*$/.test(repeat) || parts.length < 2 || parts.length > 3) {
    throw processEngineError(`ENGINE-09026 Exception while parsing cycle expression '${text}': neither an ISO 8601 repeating interval R[n]/[start/]duration nor a cron expression`);
  }
  const count = repeat === 'R' ? Number.POSITIVE_INFINITY : Number(repeat.slice(1));
  const duration = parts[parts.length - 1]!;
  const start = parts.length === 3 ? parseDate(parts[1]!) : undefined;
  const dueDate = start !== undefined && start > now ? start : addDuration(now, duration);
  const remaining = count - 1;
  return remaining > 0 ? { dueDate, repeat: `${Number.isFinite(remaining) ? `R${remaining}` : 'R'}/${duration}` } : { dueDate };
}

/**
 * A task's due or follow-up date as Camunda's business calendar resolves a text: an ISO duration
 * counts from now, anything else is an ISO date.
 */
export function resolveTaskDate(text: string, now: number): number {
  return text.trim().startsWith('P') ? addDuration(now, text) : parseDate(text);
}
