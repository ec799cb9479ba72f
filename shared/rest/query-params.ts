import * as z from 'zod/v4';
import type { Sorting } from '../app/result-page.ts';
import type { RestRequest } from './http.ts';
import { notValid } from '../engine/errors.ts';
import { invalidRequest } from './errors.ts';
import { parseDate } from './dates.ts';

/**
 * Declarative query strings: each route declares `z.object({ name: qs.string(), ... })` and reads it
 * with readQuery. The building blocks coerce Camunda's query-string values; a bad value fails with
 * Camunda's "Cannot set query parameter '<name>' to value '<raw>'" for the first failing parameter
 * (in the order of the schema's keys).
 */

/** A failed conversion; `suffix` is appended to the "Cannot set query parameter" message. */
function fail(ctx: z.RefinementCtx, suffix = ''): never {
  ctx.addIssue({ code: 'custom', message: 'invalid query parameter', params: { suffix } });
  return z.NEVER;
}

/** An absent or empty value is undefined; anything else goes through `convert`. */
const value = <T>(convert: (raw: string, ctx: z.RefinementCtx) => T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => (raw === undefined || raw === '' ? undefined : convert(raw, ctx)));

const INTEGER_MAX = 2147483647;

export const qs = {
  /** A string; empty means absent. */
  string: () => value((raw) => raw),
  /** 'true' or 'false'. */
  boolean: () => value((raw, ctx) => (raw === 'true' ? true : raw === 'false' ? false : fail(ctx))),
  /** A Java int. */
  integer: () => value((raw, ctx) => (/^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) && Math.abs(Number(raw)) <= INTEGER_MAX ? Number(raw) : fail(ctx))),
  /** Comma separated; empty entries are dropped. */
  list: () => value((raw) => raw.split(',').filter((v) => v !== '')),
  /** One of the given values. */
  oneOf: <T extends string>(allowed: readonly T[]) => value((raw, ctx) => ((allowed as readonly string[]).includes(raw) ? (raw as T) : fail(ctx))),
  /** Any value `parse` accepts (undefined: it fails, with `suffix(raw)` after the message). */
  of: <T>(parse: (raw: string) => T | undefined, suffix: (raw: string) => string = () => '') =>
    value((raw, ctx) => {
      const parsed = parse(raw);
      return parsed === undefined ? fail(ctx, suffix(raw)) : parsed;
    }),
};

/** Camunda's paging parameters: with either bound present the other defaults to 0 / Integer.MAX_VALUE (see pageOf). */
export const pagingParams = { firstResult: qs.integer(), maxResults: qs.integer() };

/** sortBy (one of `allowed`) and sortOrder (asc/desc); they must come together (readQuery checks that where sortOrder stands). */
export const sortingParams = <T extends string>(allowed: readonly T[]) => ({ sortBy: qs.oneOf(allowed), sortOrder: qs.oneOf(['asc', 'desc'] as const) });

const singleSortingParameter = () => invalidRequest('Only a single sorting parameter specified. sortBy and sortOrder required');

/** The Sorting of a parsed query with sortingParams. */
export function sortingOf<T extends string>(query: { sortBy?: T; sortOrder?: 'asc' | 'desc' }): Sorting<T> | undefined {
  const { sortBy, sortOrder } = query;
  if (sortBy === undefined && sortOrder === undefined) return undefined;
  if (sortBy === undefined || sortOrder === undefined) throw singleSortingParameter();
  return { by: sortBy, descending: sortOrder === 'desc' };
}

/** A parsed query with its sortBy/sortOrder replaced by `sort`. */
export function sorted<T extends string, Q extends { sortBy?: T | undefined; sortOrder?: 'asc' | 'desc' | undefined }>(query: Q): Omit<Q, 'sortBy' | 'sortOrder'> & { sort: Sorting<T> | undefined } {
  const { sortBy, sortOrder, ...rest } = query;
  return { ...rest, sort: sortingOf<T>({ sortBy, sortOrder }) };
}

/**
 * Parses the request's query string with `schema`. The first failing parameter (in the schema's key
 * order) is a 400 "Cannot set query parameter"; with sortingParams, a lone sortBy or sortOrder is a 400
 * where sortOrder stands in that order, as Camunda's sorting check.
 */
export function readQuery<S extends z.ZodObject>(req: Pick<RestRequest, 'query'>, schema: S): z.infer<S> {
  const keys = Object.keys(schema.shape);
  const sortOrderAt = keys.indexOf('sortOrder');
  const present = (name: string) => req.query[name] !== undefined && req.query[name] !== '';
  const loneSorting = sortOrderAt >= 0 && present('sortBy') !== present('sortOrder');
  const result = schema.safeParse(req.query);
  if (result.success) {
    if (loneSorting) throw singleSortingParameter();
    return result.data;
  }
  const failing = result.error.issues
    .map((issue) => ({ name: String(issue.path[0]), suffix: (issue as { params?: { suffix?: string } }).params?.suffix ?? '' }))
    .sort((a, b) => keys.indexOf(a.name) - keys.indexOf(b.name))[0] ?? { name: '', suffix: '' };
  if (loneSorting && sortOrderAt < keys.indexOf(failing.name)) throw singleSortingParameter();
  const raw = req.query[failing.name] ?? '';
  throw invalidRequest(`Cannot set query parameter '${failing.name}' to value '${raw}'${failing.suffix}`);
}

