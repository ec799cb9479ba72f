import { describe, expect, it } from 'vitest';
import { sqlLike } from '../../../shared/query/sql-like.ts';
import { mulberry32 } from '../../support/prng.ts';

/** The definition, by brute force: does some split of the value fit the pattern's tokens? */
function reference(pattern: string, value: string): boolean {
  type Token = { kind: 'run' } | { kind: 'single' } | { kind: 'literal'; char: string };
  const tokens: Token[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) tokens.push({ kind: 'literal', char: chars[++i]! });
    else if (chars[i] === '%') tokens.push({ kind: 'run' });
    else if (chars[i] === '_') tokens.push({ kind: 'single' });
    else tokens.push({ kind: 'literal', char: chars[i]! });
  }
  const v = [...value];
  const memo = new Map<string, boolean>();
  const fits = (t: number, at: number): boolean => {
    const key = `${t}:${at}`;
    if (memo.has(key)) return memo.get(key)!;
    const token = tokens[t];
    let result: boolean;
    if (!token) result = at === v.length;
    else if (token.kind === 'run') result = fits(t + 1, at) || (at < v.length && fits(t, at + 1));
    else if (token.kind === 'single') result = at < v.length && fits(t + 1, at + 1);
    else result = v[at] === token.char && fits(t + 1, at + 1);
    memo.set(key, result);
    return result;
  };
  return fits(0, 0);
}

describe('SQL LIKE for Camunda’s …Like parameters', () => {
  it.each([
    ['invoice%', 'invoiceProcess', true],
    ['%Process', 'invoiceProcess', true],
    ['%voice%', 'invoiceProcess', true],
    ['invoice', 'invoiceProcess', false],
    ['i_voice%', 'invoiceProcess', true],
    ['%', '', true],
    ['_', '', false],
    ['a%b%a', 'aba', true],
    ['a%b%a', 'ab', false],
    ['100\\%', '100%', true],
    ['100\\%', '1000', false],
    ['snake\\_case', 'snake_case', true],
    ['snake\\_case', 'snakeXcase', false],
    ['.*', 'anything', false],
    ['(a|b)', '(a|b)', true],
    ['Über%', 'Übermorgen', true],
    ['_ber', 'Über', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(sqlLike(pattern)(value)).toBe(expected);
  });

  it('never matches a missing value', () => {
    expect(sqlLike('%')(null)).toBe(false);
    expect(sqlLike('%')(undefined)).toBe(false);
  });

  it('agrees with the definition on 5,000 random patterns and values', () => {
    const random = mulberry32(11);
    const below = (n: number) => Math.floor(random() * n);
    const pick = (alphabet: string, max: number) => Array.from({ length: below(max + 1) }, () => alphabet[below(alphabet.length)]).join('');
    for (let i = 0; i < 5_000; i++) {
      const pattern = pick('ab%_\\', 7);
      const value = pick('ab%_\\', 7);
      expect(sqlLike(pattern)(value), `${pattern} / ${value}`).toBe(reference(pattern, value));
    }
  });

  it('answers a pattern that makes regular expressions backtrack without end in linear steps', () => {
    // thirty % and a character the value does not end with: exponential for a backtracking regex
    const pathological = `${'%'.repeat(30)}!`;
    const value = 'a'.repeat(10_000);
    const started = performance.now();
    expect(sqlLike(pathological)(value)).toBe(false);
    expect(sqlLike(`${'%a'.repeat(30)}!`)(value)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
