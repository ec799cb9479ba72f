/**
 * Limits on what an uploaded model may hold (docs/operations.md, issue 19): models come from users,
 * and a pathological one must be refused with a 400 naming the limit, not exhaust a Lambda. They
 * apply when a model is deployed; a deployed model is parsed again without them.
 */
export interface BpmnLimits {
  /** Flow elements and sequence flows of one process, sub-processes included. */
  readonly maxElements: number;
  /** Sub-processes nested in each other. */
  readonly maxScopeDepth: number;
  /** Characters of one expression (conditions, assignees, implementations, I/O parameters, …). */
  readonly maxExpressionLength: number;
}

export const DEFAULT_BPMN_LIMITS: BpmnLimits = { maxElements: 10_000, maxScopeDepth: 50, maxExpressionLength: 10_000 };

export const UNLIMITED_BPMN_LIMITS: BpmnLimits = { maxElements: Number.POSITIVE_INFINITY, maxScopeDepth: Number.POSITIVE_INFINITY, maxExpressionLength: Number.POSITIVE_INFINITY };
