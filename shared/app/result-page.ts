/** How a query's results are ordered and which of them are wanted (Camunda's sortBy/sortOrder, firstResult/maxResults). */
export interface Sorting {
  by: string;
  descending: boolean;
}

export interface Paging {
  firstResult?: number;
  maxResults?: number;
}

/** Sorts by the value `pick` gives for the sort key, nulls as the empty string; stable, reversed for descending. */
export function sortItems<T>(items: T[], sort: Sorting | undefined, pick: (item: T, by: string) => string | number | null | undefined): T[] {
  if (!sort) return items;
  const sorted = [...items].sort((a, b) => {
    const x = pick(a, sort.by) ?? '';
    const y = pick(b, sort.by) ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return sort.descending ? sorted.reverse() : sorted;
}

/** Camunda's paging: with either bound present the other defaults to 0 / Integer.MAX_VALUE. */
export function pageOf<T>(items: readonly T[], paging: Paging = {}): T[] {
  const { firstResult: first, maxResults: max } = paging;
  if (first === undefined && max === undefined) return [...items];
  const start = Math.max(0, first ?? 0);
  return items.slice(start, start + Math.max(0, max ?? 2147483647));
}
