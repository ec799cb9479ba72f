// biome-ignore-all lint/suspicious/noTemplateCurlyInString: JUEL expression texts are written with ${...} in plain strings.
import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from '../../../shared/expression/index.ts';
import { condition, errorOf } from './helpers.ts';

describe('evaluateCondition', () => {
  it('given a boolean expression, when evaluated as a condition, then its value is returned', () => {
    expect(condition('${amount > 100}', { amount: 150 })).toBe(true);
    expect(condition('${amount > 100}', { amount: 50 })).toBe(false);
  });

  it('given a null result, when evaluated as a condition, then it is false', () => {
    expect(condition('${x}', { x: null })).toBe(false);
  });

  it('given the strings "true" and "false", when evaluated as a condition, then they are parsed', () => {
    expect(condition('${x}', { x: 'true' })).toBe(true);
    expect(condition('${x}', { x: 'FALSE' })).toBe(false);
    expect(condition('true')).toBe(true);
  });

  it.each([
    ['${x}', { x: 'abc' }, 'java.lang.String and value abc'],
    ['${x}', { x: 42 }, 'java.lang.Integer and value 42'],
    ['${x}', { x: 2.5 }, 'java.lang.Double and value 2.5'],
    ['${x}', { x: { a: 1 } }, 'java.util.Map and value {a=1}'],
    ['${x}', { x: [1, 2] }, 'java.util.List and value [1, 2]'],
  ])('given %s with %j, when evaluated as a condition, then Camunda’s ENGINE-02034 error is thrown', (text, vars, tail) => {
    const error = errorOf(() => condition(text, vars));
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe(`ENGINE-02034 Condition expression returns non-Boolean: result has class ${tail}`);
  });

  it('given a composite text, when evaluated as a condition, then the resulting string must be a boolean word', () => {
    expect(condition('${a}${b}', { a: 'tr', b: 'ue' })).toBe(true);
    expect(() => condition('is ${a}', { a: true })).toThrow('java.lang.String and value is true');
  });
});
