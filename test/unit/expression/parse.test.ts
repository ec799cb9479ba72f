// biome-ignore-all lint/suspicious/noTemplateCurlyInString: JUEL expression texts are written with ${...} in plain strings.
import { describe, expect, it } from 'vitest';
import { ExpressionParseError, isLiteral, parseExpression } from '../../../shared/expression/index.ts';
import { run } from './helpers.ts';

describe('parseExpression: literals', () => {
  it('given integer and decimal literals, when evaluated, then they yield numbers', () => {
    expect(run('${42}')).toBe(42);
    expect(run('${1.5}')).toBe(1.5);
    expect(run('${1e3}')).toBe(1000);
    expect(run('${2.5E-1}')).toBe(0.25);
    expect(run('${.5}')).toBe(0.5);
  });

  it('given string literals in either quote style with JUEL escapes, when evaluated, then they are unescaped', () => {
    expect(run("${'abc'}")).toBe('abc');
    expect(run('${"abc"}')).toBe('abc');
    expect(run("${'it\\'s'}")).toBe("it's");
    expect(run('${"say \\"hi\\""}')).toBe('say "hi"');
    expect(run("${'back\\\\slash'}")).toBe('back\\slash');
    expect(run("${'a } inside'}")).toBe('a } inside');
  });

  it('given true, false and null, when evaluated, then they yield the JS values', () => {
    expect(run('${true}')).toBe(true);
    expect(run('${false}')).toBe(false);
    expect(run('${null}')).toBeNull();
  });

  it('given a text without ${ or #{, when parsed, then it is a literal that evaluates to itself', () => {
    const expr = parseExpression('approved');
    expect(isLiteral(expr)).toBe(true);
    expect(expr.text).toBe('approved');
    expect(run('approved')).toBe('approved');
    expect(run('')).toBe('');
    expect(run('a } b $ c # d')).toBe('a } b $ c # d');
  });

  it('given a text containing an expression, when parsed, then it is not a literal', () => {
    expect(isLiteral(parseExpression('${a}'))).toBe(false);
    expect(isLiteral(parseExpression('Hello #{a}'))).toBe(false);
  });

  it('given an escaped \\${, when evaluated, then the characters are kept literally', () => {
    expect(isLiteral(parseExpression('cost: \\${price}'))).toBe(true);
    expect(run('cost: \\${price} and \\#{x}')).toBe('cost: ${price} and #{x}');
  });
});

describe('parseExpression: composite text', () => {
  it('given text with several expressions, when evaluated, then the parts are concatenated as strings', () => {
    expect(run('Hello ${name}, you are ${age}', { name: 'Ann', age: 42 })).toBe('Hello Ann, you are 42');
  });

  it('given a null value in a composite, when evaluated, then it renders as the empty string', () => {
    expect(run('[${x}]', { x: null })).toBe('[]');
  });

  it('given adjacent expressions, when evaluated, then the result is a string even if each part is a number', () => {
    expect(run('${a}${b}', { a: 1, b: 2 })).toBe('12');
  });

  it('given booleans, decimals, lists and maps in a composite, when evaluated, then they print as Java would', () => {
    expect(run('${t} ${d} ${l} ${m}', { t: true, d: 3.5, l: [1, 'x'], m: { a: 1, b: null } })).toBe('true 3.5 [1, x] {a=1, b=null}');
  });

  it('given #{...}, when evaluated, then it behaves like ${...}', () => {
    expect(run('#{a + 1}', { a: 1 })).toBe(2);
    expect(run('x=#{a}', { a: 1 })).toBe('x=1');
  });

  it('given a single expression without surrounding text, when evaluated, then the raw value is returned', () => {
    const list = [1, 2];
    expect(run('${l}', { l: list })).toBe(list);
  });
});

describe('parseExpression: errors', () => {
  const parseError = (text: string): ExpressionParseError => {
    try {
      parseExpression(text);
    } catch (error) {
      if (error instanceof ExpressionParseError) return error;
      throw error;
    }
    throw new Error(`expected a parse error for ${text}`);
  };

  it('given a missing operand, when parsed, then the error names the text and the position', () => {
    const error = parseError('${a >}');
    expect(error.message).toContain("Error parsing '${a >}'");
    expect(error.message).toContain('syntax error at position 5');
    expect(error.position).toBe(5);
    expect(error.text).toBe('${a >}');
  });

  it.each([
    ['${a', 'unbalanced ${'],
    ['x ${a + ', 'unterminated after an operator'],
    ['${}', 'empty expression'],
    ['${a b}', 'trailing garbage'],
    ['${a # b}', 'bad character'],
    ['${a & b}', 'single ampersand'],
    ['${a = b}', 'assignment'],
    ["${'abc}", 'unterminated string'],
    ["${'a\\nb'}", 'unknown escape'],
    ['${(a}', 'unbalanced parenthesis'],
    ['${a[1}', 'unbalanced bracket'],
    ['${a.}', 'missing property name'],
    ['${a ? b}', 'ternary without colon'],
    ['${f(a,)}', 'dangling comma'],
    ['${instanceof}', 'reserved word'],
    ['${1abc}', 'number followed by a name'],
  ])('given %s (%s), when parsed, then an ExpressionParseError is thrown', (text) => {
    expect(() => parseExpression(text)).toThrow(ExpressionParseError);
  });

  it('given pathologically deep nesting, when parsed, then a parse error is thrown instead of a stack overflow', () => {
    expect(() => parseExpression(`\${${'('.repeat(100_000)}1${')'.repeat(100_000)}}`)).toThrow(ExpressionParseError);
    expect(() => parseExpression(`\${${'!'.repeat(100_000)}true}`)).toThrow(ExpressionParseError);
    expect(() => parseExpression(`\${${'1+'.repeat(100_000)}1}`)).toThrow(ExpressionParseError);
  });

  it('given moderately deep but realistic nesting, when parsed, then it is accepted', () => {
    expect(run(`\${${'('.repeat(50)}1${')'.repeat(50)}}`)).toBe(1);
    expect(run(`\${${'1+'.repeat(100)}1}`)).toBe(101);
  });
});
