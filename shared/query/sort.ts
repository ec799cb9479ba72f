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

/**
 * Sorts by one property, keeping the given order among equal values whichever the direction (the
 * history queries' tie order: when things happened); nulls come first ascending, last descending.
 */
export function sortKeepingTies<T, By extends string>(items: T[], sort: Sorting<By> | undefined, pick: (item: T, by: By) => string | number | null): T[] {
  if (!sort) return items;
  const direction = sort.descending ? -1 : 1;
  return items
    .map((item, index) => ({ item, index, value: pick(item, sort.by) }))
    .sort((a, b) => {
      if (a.value === b.value) return a.index - b.index;
      if (a.value === null) return -direction;
      if (b.value === null) return direction;
      return (a.value < b.value ? -1 : 1) * direction;
    })
    .map(({ item }) => item);
}
