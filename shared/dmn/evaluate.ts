/**
 * Evaluates a decision of a DMN resource as Camunda 7's DMN engine does (DefaultDmnDecisionContext,
 * DecisionTableEvaluationHandler, DecisionLiteralExpressionEvaluationHandler): its required
 * decisions first, each once, their results merged into the variables; then the decision itself.
 * Pure: no I/O, no clock.
 */
import { DmnEvaluationError } from './errors.ts';
import { type Context, evaluateExpression, inputEntryMatches } from './expressions.ts';
import { applyHitPolicy, type MatchedRule, type ResultEntry } from './hit-policies.ts';
import { isJuel } from './languages.ts';
import type { DecisionModel, DecisionRequirementsModel, DecisionTableModel, DmnExpression, LiteralExpressionModel } from './model.ts';
import { type DecisionValue, plainValue, type TypedInput, transform } from './values.ts';

export type { ResultEntry } from './hit-policies.ts';

/** A decision's result: one list of named values per rule result (Camunda's DmnDecisionResult). */
export type DecisionResult = (readonly ResultEntry[])[];

/** An input clause's value as the decision saw it. */
export interface EvaluatedInput {
  readonly clauseId: string;
  readonly clauseName: string | null;
  readonly value: DecisionValue;
}

/** One output entry of a matching rule, or a literal expression's value (no clause, no rule). */
export interface EvaluatedOutput {
  readonly clauseId: string | null;
  readonly clauseName: string | null;
  readonly ruleId: string | null;
  /** The rule's place among the matching rules, from 1. */
  readonly ruleOrder: number | null;
  readonly variableName: string | null;
  readonly value: DecisionValue;
}

/**
 * What one decision's evaluation leaves in the history (Camunda's DmnDecisionLogicEvaluationEvent as
 * DefaultDmnHistoryEventProducer records it): the input values, every matching rule's outputs
 * (before the hit policy picks), and a COLLECT aggregate as a double.
 */
export interface EvaluatedDecision {
  readonly decisionKey: string;
  readonly inputs: readonly EvaluatedInput[];
  readonly outputs: readonly EvaluatedOutput[];
  readonly collectResultValue: number | null;
}

/** A decision's result and its evaluations: the decision itself first, then its required decisions in the order they ran. */
export interface TracedEvaluation {
  readonly result: DecisionResult;
  readonly evaluated: readonly EvaluatedDecision[];
}

export function evaluateDecision(drg: DecisionRequirementsModel, decisionId: string, variables: Readonly<Record<string, TypedInput>>): DecisionResult {
  return evaluateDecisionTraced(drg, decisionId, variables).result;
}

export function evaluateDecisionTraced(drg: DecisionRequirementsModel, decisionId: string, variables: Readonly<Record<string, TypedInput>>): TracedEvaluation {
  const byId = new Map(drg.decisions.map((decision) => [decision.id, decision]));
  const root = byId.get(decisionId);
  if (!root) throw new DmnEvaluationError(`Decision '${decisionId}' is not in the resource`);
  const context: Record<string, unknown> = Object.fromEntries(Object.entries(variables).map(([name, typed]) => [name, plainValue(typed)]));
  const scope = { context, variables };
  const required: EvaluatedDecision[] = [];
  for (const decision of requiredFirst(root, byId)) {
    const { result, evaluated } = evaluateOne(decision, scope);
    required.push(evaluated);
    mergeResult(context, decision, result);
  }
  const { result, evaluated } = evaluateOne(root, scope);
  return { result, evaluated: [evaluated, ...required] };
}

/** What a decision's expressions see: plain values by name, and the typed variables they came from. */
interface Scope {
  readonly context: Context;
  readonly variables: Readonly<Record<string, TypedInput>>;
}

