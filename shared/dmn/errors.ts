/** One problem found while reading a DMN resource. */
export interface DmnProblem {
  readonly elementId?: string;
  readonly message: string;
}

/**
 * A DMN resource the engine cannot evaluate refuses the whole deployment, every problem listed with
 * its element, in the shape of Camunda's ENGINE-22004 ("Unable to transform DMN resource").
 */
export class DmnParseError extends Error {
  override readonly name = 'ParseException';
  constructor(
    readonly resourceName: string,
    readonly problems: readonly DmnProblem[],
  ) {
    // Camunda's message, then what it keeps in its cause chain: each problem with its element.
    super(`ENGINE-22004 Unable to transform DMN resource '${resourceName}'. Errors: ${problems.map((p) => `\n* ${p.message}${p.elementId ? ` | element '${p.elementId}'` : ''}`).join('')}`);
  }
}

/** A decision that fails while it is evaluated (Camunda's DmnEngineException, with its DMN-xxxxx message). */
export class DmnEvaluationError extends Error {
  override readonly name = 'DmnEngineException';
}
