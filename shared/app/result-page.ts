export { type Sorting, sortItems } from '../query/sort.ts';

export interface Paging {
  firstResult?: number;
  maxResults?: number;
}

/** Camunda's paging: with either bound present the other defaults to 0 / Integer.MAX_VALUE. */
export function pageOf<T>(items: readonly T[], paging: Paging = {}): T[] {
  const { firstResult: first, maxResults: max } = paging;
  if (first === undefined && max === undefined) return [...items];
  const start = Math.max(0, first ?? 0);
  return items.slice(start, start + Math.max(0, max ?? 2147483647));
}
