import { type Sorting, sortItems } from '../query/sort.ts';

export { type Sorting, sortItems };

export interface Paging {
  firstResult?: number;
  maxResults?: number;
}

/** Camunda's paging: with either bound present the other defaults to 0 / Integer.MAX_VALUE. */
export function pageOf<T>(items: readonly T[], paging: Paging = {}): T[] {
  const { skip, take } = windowOf(paging);
  return Number.isFinite(take) ? items.slice(skip, skip + take) : [...items];
}

/** Camunda's paging as a window: how many to skip and the most to take (unbounded without either bound). */
function windowOf(paging: Paging): { skip: number; take: number } {
  const { firstResult: first, maxResults: max } = paging;
  if (first === undefined && max === undefined) return { skip: 0, take: Number.POSITIVE_INFINITY };
  return { skip: Math.max(0, first ?? 0), take: Math.max(0, max ?? 2147483647) };
}

/** How many items a page needs from an ordered stream (a read hint), if the page is bounded. */
export function itemsNeeded(paging: Paging): number | undefined {
  const { skip, take } = windowOf(paging);
  return Number.isFinite(take) && take < 2147483647 ? skip + take : undefined;
}

/**
 * One page of the items of an ordered stream that pass `accept` (remaining filters, authorization):
 * stops reading as soon as the page is full, so a page costs about its own size in reads.
 */
export async function pageOfStream<T>(items: AsyncIterable<T>, accept: (item: T) => boolean | Promise<boolean>, paging: Paging = {}): Promise<T[]> {
  const { skip, take } = windowOf(paging);
  const page: T[] = [];
  if (take === 0) return page;
  let skipped = 0;
  for await (const item of items) {
    if (!(await accept(item))) continue;
    if (skipped < skip) {
      skipped++;
      continue;
    }
    page.push(item);
    if (page.length >= take) break;
  }
  return page;
}

/** Every item of the stream that passes `accept`, in stream order. */
export function allOfStream<T>(items: AsyncIterable<T>, accept: (item: T) => boolean | Promise<boolean>): Promise<T[]> {
  return pageOfStream(items, accept);
}

/** A listed read (a GetItem's item, a Query's items) as a stream, for the paging helpers above. */
export async function* streamOf<T>(items: Promise<T[] | T | undefined>): AsyncGenerator<T> {
  const listed = await items;
  if (Array.isArray(listed)) yield* listed;
  else if (listed !== undefined) yield listed;
}

/**
 * One page of an index read: in the index's order, stopping once the page is full; or, with a
 * sort, every match read and sorted first. `candidates` gets the paging to size its reads.
 */
export async function pageOfIndex<T, By extends string>(
  candidates: (paging: Paging) => AsyncIterable<T>,
  accept: (item: T) => boolean | Promise<boolean>,
  query: Paging & { sort?: Sorting<By> },
  pick: (item: T, by: By) => string | number | null | undefined,
): Promise<T[]> {
  if (query.sort) return pageOf(sortItems(await allOfStream(candidates({}), accept), query.sort, pick), query);
  return pageOfStream(candidates(query), accept, query);
}
