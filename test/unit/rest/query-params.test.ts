import * as z from 'zod/v4';
import { describe, expect, it } from 'vitest';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../../../shared/rest/query-params.ts';

const Params = z.object({
  ...sortingParams(['id', 'name']),
  flag: qs.boolean(),
  count: qs.integer(),
  ids: qs.list(),
  text: qs.string(),
  since: qs.of(
    (v) => (v === 'now' ? 1 : undefined),
    (v) => `: not a date "${v}"`,
  ),
  ...pagingParams,
});
const read = (query: Record<string, string>) => sorted(readQuery({ query }, Params));
const message = (query: Record<string, string>) => {
  try {
    read(query);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('readQuery', () => {
  it('coerces Camunda query-string values; empty values are absent', () => {
    expect(read({ flag: 'false', count: '-2147483647', ids: 'a,,b,', text: '', since: 'now', sortBy: 'name', sortOrder: 'desc', firstResult: '3' })).toEqual({
      flag: false,
      count: -2147483647,
      ids: ['a', 'b'],
      text: undefined,
      since: 1,
      sort: { by: 'name', descending: true },
      firstResult: 3,
      maxResults: undefined,
    });
  });

  it('reports the first bad parameter in the order of the schema with its raw value', () => {
    expect(message({ count: '1.5', flag: 'yes' })).toBe("Cannot set query parameter 'flag' to value 'yes'");
    expect(message({ count: '2147483648' })).toBe("Cannot set query parameter 'count' to value '2147483648'");
    expect(message({ since: 'then' })).toBe("Cannot set query parameter 'since' to value 'then': not a date \"then\"");
    expect(message({ sortBy: 'bad', sortOrder: 'up' })).toBe("Cannot set query parameter 'sortBy' to value 'bad'");
    expect(message({ sortOrder: 'up' })).toBe("Cannot set query parameter 'sortOrder' to value 'up'");
  });

  it('checks that sortBy and sortOrder come together where sortOrder stands', () => {
    const single = 'Only a single sorting parameter specified. sortBy and sortOrder required';
    expect(message({ sortBy: 'id' })).toBe(single);
    expect(message({ sortOrder: 'asc', flag: 'x' })).toBe(single);
    expect(message({ sortBy: 'id', sortOrder: '' })).toBe(single);
  });
});
