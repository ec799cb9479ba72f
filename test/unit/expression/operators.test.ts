// biome-ignore-all lint/suspicious/noTemplateCurlyInString: JUEL expression texts are written with ${...} in plain strings.
import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from '../../../shared/expression/index.ts';
import { errorOf, run } from './helpers.ts';

describe('arithmetic', () => {
  it('given integers, when added, subtracted and multiplied, then the results are numeric', () => {
    expect(run('${1 + 2}')).toBe(3);
    expect(run('${5 - 7}')).toBe(-2);
    expect(run('${6 * 7}')).toBe(42);
  });

  it('given integers, when divided with / or div, then the result is a double as in JUEL (7/2 = 3.5)', () => {
    expect(run('${7 / 2}')).toBe(3.5);
    expect(run('${7 div 2}')).toBe(3.5);
    expect(run('${1 / 0}')).toBe(Number.POSITIVE_INFINITY);
  });

  it('given % and mod, when evaluated, then they yield the remainder', () => {
    expect(run('${7 % 3}')).toBe(1);
    expect(run('${7 mod 3}')).toBe(1);
    expect(run('${-7 % 3}')).toBe(-1);
    expect(run('${7.5 % 2}')).toBe(1.5);
  });

  it('given an integer remainder by zero, when evaluated, then an evaluation error is thrown as in Java', () => {
    expect(() => run('${7 % 0}')).toThrow(ExpressionEvaluationError);
  });

  it('given null operands, when used in arithmetic, then null counts as 0', () => {
    expect(run('${x + 1}', { x: null })).toBe(1);
    expect(run('${x * 5}', { x: null })).toBe(0);
    expect(run('${x / y}', { x: null, y: null })).toBe(0);
    expect(run('${-x}', { x: null })).toBe(0);
  });

  it('given numeric strings, when used in arithmetic, then they coerce to numbers', () => {
    expect(run("${'3' + 4}")).toBe(7);
    expect(run("${'1.5' * 2}")).toBe(3);
    expect(run("${-'2'}")).toBe(-2);
    expect(run("${'' + 1}")).toBe(1);
  });

  it('given a non-numeric string, when used with +, then + does not concatenate but fails to coerce', () => {
    const error = errorOf(() => run("${'a' + 1}"));
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe("Cannot coerce 'a' to number in expression: ${'a' + 1}");
  });

  it('given a boolean, when used in arithmetic, then coercion fails', () => {
    expect(() => run('${true + 1}')).toThrow("Cannot coerce 'true' to number");
  });

  it('given mixed operators, when evaluated, then * / % bind tighter than + - and unary minus tightest', () => {
    expect(run('${1 + 2 * 3}')).toBe(7);
    expect(run('${(1 + 2) * 3}')).toBe(9);
    expect(run('${10 - 4 - 3}')).toBe(3);
    expect(run('${-2 * 3}')).toBe(-6);
    expect(run('${--2}')).toBe(2);
  });
});

describe('comparison', () => {
  it('given numbers, when compared with symbols and word forms, then the results follow numeric order', () => {
    expect(run('${1 < 2}')).toBe(true);
    expect(run('${1 lt 2}')).toBe(true);
    expect(run('${2 > 1}')).toBe(true);
    expect(run('${2 gt 3}')).toBe(false);
    expect(run('${2 <= 2}')).toBe(true);
    expect(run('${2 le 1}')).toBe(false);
    expect(run('${2 >= 3}')).toBe(false);
    expect(run('${3 ge 3}')).toBe(true);
  });

  it('given equal and unequal values, when compared with == eq != ne, then equality holds by value', () => {
    expect(run('${1 == 1}')).toBe(true);
    expect(run('${1 eq 1.0}')).toBe(true);
    expect(run("${'a' != 'b'}")).toBe(true);
    expect(run("${'a' ne 'a'}")).toBe(false);
    expect(run('${true == true}')).toBe(true);
    expect(run('${true eq false}')).toBe(false);
  });

  it('given null, when compared, then null == null is true and null equals nothing else', () => {
    expect(run('${null == null}')).toBe(true);
    expect(run('${x == null}', { x: null })).toBe(true);
    expect(run('${x != null}', { x: 0 })).toBe(true);
    expect(run("${x == ''}", { x: null })).toBe(false);
    expect(run('${x < 1}', { x: null })).toBe(false);
    expect(run('${x >= 1}', { x: null })).toBe(false);
  });

  it('given a number and a numeric string, when compared, then they compare numerically', () => {
    expect(run("${10 == '10'}")).toBe(true);
    expect(run("${'10' > 9}")).toBe(true);
    expect(run("${amount lt '100'}", { amount: 99.5 })).toBe(true);
  });

  it('given a number and a non-numeric string, when compared, then coercion fails', () => {
    expect(() => run("${1 == 'abc'}")).toThrow(ExpressionEvaluationError);
    expect(() => run("${1 < 'abc'}")).toThrow("Cannot coerce 'abc' to number");
  });

  it('given two strings, when compared, then they compare lexicographically', () => {
    expect(run("${'apple' < 'banana'}")).toBe(true);
    expect(run("${'10' < '9'}")).toBe(true);
    expect(run("${'b' ge 'a'}")).toBe(true);
  });

  it('given a boolean and a string, when compared for equality, then the string is read as a boolean', () => {
    expect(run("${true == 'true'}")).toBe(true);
    expect(run("${false == 'FALSE'}")).toBe(true);
  });

  it('given lists and maps, when compared for equality, then they compare structurally like Java equals', () => {
    expect(run('${a == b}', { a: [1, { x: 'y' }], b: [1, { x: 'y' }] })).toBe(true);
    expect(run('${a == b}', { a: { x: 1 }, b: { x: 2 } })).toBe(false);
  });

  it('given a relational and an equality operator, when combined, then relational binds tighter', () => {
    expect(run('${1 < 2 == true}')).toBe(true);
    expect(run('${1 + 1 == 2}')).toBe(true);
  });
});

