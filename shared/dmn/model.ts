/**
 * A DMN resource as the engine evaluates it: plain, immutable, JSON-safe data built once per
 * deployment by parse-dmn.ts (Camunda's DmnDecisionRequirementsGraph with its decisions).
 */

/** An expression with its language; null is the default, FEEL (Camunda 7.13+'s DefaultDmnEngineConfiguration). */
export interface DmnExpression {
  readonly text: string;
  readonly language: string | null;
}

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

export interface DecisionTableInput {
  readonly id: string;
  readonly label: string | null;
  readonly expression: DmnExpression;
  readonly typeRef: string | null;
  /** The name its input entries see the input value by (camunda:inputVariable, default `cellInput`). */
  readonly inputVariable: string;
}

export interface DecisionTableOutput {
  readonly id: string;
  readonly label: string | null;
  readonly name: string | null;
  readonly typeRef: string | null;
}

export interface DecisionRule {
  readonly id: string;
  readonly inputEntries: readonly DmnExpression[];
  readonly outputEntries: readonly DmnExpression[];
}

export interface DecisionTableModel {
  readonly kind: 'decisionTable';
  readonly hitPolicy: HitPolicy;
  readonly aggregation: Aggregation | null;
  readonly inputs: readonly DecisionTableInput[];
  readonly outputs: readonly DecisionTableOutput[];
  readonly rules: readonly DecisionRule[];
}

export interface LiteralExpressionModel {
  readonly kind: 'literalExpression';
  /** The decision's `<variable>`: the name and type of its single result entry. */
  readonly variableName: string | null;
  readonly typeRef: string | null;
  readonly expression: DmnExpression;
}

export interface DecisionModel {
  readonly id: string;
  readonly name: string | null;
  readonly versionTag: string | null;
  readonly historyTimeToLive: number | null;
  /** Ids of the decisions whose results this one reads (`informationRequirement/requiredDecision`). */
  readonly requiredDecisions: readonly string[];
  readonly logic: DecisionTableModel | LiteralExpressionModel;
}

/** One DMN resource: its `definitions` (the decision requirements graph) and every decision in it. */
export interface DecisionRequirementsModel {
  readonly id: string;
  readonly name: string | null;
  readonly namespace: string | null;
  readonly decisions: readonly DecisionModel[];
}
