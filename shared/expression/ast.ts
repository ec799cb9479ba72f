/** Operators whose operands are always both evaluated. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '>' | '<=' | '>=';

/** A node of a parsed `${...}` body. Word operators (`eq`, `and`, `div`, ...) are normalised to symbols. */
export type Node =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'identifier'; readonly name: string }
  /** `a.b` (key is a string literal) and `a[expr]`. */
  | { readonly kind: 'property'; readonly target: Node; readonly key: Node }
  /** `a.m(args)` (name is a string literal) and `a[expr](args)`. */
  | { readonly kind: 'method'; readonly target: Node; readonly name: Node; readonly args: readonly Node[] }
  /** `f(args)`: calls a function the context resolved for the name `f`. */
  | { readonly kind: 'function'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'unary'; readonly operator: '-' | '!' | 'empty'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly operator: BinaryOperator; readonly left: Node; readonly right: Node }
  | { readonly kind: 'logical'; readonly operator: '&&' | '||'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'conditional'; readonly test: Node; readonly consequent: Node; readonly alternate: Node };

/** One piece of a (possibly composite) text: literal text or one `${...}` / `#{...}` body. */
export type TemplatePart = { readonly kind: 'text'; readonly value: string } | { readonly kind: 'expression'; readonly node: Node };

/**
 * A parsed expression text, produced by {@link parseExpression}. Immutable and context-free, so one
 * instance can be cached per model and evaluated any number of times.
 */
export interface CompiledExpression {
  /** The original text exactly as passed to {@link parseExpression}. */
  readonly text: string;
  /** Internal: the parsed parts, in text order. Not part of the stable API. */
  readonly parts: readonly TemplatePart[];
}
