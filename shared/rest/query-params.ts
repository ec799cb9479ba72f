import { type Paging, pageOf, type Sorting } from '../app/result-page.ts';
import { invalidRequest } from './errors.ts';

type Query = Record<string, string | undefined>;

const cannotSet = (name: string, value: string) => invalidRequest(`Cannot set query parameter '${name}' to value '${value}'`);

export function stringParam(query: Query, name: string): string | undefined {
  const value = query[name];
  return value === undefined || value === '' ? undefined : value;
}

export function booleanParam(query: Query, name: string): boolean | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw cannotSet(name, value);
}

export function integerParam(query: Query, name: string): number | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Math.abs(Number(value)) > 2147483647) throw cannotSet(name, value);
  return Number(value);
}

export function listParam(query: Query, name: string): string[] | undefined {
  const value = stringParam(query, name);
  return value === undefined ? undefined : value.split(',').filter((v) => v !== '');
}

/** Camunda's paging parameters: with either bound present the other defaults to 0 / Integer.MAX_VALUE. */
export function pagingParams(query: Query): Paging {
  return { firstResult: integerParam(query, 'firstResult'), maxResults: integerParam(query, 'maxResults') };
}

export function page<T>(items: readonly T[], query: Query): T[] {
  return pageOf(items, pagingParams(query));
}

/** sortBy/sortOrder must come together and name allowed values. */
export function sorting(query: Query, allowed: readonly string[]): Sorting | undefined {
  const by = stringParam(query, 'sortBy');
  const order = stringParam(query, 'sortOrder');
  if (by === undefined && order === undefined) return undefined;
  if (by !== undefined && !allowed.includes(by)) throw cannotSet('sortBy', by);
  if (order !== undefined && order !== 'asc' && order !== 'desc') throw cannotSet('sortOrder', order);
  if (by === undefined || order === undefined) throw invalidRequest('Only a single sorting parameter specified. sortBy and sortOrder required');
  return { by, descending: order === 'desc' };
}

export { sortItems } from '../query/sort.ts';
