import { processEngineError } from './errors.ts';

/**
 * Camunda's cron time cycles (Quartz syntax): `seconds minutes hours day-of-month month day-of-week
 * [year]`, with `*`, `?`, lists, ranges, steps and month and day names. Quartz's `L`, `W` and `#`
 * are refused with Camunda's parse error. Times are UTC (Camunda uses the server's time zone).
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  min: number;
  max: number;
  names?: readonly string[];
  /** The value the first name stands for (months 1, Quartz days 1 = Sunday). */
  nameBase?: number;
}

const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 1, max: 7, names: DAYS, nameBase: 1 },
  { min: 1970, max: 2199 },
];

export interface CronSchedule {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  /** Undefined for `?` (or `*` beside a restricted day of week). */
  daysOfMonth?: Set<number>;
  months: Set<number>;
  /** Quartz days of week, 1 = Sunday; undefined for `?` or `*`. */
  daysOfWeek?: Set<number>;
  years?: Set<number>;
}

function invalidCycle(text: string, why: string): Error {
  return processEngineError(`ENGINE-09026 Exception while parsing cycle expression '${text}': ${why}`);
}

function fieldValue(token: string, field: Field, text: string): number {
  const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + (field.nameBase ?? 0) : Number(token);
  if (!Number.isInteger(value) || value < field.min || value > field.max) throw invalidCycle(text, `'${token}' is out of range ${field.min}-${field.max}`);
  return value;
}

function parseField(part: string, field: Field, text: string): Set<number> | undefined {
  if (part === '?') return undefined;
  if (/[LW#]/i.test(part.replace(/[A-Z]{3}/gi, (name) => (field.names?.includes(name.toUpperCase()) ? '' : name)))) {
    throw invalidCycle(text, `'${part}' uses L, W or #, which are not supported`);
  }
  const values = new Set<number>();
  for (const item of part.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalidCycle(text, `'${item}' has an invalid step`);
    let from = field.min;
    let to = field.max;
    if (range !== '*') {
      const [first, last] = range!.split('-');
      from = fieldValue(first!, field, text);
      to = last === undefined ? (stepText === undefined ? from : field.max) : fieldValue(last, field, text);
    }
    if (from > to) throw invalidCycle(text, `'${item}' is an empty range`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Whether the text is a cron expression (six or seven fields) rather than an ISO repeat. */
export function isCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return fields.length === 6 || fields.length === 7;
}

export function parseCron(text: string): CronSchedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) throw invalidCycle(text, 'a cron expression has six or seven fields');
  for (const [i, part] of parts.entries()) if (part === '?' && i !== 3 && i !== 5) throw invalidCycle(text, "'?' is only allowed for day-of-month and day-of-week");
  const [seconds, minutes, hours, dom, months, dow, years] = parts.map((part, i) => parseField(part, FIELDS[i]!, text));
  if (parts[3] === '?' && parts[5] === '?') throw invalidCycle(text, "'?' can be used for only one of day-of-month and day-of-week");
  if (!['?', '*'].includes(parts[3]!) && !['?', '*'].includes(parts[5]!)) throw invalidCycle(text, 'specifying both a day-of-week and a day-of-month is not supported');
  // Quartz: one of the two day fields must be '?'; a '*' beside a restricted other field means "any".
  const daysOfMonth = parts[3] === '*' && parts[5] !== '*' && parts[5] !== '?' ? undefined : dom;
  const daysOfWeek = parts[5] === '*' ? undefined : dow;
  return { seconds: seconds!, minutes: minutes!, hours: hours!, daysOfMonth, months: months!, daysOfWeek, years };
}

/** The first instant after `after` (epoch ms, UTC) the expression matches; refused if none within 200 years. */
export function nextCronTime(text: string, after: number): number {
  const cron = parseCron(text);
  const date = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const limit = date.getUTCFullYear() + 200;
  while (date.getUTCFullYear() <= limit) {
    if (cron.years && !cron.years.has(date.getUTCFullYear())) {
      date.setUTCFullYear(date.getUTCFullYear() + 1, 0, 1);
      date.setUTCHours(0, 0, 0);
      continue;
    }
    if (!cron.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0);
      continue;
    }
    const dayMatches = (!cron.daysOfMonth || cron.daysOfMonth.has(date.getUTCDate())) && (!cron.daysOfWeek || cron.daysOfWeek.has(date.getUTCDay() + 1));
    if (!dayMatches) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0);
      continue;
    }
    if (!cron.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!cron.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!cron.seconds.has(date.getUTCSeconds())) {
      date.setUTCSeconds(date.getUTCSeconds() + 1);
      continue;
    }
    return date.getTime();
  }
  throw invalidCycle(text, 'it never fires');
}