describe('logic', () => {
  it('given booleans, when combined with && and || and their word forms, then the usual truth tables apply', () => {
    expect(run('${true && false}')).toBe(false);
    expect(run('${true and true}')).toBe(true);
    expect(run('${false || true}')).toBe(true);
    expect(run('${false or false}')).toBe(false);
    expect(run('${!true}')).toBe(false);
    expect(run('${not false}')).toBe(true);
  });

  it('given && and ||, when mixed, then && binds tighter than ||', () => {
    expect(run('${true || false && false}')).toBe(true);
    expect(run('${(true || false) && false}')).toBe(false);
  });

  it('given a decided left side, when evaluated, then the right side is skipped even if it names an unknown identifier', () => {
    expect(run('${false && unknown}')).toBe(false);
    expect(run('${true || unknown.x}')).toBe(true);
    expect(run('${true ? 1 : unknown}')).toBe(1);
    expect(run('${false ? unknown : 2}')).toBe(2);
  });

  it('given an undecided left side, when evaluated, then the right side is evaluated and may fail', () => {
    expect(() => run('${true && unknown}')).toThrow(ExpressionEvaluationError);
  });

  it('given null and boolean strings as operands, when used in logic, then they coerce the JUEL way', () => {
    expect(run('${x || false}', { x: null })).toBe(false);
    expect(run('${!x}', { x: null })).toBe(true);
    expect(run("${'true' && 'TRUE'}")).toBe(true);
    expect(run("${not 'false'}")).toBe(true);
  });

  it('given a non-boolean string or a number, when used in logic, then coercion fails', () => {
    expect(() => run("${'yes' && true}")).toThrow("Cannot coerce 'yes' to boolean in expression: ${'yes' && true}");
    expect(() => run('${!1}')).toThrow(ExpressionEvaluationError);
  });
});

describe('empty and ternary', () => {
  it('given null, empty string, empty list and empty map, when tested with empty, then it is true', () => {
    expect(run('${empty x}', { x: null })).toBe(true);
    expect(run("${empty ''}")).toBe(true);
    expect(run('${empty x}', { x: [] })).toBe(true);
    expect(run('${empty x}', { x: {} })).toBe(true);
  });

  it('given non-empty values, when tested with empty, then it is false', () => {
    expect(run("${empty 'a'}")).toBe(false);
    expect(run('${empty x}', { x: [0] })).toBe(false);
    expect(run('${empty x}', { x: { a: null } })).toBe(false);
    expect(run('${empty 0}')).toBe(false);
    expect(run('${not empty x}', { x: 'a' })).toBe(true);
  });

  it('given a ternary, when evaluated, then the branch chosen by the condition is returned', () => {
    expect(run("${a > 1 ? 'big' : 'small'}", { a: 2 })).toBe('big');
    expect(run("${a > 1 ? 'big' : 'small'}", { a: 0 })).toBe('small');
  });

  it('given nested ternaries, when evaluated, then they associate to the right', () => {
    expect(run("${a == 1 ? 'one' : a == 2 ? 'two' : 'many'}", { a: 2 })).toBe('two');
    expect(run("${a == 1 ? 'one' : a == 2 ? 'two' : 'many'}", { a: 9 })).toBe('many');
  });

  it('given a ternary with a null condition, when evaluated, then null counts as false', () => {
    expect(run('${x ? 1 : 2}', { x: null })).toBe(2);
  });
});