/** A value of an output or literal expression: typed by the clause, or untyped with its number's Java class. */
function resultValue(expression: DmnExpression, typeRef: string | null, scope: Scope): DecisionValue {
  const raw = evaluateExpression(expression, scope.context);
  const value = transform(raw, typeRef);
  if (value.type !== null || typeof raw !== 'number') return value;
  const named = isJuel(expression.language) ? /^[$#]\{\s*([A-Za-z_$][\w$]*)\s*\}$/.exec(expression.text)?.[1] : undefined;
  const variableType = named === undefined ? undefined : scope.variables[named]?.type;
  const numberType = variableType === 'Integer' ? 'Integer' : variableType === 'Double' ? 'Double' : Number.isInteger(raw) ? 'Long' : 'Double';
  return { ...value, numberType };
}

/** The required decisions of `root`, each once, every one after those it requires (post-order). */
function requiredFirst(root: DecisionModel, byId: ReadonlyMap<string, DecisionModel>): DecisionModel[] {
  const order: DecisionModel[] = [];
  const seen = new Set<string>([root.id]);
  const visit = (decision: DecisionModel) => {
    for (const id of decision.requiredDecisions) {
      const required = byId.get(id);
      if (!required || seen.has(id)) continue;
      seen.add(id);
      visit(required);
      order.push(required);
    }
  };
  visit(root);
  return order;
}

function evaluateOne(decision: DecisionModel, scope: Scope): { result: DecisionResult; evaluated: EvaluatedDecision } {
  const traced = decision.logic.kind === 'decisionTable' ? evaluateTable(decision.logic, scope) : evaluateLiteral(decision.logic, scope);
  return { result: traced.result, evaluated: { decisionKey: decision.id, ...traced.trace } };
}

type Trace = Omit<EvaluatedDecision, 'decisionKey'>;

function evaluateTable(table: DecisionTableModel, scope: Scope): { result: DecisionResult; trace: Trace } {
  const { context } = scope;
  let candidates = table.rules.map((rule, index) => ({ rule, index }));
  const inputs: EvaluatedInput[] = [];
  table.inputs.forEach((input, i) => {
    const value = input.expression.text === '' ? transform(null, input.typeRef) : transform(evaluateExpression(input.expression, context), input.typeRef);
    inputs.push({ clauseId: input.id, clauseName: input.label, value });
    const cell = { variable: input.inputVariable, value: plainValue(value) };
    candidates = candidates.filter(({ rule }) => inputEntryMatches(rule.inputEntries[i]!, cell, context));
  });
  const outputs: EvaluatedOutput[] = [];
  const matched: MatchedRule[] = candidates.map(({ rule }, order) => ({
    id: rule.id,
    // Output entries see the variables only (not the input values); an empty entry gives no output.
    entries: table.outputs.flatMap((output, i) => {
      const entry = rule.outputEntries[i]!;
      if (entry.text === '') return [];
      const value = resultValue(entry, output.typeRef, scope);
      outputs.push({ clauseId: output.id, clauseName: output.label, ruleId: rule.id, ruleOrder: order + 1, variableName: output.name, value });
      return [{ name: output.name, value }];
    }),
  }));
  const result = applyHitPolicy(table.hitPolicy, table.aggregation, matched);
  const aggregate = table.hitPolicy === 'COLLECT' && table.aggregation !== null && result.length === 1 ? result[0]![0]?.value.value : undefined;
  return { result, trace: { inputs, outputs, collectResultValue: typeof aggregate === 'number' ? aggregate : null } };
}

function evaluateLiteral(literal: LiteralExpressionModel, scope: Scope): { result: DecisionResult; trace: Trace } {
  const value = resultValue(literal.expression, literal.typeRef, scope);
  // Camunda records a literal expression's value as one output without clause or rule.
  const output: EvaluatedOutput = { clauseId: null, clauseName: null, ruleId: null, ruleOrder: null, variableName: literal.variableName, value };
  return { result: [[{ name: literal.variableName, value }]], trace: { inputs: [], outputs: [output], collectResultValue: null } };
}

/**
 * A required decision's result as variables of the decisions that need it: a single result's
 * values by name; several (or COLLECT and RULE ORDER, whatever their count) each name's values as a list.
 */
function mergeResult(context: Record<string, unknown>, decision: DecisionModel, result: DecisionResult): void {
  if (result.length === 0) return;
  const logic = decision.logic;
  const listed = logic.kind === 'decisionTable' && ((logic.hitPolicy === 'COLLECT' && !logic.aggregation) || logic.hitPolicy === 'RULE ORDER');
  if (result.length === 1 && !listed) {
    for (const entry of result[0]!) if (entry.name !== null) context[entry.name] = plainValue(entry.value);
    return;
  }
  const names = new Set(result.flatMap((entries) => entries.map((entry) => entry.name)));
  for (const name of names) {
    if (name === null) continue;
    context[name] = result.flatMap((entries) => entries.filter((entry) => entry.name === name).map((entry) => plainValue(entry.value)));
  }
}
