import type { BinaryOperator, Node } from './ast.ts';
import { ExpressionParseError } from './errors.ts';
import type { Token } from './tokenizer.ts';

/**
 * Bounds both parser recursion and AST depth: evaluation is recursive too, and a hostile or fuzzed
 * text such as `((((...` or `1+1+...+1` must fail with a parse error, not a stack overflow.
 */
const MAX_DEPTH = 256;

const EQUALITY: ReadonlySet<string> = new Set(['==', '!=']);
const RELATIONAL: ReadonlySet<string> = new Set(['<', '>', '<=', '>=']);
const ADDITIVE: ReadonlySet<string> = new Set(['+', '-']);
const MULTIPLICATIVE: ReadonlySet<string> = new Set(['*', '/', '%']);

/**
 * Parses the tokens of one `${...}` body (as produced by `tokenizeExpression`, ending with the
 * `end` token) into an AST. `text` is the full original text, for error messages.
 */
export function parseTokens(text: string, tokens: readonly Token[]): Node {
  return new Parser(text, tokens).parseBody();
}

class Parser {
  private index = 0;
  private recursion = 0;
  private readonly depths = new WeakMap<Node, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseBody(): Node {
    const node = this.expression();
    const token = this.peek();
    if (token.kind !== 'end') this.fail(token, "expected an operator or '}'");
    return node;
  }

  /** Ternary is right-associative and binds loosest: `a ? b : c ? d : e`. */
  private expression(): Node {
    const test = this.binary('||');
    if (!this.isOperator('?')) return test;
    this.index++;
    const consequent = this.nested(() => this.expression());
    this.expect(':');
    const alternate = this.nested(() => this.expression());
    return this.make({ kind: 'conditional', test, consequent, alternate }, test, consequent, alternate);
  }

  /** Precedence climbing over the left-associative binary levels, loosest first. */
  private binary(level: Level): Node {
    const next = NEXT_LEVEL[level];
    const operand = (): Node => (next === 'unary' ? this.unary() : this.binary(next));
    let left = operand();
    for (;;) {
      const token = this.peek();
      const op = token.kind === 'operator' ? String(token.value) : '';
      if (!LEVEL_OPERATORS[level].has(op)) return left;
      this.index++;
      const right = operand();
      left =
        op === '&&' || op === '||' ? this.make({ kind: 'logical', operator: op, left, right }, left, right) : this.make({ kind: 'binary', operator: op as BinaryOperator, left, right }, left, right);
    }
  }

  private unary(): Node {
    const token = this.peek();
    const operator = token.kind === 'operator' && (token.value === '-' || token.value === '!') ? token.value : token.kind === 'keyword' && token.value === 'empty' ? 'empty' : undefined;
    if (operator === undefined) return this.value();
    this.index++;
    const operand = this.nested(() => this.unary());
    return this.make({ kind: 'unary', operator, operand }, operand);
  }

  /** A literal, identifier, function call or parenthesised expression, then `.x`, `[x]`, `(args)` suffixes. */
  private value(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isOperator('.')) {
        this.index++;
        const token = this.peek();
        // Lenient: JUEL rejects `a.empty`, but a keyword is unambiguous after a dot.
        if (token.kind !== 'identifier' && token.kind !== 'keyword' && !/^[a-z]+$/.test(token.source)) {
          this.fail(token, 'expected a property name');
        }
        this.index++;
        const name: Node = { kind: 'literal', value: token.source };
        node = this.suffix(node, name);
      } else if (this.isOperator('[')) {
        this.index++;
        const key = this.nested(() => this.expression());
        this.expect(']');
        node = this.suffix(node, key);
      } else {
        return node;
      }
    }
  }

  private suffix(target: Node, key: Node): Node {
    if (!this.isOperator('(')) return this.make({ kind: 'property', target, key }, target, key);
    const args = this.arguments();
    return this.make({ kind: 'method', target, name: key, args }, target, key, ...args);
  }

  private primary(): Node {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.index++;
        return { kind: 'literal', value: token.value };
      case 'keyword':
        if (token.value === 'true' || token.value === 'false' || token.value === 'null') {
          this.index++;
          return { kind: 'literal', value: token.value === 'null' ? null : token.value === 'true' };
        }
        break;
      case 'identifier': {
        this.index++;
        const name = String(token.value);
        if (!this.isOperator('(')) return { kind: 'identifier', name };
        const args = this.arguments();
        return this.make({ kind: 'function', name, args }, ...args);
      }
      case 'operator':
        if (token.value === '(') {
          this.index++;
          const inner = this.nested(() => this.expression());
          this.expect(')');
          return inner;
        }
        break;
      default:
        break;
    }
    return this.fail(token, 'expected an operand');
  }

  private arguments(): Node[] {
    this.expect('(');
    const args: Node[] = [];
    if (this.isOperator(')')) {
      this.index++;
      return args;
    }
    for (;;) {
      args.push(this.nested(() => this.expression()));
      if (this.isOperator(')')) {
        this.index++;
        return args;
      }
      this.expect(',');
    }
  }

  private nested<T>(parse: () => T): T {
    if (++this.recursion > MAX_DEPTH) this.fail(this.peek(), 'expression is nested too deeply');
    try {
      return parse();
    } finally {
      this.recursion--;
    }
  }

  private make<T extends Node>(node: T, ...children: Node[]): T {
    let depth = 1;
    for (const child of children) depth = Math.max(depth, (this.depths.get(child) ?? 1) + 1);
    if (depth > MAX_DEPTH) this.fail(this.peek(), 'expression is nested too deeply');
    this.depths.set(node, depth);
    return node;
  }

  private peek(): Token {
    // The tokenizer always ends with an `end` token, so clamping never reads past it.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)]!;
  }

  private isOperator(op: string): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.value === op;
  }

  private expect(op: string): void {
    if (!this.isOperator(op)) this.fail(this.peek(), `expected '${op}'`);
    this.index++;
  }

  private fail(token: Token, expected: string): never {
    const found = token.kind === 'end' ? "'}'" : `'${token.source}'`;
    throw new ExpressionParseError(this.text, token.position, `encountered ${found}, ${expected}`);
  }
}

type Level = '||' | '&&' | 'eq' | 'rel' | 'add' | 'mul';
const NEXT_LEVEL: Readonly<Record<Level, Level | 'unary'>> = {
  '||': '&&',
  '&&': 'eq',
  eq: 'rel',
  rel: 'add',
  add: 'mul',
  mul: 'unary',
};
const LEVEL_OPERATORS: Readonly<Record<Level, ReadonlySet<string>>> = {
  '||': new Set(['||']),
  '&&': new Set(['&&']),
  eq: EQUALITY,
  rel: RELATIONAL,
  add: ADDITIVE,
  mul: MULTIPLICATIVE,
};
