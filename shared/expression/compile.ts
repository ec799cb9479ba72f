import type { CompiledExpression, TemplatePart } from './ast.ts';
import { parseTokens } from './parser.ts';
import { tokenizeExpression } from './tokenizer.ts';

/**
 * Parses an expression text: a plain literal (`approved`), a single expression (`${a > 1}`) or a
 * composite (`Hello ${name}`). `#{...}` is treated like `${...}`; `\${` and `\#{` stand for the
 * literal characters. The text is not trimmed: callers reading BPMN XML trim it first, as Camunda does.
 * @throws ExpressionParseError when an expression part is malformed.
 */
export function parseExpression(text: string): CompiledExpression {
  const parts: TemplatePart[] = [];
  let literal = '';
  let from = 0;
  let i = 0;
  const opensAt = (j: number) => (text[j] === '$' || text[j] === '#') && text[j + 1] === '{';
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && opensAt(i + 1)) {
      literal += text.slice(from, i);
      from = i + 1;
      i += 3;
    } else if (opensAt(i)) {
      literal += text.slice(from, i);
      if (literal !== '') parts.push({ kind: 'text', value: literal });
      literal = '';
      const { tokens, end } = tokenizeExpression(text, i + 2);
      parts.push({ kind: 'expression', node: parseTokens(text, tokens) });
      from = i = end;
    } else {
      i++;
    }
  }
  literal += text.slice(from);
  if (literal !== '') parts.push({ kind: 'text', value: literal });
  return Object.freeze({ text, parts: Object.freeze(parts) });
}

/** True when the text contains no `${...}` / `#{...}` at all, i.e. it evaluates to itself (after unescaping). */
export function isLiteral(expr: CompiledExpression): boolean {
  return expr.parts.every((part) => part.kind === 'text');
}