export { pageOf as page } from '../app/result-page.ts';

/**
 * The `sorting` list of a POST query as Camunda's AbstractQueryDto applies it: an unknown `sortBy`
 * is skipped, but the direction given with it then fails as the engine's query does (NotValidException).
 * The use cases here order by one property: the first entry orders, later ones are checked only.
 */
export function firstSorting<T extends string>(entries: readonly { sortBy?: string | null; sortOrder?: string | null }[] | null | undefined, allowed: readonly T[]): Sorting<T> | undefined {
  const applied: Sorting<T>[] = [];
  for (const { sortBy, sortOrder } of entries ?? []) {
    if (!sortBy || !(allowed as readonly string[]).includes(sortBy)) {
      if (!sortOrder) continue;
      throw notValid(
        applied.length === 0
          ? 'You should call any of the orderBy methods first before specifying a direction: currentOrderingProperty is null'
          : 'Invalid query: can specify only one direction desc() or asc() for an ordering constraint: direction is not null',
      );
    }
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw notValid('Invalid query: call asc() or desc() after using orderByXX(): direction is null');
    applied.push({ by: sortBy as T, descending: sortOrder === 'desc' });
  }
  return applied[0];
}

/** The `sorting` list of a POST query body (read with firstSorting). */
export const SortingList = z.array(z.object({ sortBy: z.string().nullish(), sortOrder: z.string().nullish() })).nullish();

/**
 * The filters of a POST query body that the query string also knows (`known`), nulls left out, as
 * Camunda's DTO ignores them. `skipEmptyLists`: an empty list is no filter either (where Camunda's
 * setter ignores it; a task query's empty `candidateGroups` is an error Camunda reports instead).
 */
export function bodyFilters<F>(fields: Record<string, unknown>, known: Record<string, unknown>, skipEmptyLists = false): F {
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined || !(key in known)) continue;
    if (skipEmptyLists && Array.isArray(value) && value.length === 0) continue;
    filter[key] = value;
  }
  return filter as F;
}

/**
 * A query that chooses what a call changes may use only the filters implemented here: one Camunda
 * knows but this product ignores would widen the choice to objects the caller did not mean.
 */
export function onlyKnownFilters<B extends Record<string, unknown>>(body: B, known: Record<string, unknown>, what: string): B {
  const unsupported = Object.keys(body).filter((key) => key !== 'sorting' && body[key] !== null && body[key] !== undefined && !(key in known));
  if (unsupported.length > 0) throw invalidRequest(`The ${what} filter '${unsupported[0]}' is not supported here`);
  return body;
}

/** One schema per name, for query DTOs whose many parameters share a few types. */
export function fieldsOf<T>(names: readonly string[], make: () => T): Record<string, T> {
  return Object.fromEntries(names.map((name) => [name, make()])) as Record<string, T>;
}

/** A date in a JSON query body (Camunda's format); null or absent is no filter. */
export const dateBody = () =>
  z
    .string()
    .nullish()
    .transform((text, ctx) => {
      if (text == null) return undefined;
      const time = parseDate(text);
      if (time === undefined) ctx.addIssue({ code: 'custom', message: 'a date' });
      return time;
    });

/** A Java long as a query parameter. */
const longParam = () => qs.of((raw) => (/^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined));

/**
 * A query DTO's filters by the type of each, as query parameters (`query`) and as the fields of
 * its JSON body (`body`), so both forms of a resource know the same filters.
 */
export function typedFilters(names: { text?: readonly string[]; lists?: readonly string[]; flags?: readonly string[]; longs?: readonly string[]; dates?: readonly string[] }) {
  const query = z.object({
    ...fieldsOf(names.text ?? [], qs.string),
    ...fieldsOf(names.lists ?? [], qs.list),
    ...fieldsOf(names.flags ?? [], qs.boolean),
    ...fieldsOf(names.longs ?? [], longParam),
    ...fieldsOf(names.dates ?? [], () => qs.of((raw) => parseDate(raw))),
  });
  const body = {
    ...fieldsOf(names.text ?? [], () => z.string().nullish()),
    ...fieldsOf(names.lists ?? [], () => z.array(z.string()).nullish()),
    ...fieldsOf(names.flags ?? [], () => z.boolean().nullish()),
    ...fieldsOf(names.longs ?? [], () => z.number().int().nullish()),
    ...fieldsOf(names.dates ?? [], dateBody),
  };
  return { query, body };
}
