/** A query's sorting: one property, ascending or descending (nulls sort as the empty string). */
export interface Sorting<By extends string = string> {
  by: By;
  descending: boolean;
}

export function sortItems<T, By extends string>(items: T[], sort: Sorting<By> | undefined, pick: (item: T, by: By) => string | number | null | undefined): T[] {
  if (!sort) return items;
  const sorted = [...items].sort((a, b) => {
    const x = pick(a, sort.by) ?? '';
    const y = pick(b, sort.by) ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return sort.descending ? sorted.reverse() : sorted;
}
