/**
 * Camunda 7's hit policy handlers (engine-dmn's impl/hitpolicy): what the matched rules of a
 * decision table give as its result, with the DMN-03xxx errors of DmnHitPolicyLogger.
 */
import { DmnEvaluationError } from './errors.ts';
import type { Aggregation, HitPolicy } from './model.ts';
import type { DecisionValue } from './values.ts';

/** One output of a matched rule (only outputs whose entry is not empty). */
export interface ResultEntry {
  readonly name: string | null;
  readonly value: DecisionValue;
}

export interface MatchedRule {
  readonly id: string;
  readonly entries: readonly ResultEntry[];
}

const ruleList = (rules: readonly MatchedRule[]) => `[${rules.map((rule) => `DmnEvaluatedDecisionRuleImpl{id='${rule.id}'}`).join(', ')}]`;

const sameEntries = (a: readonly ResultEntry[], b: readonly ResultEntry[]) =>
  a.length === b.length && a.every((entry, i) => entry.name === b[i]!.name && entry.value.type === b[i]!.value.type && JSON.stringify(entry.value.value) === JSON.stringify(b[i]!.value.value));

/** The result of a decision table: one entry list per rule kept, or a single aggregate. */
export function applyHitPolicy(hitPolicy: HitPolicy, aggregation: Aggregation | null, matched: readonly MatchedRule[]): (readonly ResultEntry[])[] {
  switch (hitPolicy) {
    case 'UNIQUE':
      if (matched.length > 1) throw new DmnEvaluationError(`DMN-03001 Hit policy 'UNIQUE' only allows a single rule to match. Actually match rules: '${ruleList(matched)}'.`);
      return matched.map((rule) => rule.entries);
    case 'FIRST':
      return matched.slice(0, 1).map((rule) => rule.entries);
    case 'ANY':
      if (matched.some((rule) => !sameEntries(rule.entries, matched[0]!.entries))) {
        throw new DmnEvaluationError(`DMN-03002 Hit policy 'ANY' only allows multiple matching rules with equal output. Matching rules: '${ruleList(matched)}'.`);
      }
      return matched.slice(0, 1).map((rule) => rule.entries);
    case 'COLLECT':
      return aggregation ? aggregate(aggregation, matched) : matched.map((rule) => rule.entries);
    default:
      // RULE ORDER (parsing refuses the policies Camunda has no handler for).
      return matched.map((rule) => rule.entries);
  }
}

/** COLLECT with an aggregator: one entry named by the first rule that has an output, or none when no value was collected. */
function aggregate(aggregation: Aggregation, matched: readonly MatchedRule[]): (readonly ResultEntry[])[] {
  const withOutput = matched.filter((rule) => rule.entries.length > 0);
  const compound = withOutput.find((rule) => rule.entries.length > 1);
  if (compound) {
    const entries = `{${compound.entries.map((entry) => `${entry.name}=${String(entry.value.value)}`).join(', ')}}`;
    throw new DmnEvaluationError(`DMN-03003 Unable to execute aggregation '${aggregation}' on compound decision output '${entries}'. Only one output entry allowed.`);
  }
  const name = withOutput[0]?.entries[0]?.name ?? null;
  if (aggregation === 'COUNT') return [[{ name, value: { type: 'Integer', value: withOutput.length } }]];
  const values = withOutput.map((rule) => rule.entries[0]!.value);
  // Nothing collected: Camunda's result is then one (empty) result per matched rule, none without a match.
  if (values.length === 0) return matched.map((rule) => rule.entries);
  const numbers = numericValues(values);
  const result = aggregation === 'SUM' ? numbers.values.reduce((sum, value) => sum + value, 0) : aggregation === 'MIN' ? Math.min(...numbers.values) : Math.max(...numbers.values);
  return [[{ name, value: { type: numbers.type, value: result } }]];
}

/**
 * Camunda tries Integer, then Long, then Double for all values at once: typed values must be of
 * that type; untyped ones must convert (an untyped whole number is a Java Long, as FEEL gives it).
 */
function numericValues(values: readonly DecisionValue[]): { type: 'Integer' | 'Long' | 'Double'; values: number[] } {
  const untypedNumber = (value: DecisionValue) => (typeof value.value === 'number' ? value.value : typeof value.value === 'string' && value.value.trim() !== '' ? Number(value.value) : Number.NaN);
  // Long.valueOf(value.toString()): a Java Double (2.0 prints as "2.0") or a text with a fraction is no Long.
  const untypedLong = (value: DecisionValue) =>
    (typeof value.value === 'number' && value.numberType !== 'Double') || (typeof value.value === 'string' && /^[+-]?\d+$/.test(value.value)) ? untypedNumber(value) : Number.NaN;
  if (values.every((value) => value.type === 'Integer' || (value.type === null && value.numberType === 'Integer'))) return { type: 'Integer', values: values.map((value) => value.value as number) };
  const asLong = values.map((value) => (value.type === 'Long' ? (value.value as number) : value.type === null ? untypedLong(value) : Number.NaN));
  if (asLong.every((value) => Number.isInteger(value))) return { type: 'Long', values: asLong };
  const asDouble = values.map((value) => (value.type === 'Double' ? (value.value as number) : value.type === null ? untypedNumber(value) : Number.NaN));
  if (asDouble.every((value) => !Number.isNaN(value))) return { type: 'Double', values: asDouble };
  throw new DmnEvaluationError(
    `DMN-03004 Unable to convert value '[${values.map((value) => String(value.value)).join(', ')}]' to a support aggregatable type '[class java.lang.Integer, class java.lang.Long, class java.lang.Double]'.`,
  );
}
