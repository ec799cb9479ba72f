/**
 * A decision's result as a business-rule task's result variable (Camunda's DecisionResultMapper
 * implementations), with the ENGINE-22001/22002 errors of its DecisionLogger.
 */
import type { DecisionResultMapping } from '../bpmn/task-nodes.ts';
import type { DecisionResult, ResultEntry } from '../dmn/evaluate.ts';
import { type DecisionValue, plainValue } from '../dmn/values.ts';
import type { TypedValue } from './state.ts';
import { toTypedValue } from './typed-values.ts';

const MAPPER_NAMES: Record<DecisionResultMapping, string> = {
  singleEntry: 'SingleEntryDecisionResultMapper',
  singleResult: 'SingleResultDecisionResultMapper',
  collectEntries: 'CollectEntriesDecisionResultMapper',
  resultList: 'ResultListDecisionResultMapper',
};

/** A result printed roughly as Camunda's toString does it, for the error messages. */
const show = (result: DecisionResult) => `[${result.map((entries) => `{${entries.map((e) => `${e.name}=${String(e.value.value)}`).join(', ')}}`).join(', ')}]`;

const mappingFailure = (mapping: DecisionResultMapping, result: DecisionResult, cause: string) =>
  Object.assign(new Error(`ENGINE-22001 The decision result mapper '${MAPPER_NAMES[mapping]}' failed to process '${show(result)}'`), { cause: new Error(cause) });

/** An untyped value takes the type its Java value would have: FEEL's whole numbers are Longs. */
export function typedResultValue(value: DecisionValue): TypedValue {
  if (value.type !== null) return { type: value.type, value: value.value };
  if (typeof value.value === 'number') {
    const type = value.numberType ?? (Number.isInteger(value.value) ? 'Long' : 'Double');
    return { type, value: value.value };
  }
  return toTypedValue(value.value);
}

const entryMap = (entries: readonly ResultEntry[]) => Object.fromEntries(entries.map((e) => [String(e.name), plainValue(e.value)]));

export function mapDecisionResult(result: DecisionResult, mapping: DecisionResultMapping): TypedValue {
  switch (mapping) {
    case 'singleEntry': {
      if (result.length > 1) throw mappingFailure(mapping, result, `DMN-01011 Unable to get single decision result as it has more than one result '${show(result)}'`);
      const entries = result[0] ?? [];
      if (entries.length > 1) throw mappingFailure(mapping, result, `DMN-01010 Unable to get single decision result entry as it has more than one entry '${show(result)}'`);
      return entries[0] ? typedResultValue(entries[0].value) : { type: 'Null', value: null };
    }
    case 'singleResult':
      if (result.length > 1) throw mappingFailure(mapping, result, `DMN-01011 Unable to get single decision result as it has more than one result '${show(result)}'`);
      return result[0] ? toTypedValue(entryMap(result[0])) : { type: 'Null', value: null };
    case 'collectEntries': {
      const names = new Set(result.flatMap((entries) => entries.map((e) => e.name)));
      if (names.size > 1) {
        throw new Error(
          `ENGINE-22002 The decision result mapper '${MAPPER_NAMES[mapping]}' failed to process '${show(result)}'. The decision outputs should only contains values for one output name but found '[${[...names].join(', ')}]'.`,
        );
      }
      return toTypedValue(result.flatMap((entries) => entries.map((e) => plainValue(e.value))));
    }
    default:
      return toTypedValue(result.map(entryMap));
  }
}
