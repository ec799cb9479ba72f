/** Small predicates the history queries share. */

/** An `…In` filter: no list passes everything; a list passes only a value it names (never a null). */
export function within(list: readonly string[] | undefined, value: string | null): boolean {
  return list === undefined || (value !== null && list.includes(value));
}

/** A function of one key that runs once per key (a query's reads of what several candidates share). */
export function onceEach<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const known = new Map<string, Promise<T>>();
  return (key) => {
    let value = known.get(key);
    if (!value) {
      value = read(key);
      known.set(key, value);
    }
    return value;
  };
}
