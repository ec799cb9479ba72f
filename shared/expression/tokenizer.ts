import { ExpressionParseError } from './errors.ts';

/** Kinds of token inside a `${...}` body. `end` is the closing `}`. */
export type TokenKind = 'number' | 'string' | 'identifier' | 'keyword' | 'operator' | 'end';

/** A lexical token. `value` is the number, the unescaped string, or the normalised operator/word. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string | number;
  /** The source spelling, used for error messages and for keywords used as property names. */
  readonly source: string;
  readonly position: number;
}

// Maps rather than object literals, so a word like `constructor` never hits Object.prototype.
const WORD_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['and', '&&'],
  ['or', '||'],
  ['not', '!'],
  ['eq', '=='],
  ['ne', '!='],
  ['lt', '<'],
  ['gt', '>'],
  ['le', '<='],
  ['ge', '>='],
  ['div', '/'],
  ['mod', '%'],
]);
const KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'empty', 'instanceof']);
const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPERATORS: ReadonlySet<string> = new Set(['<', '>', '!', '+', '-', '*', '/', '%', '?', ':', '(', ')', '[', ']', '.', ',']);

// Approximates Java's isJavaIdentifierStart/Part, which JUEL uses.
const IDENTIFIER = /[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}$_]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /\s/;

/**
 * Tokenizes one expression body of `text`, starting just after its `${` / `#{`, up to and including
 * the closing `}`. JUEL has no braces inside expressions, so the first `}` outside a string ends it.
 * @returns the tokens (last one of kind `end`) and the index just after the closing brace.
 */
export function tokenizeExpression(text: string, start: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    if (c === '}') {
      tokens.push({ kind: 'end', value: '}', source: '}', position: i });
      return { tokens, end: i + 1 };
    }
    if (c === "'" || c === '"') {
      const { value, end } = scanString(text, i);
      tokens.push({ kind: 'string', value, source: text.slice(i, end), position: i });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), source: number[0], position: i });
      i += number[0].length;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const word = IDENTIFIER.exec(text);
    if (word) {
      tokens.push(wordToken(word[0], i));
      i += word[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPERATORS.has(two)) {
      tokens.push({ kind: 'operator', value: two, source: two, position: i });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPERATORS.has(c)) {
      tokens.push({ kind: 'operator', value: c, source: c, position: i });
      i++;
      continue;
    }
    throw new ExpressionParseError(text, i, `unexpected character '${c}'`);
  }
  throw new ExpressionParseError(text, text.length, "unterminated expression, expected '}'");
}

function wordToken(word: string, position: number): Token {
  const operator = WORD_OPERATORS.get(word);
  if (operator !== undefined) return { kind: 'operator', value: operator, source: word, position };
  if (KEYWORDS.has(word)) return { kind: 'keyword', value: word, source: word, position };
  return { kind: 'identifier', value: word, source: word, position };
}

/** Scans a quoted literal; JUEL only knows the escapes `\\`, `\'` and `\"`. */
function scanString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\\' || next === "'" || next === '"') {
        value += next;
        i += 2;
        continue;
      }
      throw new ExpressionParseError(text, i, 'invalid escape sequence in string literal');
    }
    value += c;
    i++;
  }
  throw new ExpressionParseError(text, start, 'unterminated string literal');
}
