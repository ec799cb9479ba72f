/**
 * Thrown by {@link parseExpression} when a text is not valid JUEL. The message names the whole text
 * and the zero-based position of the offending character, so a modeller can find the typo.
 */
export class ExpressionParseError extends Error {
  override readonly name = 'ExpressionParseError';
  /** The complete text that was being parsed. */
  readonly text: string;
  /** Zero-based index into {@link ExpressionParseError.text} where parsing failed. */
  readonly position: number;

  constructor(text: string, position: number, reason: string) {
    super(`Error parsing '${text}': syntax error at position ${position}, ${reason}`);
    this.text = text;
    this.position = position;
  }
}

/**
 * Thrown by {@link evaluate} and {@link evaluateCondition} when a parsed expression cannot be
 * evaluated (unknown identifier, failed coercion, missing method, ...). Messages follow Camunda's
 * wording where Camunda has a well-known one, because clients match on them.
 */
export class ExpressionEvaluationError extends Error {
  override readonly name = 'ExpressionEvaluationError';
  /** The complete text of the expression being evaluated. */
  readonly expression: string;

  constructor(message: string, expression: string) {
    super(message);
    this.expression = expression;
  }
}

/** Whether evaluation failed only because an identifier resolves to nothing (Camunda's PropertyNotFoundException). */
export function isUnresolvedIdentifier(error: unknown): boolean {
  return error instanceof ExpressionEvaluationError && error.message.includes('Cannot resolve identifier');
}
