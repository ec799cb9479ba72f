import { describe, expect, it } from 'vitest';
import { type ExpressionContext, ExpressionEvaluationError, ExpressionParseError, evaluate, parseExpression } from '../../../shared/expression/index.ts';

const TOKENS = [
  '${',
  '#{',
  '}',
  '\\',
  ' ',
  'a',
  'b',
  'x.y',
  '0',
  '1',
  '7',
  '1.5',
  '1e3',
  '.5',
  "'s'",
  '"d"',
  "'\\''",
  "''",
  '+',
  '-',
  '*',
  '/',
  'div',
  '%',
  'mod',
  '==',
  'eq',
  '!=',
  'ne',
  '<',
  'lt',
  '>',
  'gt',
  '<=',
  'le',
  '>=',
  'ge',
  '&&',
  'and',
  '||',
  'or',
  '!',
  'not',
  'empty',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  'true',
  'false',
  'null',
  'instanceof',
  'size()',
  'length()',
  'get(0)',
  'substring(1,2)',
  'constructor',
  '__proto__',
  'f(1)',
  '&',
  '=',
  '"',
  "'",
  '$',
  '#',
  '{',
  'text',
];

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzing', () => {
  it('given 2,000 random token strings, when parsed and evaluated, then only the module’s own errors are thrown', () => {
    const next = random(20240601);
    const everythingIsOne: ExpressionContext = { resolve: () => ({ value: 1 }) };
    let parsed = 0;
    let evaluated = 0;
    for (let n = 0; n < 2000; n++) {
      const length = 1 + Math.floor(next() * 12);
      let body = '';
      for (let k = 0; k < length; k++) body += TOKENS[Math.floor(next() * TOKENS.length)]! + (next() < 0.3 ? ' ' : '');
      // Mostly well-framed, so that many texts get past the parser and exercise the evaluator.
      const text = next() < 0.8 ? `\${${body}}` : body;
      let expr: ReturnType<typeof parseExpression>;
      try {
        expr = parseExpression(text);
        parsed++;
      } catch (error) {
        expect(error, text).toBeInstanceOf(ExpressionParseError);
        continue;
      }
      try {
        evaluate(expr, everythingIsOne);
        evaluated++;
      } catch (error) {
        expect(error, text).toBeInstanceOf(ExpressionEvaluationError);
      }
    }
    // Guards against a generator that never reaches the evaluator.
    expect(parsed).toBeGreaterThan(100);
    expect(evaluated).toBeGreaterThan(50);
  });
});
