/**
 * Camunda's variable filters of a query (its VariableQueryParameterDto): `name_operator_value`
 * expressions, comma separated, in a query string; `[{name, operator, value}]` in a POST body. The
 * operators a query accepts are its own (an execution's `processVariables` only `eq` and `neq`).
 */
import * as z from 'zod/v4';
import type { VariableCondition } from '../app/variable-conditions.ts';
import { notValid } from '../engine/errors.ts';
import { invalidRequest } from './errors.ts';

type Operator = VariableCondition['operator'];

/** How Camunda's engine names an operator that Booleans and nulls cannot use. */
const COMPARISON_NAMES: Partial<Record<Operator, string>> = {
  gt: 'greater than',
  gteq: 'greater than or equal',
  lt: 'less than',
  lteq: 'less than or equal',
  like: 'like',
};

function checked(condition: { name: string; operator: string; value: unknown }, allowed: readonly Operator[], invalidComparator: string): VariableCondition {
  if (!(allowed as readonly string[]).includes(condition.operator)) throw invalidRequest(`${invalidComparator}: ${condition.operator}`);
  const operator = condition.operator as Operator;
  // Camunda's `like` compares the value as text (String.valueOf), so a null becomes "null".
  const value = operator === 'like' ? String(condition.value) : condition.value;
  const comparison = COMPARISON_NAMES[operator];
  if (comparison && operator !== 'like' && (value === null || typeof value === 'boolean')) throw notValid(`Booleans and null cannot be used in '${comparison}' condition`);
  return { name: condition.name, operator, value };
}

/** The query string form; undefined when the parameter is absent. */
export function variableConditionsOfQuery(query: Record<string, string | undefined>, parameter: string, allowed: readonly Operator[], invalidComparator: string): VariableCondition[] | undefined {
  const raw = query[parameter];
  if (raw === undefined || raw === '') return undefined;
  return raw.split(',').map((expression) => {
    const parts = expression.split('_');
    if (parts.length !== 3) throw invalidRequest(`Cannot set query parameter '${parameter}' to value '${raw}': variable query parameter has to have format KEY_OPERATOR_VALUE.`);
    const [name, operator, value] = parts as [string, string, string];
    return checked({ name, operator, value }, allowed, invalidComparator);
  });
}

export const VariableConditionList = z.array(z.object({ name: z.string(), operator: z.string(), value: z.unknown() })).nullish();

/** The POST body form (VariableConditionList). */
export function variableConditionsOfBody(conditions: z.infer<typeof VariableConditionList>, allowed: readonly Operator[], invalidComparator: string): VariableCondition[] | undefined {
  return conditions?.map((condition) => checked({ ...condition, value: condition.value ?? null }, allowed, invalidComparator));
}
