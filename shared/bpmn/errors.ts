/** One problem found while turning BPMN XML into a process model. */
export interface BpmnProblem {
  readonly elementId?: string;
  readonly message: string;
}

/**
 * A deployment is refused as a whole: the message lists every problem, each naming its element,
 * in the shape of Camunda's ENGINE-09005 parse error so clients that match on it keep working.
 */
export class BpmnParseError extends Error {
  override readonly name = 'ParseException';
  constructor(
    readonly resourceName: string,
    readonly problems: readonly BpmnProblem[],
  ) {
    super(`ENGINE-09005 Could not parse BPMN process. Errors: ${problems.map((p) => `\n* ${p.message}${p.elementId ? ` | element '${p.elementId}'` : ''} | resource ${resourceName}`).join('')}`);
  }
}
