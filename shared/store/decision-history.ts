/**
 * Historic decision instances (Camunda's ACT_HI_DECINST with its inputs and outputs): one item per
 * evaluated decision, its inputs and outputs inline. Those a business-rule task evaluated are
 * written in the instance's own transaction, from the operation's decisionEvaluated events, and
 * indexed by the instance too (gsi2); those evaluated over REST are written on their own. Every
 * one is in the time-sharded index of all decision history (gsi1).
 */
import type { DecisionValue } from '../dmn/values.ts';
import type { DecisionEvaluation } from '../engine/environment.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';

export const decisionHistoryKeys = {
  item: (id: string) => ({ pk: `HDI#${id}`, sk: 'DECISION' }),
  /** gsi1, sharded: every historic decision instance, by evaluation time. */
  all: 'HDI',
  /** gsi2: the decisions an instance's business-rule tasks evaluated. */
  ofInstance: (processInstanceId: string) => `HDIPI#${processInstanceId}`,
};

/** A value as history keeps it: Camunda's type name (an untyped value's own) and the value. */
export interface HistoricDecisionValue {
  type: string;
  value: unknown;
}

export interface HistoricDecisionInputRecord {
  id: string;
  clauseId: string;
  clauseName: string | null;
  value: HistoricDecisionValue;
}

export interface HistoricDecisionOutputRecord {
  id: string;
  clauseId: string | null;
  clauseName: string | null;
  ruleId: string | null;
  ruleOrder: number | null;
  variableName: string | null;
  value: HistoricDecisionValue;
}

/** What a historic decision instance shows (Camunda's HistoricDecisionInstanceDto, without derived fields). */
export interface HistoricDecisionRecord {
  id: string;
  decisionDefinitionId: string;
  decisionDefinitionKey: string;
  decisionDefinitionName: string | null;
  evaluationTime: number;
  processDefinitionId: string | null;
  processDefinitionKey: string | null;
  processInstanceId: string | null;
  rootProcessInstanceId: string | null;
  activityId: string | null;
  activityInstanceId: string | null;
  tenantId: string | null;
  userId: string | null;
  /** Null for the decision evaluated; the decisions it required name it. */
  rootDecisionInstanceId: string | null;
  decisionRequirementsDefinitionId: string | null;
  decisionRequirementsDefinitionKey: string | null;
  collectResultValue: number | null;
  inputs: HistoricDecisionInputRecord[];
  outputs: HistoricDecisionOutputRecord[];
}

/** Where and by whom the decisions were evaluated. */
export interface EvaluationOrigin {
  time: number;
  /** The business-rule task's instance: absent for an evaluation over REST. */
  instance?: Pick<ProcessInstanceState, 'id' | 'definitionId' | 'definitionKey' | 'tenantId' | 'caller'>;
  activityId?: string;
  activityInstanceId?: string;
  /** The authenticated user of an evaluation over REST (Camunda records none for a process's). */
  userId?: string | null;
}

/**
 * An untyped value (a clause without typeRef) as Camunda's variable serializers store it: typed by
 * its Java class (a FEEL whole number is a Long).
 */
function historicValue(value: DecisionValue): HistoricDecisionValue {
  if (value.type !== null) return { type: value.type, value: value.value };
  const raw = value.value;
  if (raw === null || raw === undefined) return { type: 'Null', value: null };
  if (typeof raw === 'string') return { type: 'String', value: raw };
  if (typeof raw === 'boolean') return { type: 'Boolean', value: raw };
  if (typeof raw === 'number') return { type: value.numberType ?? (Number.isInteger(raw) ? 'Long' : 'Double'), value: raw };
  if (raw instanceof Date) return { type: 'Date', value: raw.toISOString() };
  return { type: 'Object', value: JSON.parse(JSON.stringify(raw)) };
}

/** The records of one evaluation: the decision itself first, then those it required, which name it as their root. */
export function decisionHistoryRecords(evaluations: readonly (DecisionEvaluation & { id: string })[], origin: EvaluationOrigin, newId: () => string): HistoricDecisionRecord[] {
  const rootId = evaluations[0]?.id ?? null;
  const { instance } = origin;
  return evaluations.map(({ id, definition, evaluated }) => ({
    id,
    decisionDefinitionId: definition.id,
    decisionDefinitionKey: definition.key,
    decisionDefinitionName: definition.name,
    evaluationTime: origin.time,
    processDefinitionId: instance?.definitionId ?? null,
    processDefinitionKey: instance?.definitionKey ?? null,
    processInstanceId: instance?.id ?? null,
    rootProcessInstanceId: instance ? (instance.caller?.rootProcessInstanceId ?? instance.id) : null,
    activityId: origin.activityId ?? null,
    activityInstanceId: origin.activityInstanceId ?? null,
    // Camunda's DefaultDmnHistoryEventProducer: the execution's tenant, else the decision's.
    tenantId: instance?.tenantId ?? definition.tenantId,
    userId: instance ? null : (origin.userId ?? null),
    rootDecisionInstanceId: id === rootId ? null : rootId,
    decisionRequirementsDefinitionId: definition.decisionRequirementsDefinitionId,
    decisionRequirementsDefinitionKey: definition.decisionRequirementsDefinitionKey,
    collectResultValue: evaluated.collectResultValue,
    inputs: evaluated.inputs.map((input) => ({ id: newId(), clauseId: input.clauseId, clauseName: input.clauseName, value: historicValue(input.value) })),
    outputs: evaluated.outputs.map((output) => ({
      id: newId(),
      clauseId: output.clauseId,
      clauseName: output.clauseName,
      ruleId: output.ruleId,
      ruleOrder: output.ruleOrder,
      variableName: output.variableName,
      value: historicValue(output.value),
    })),
  }));
}

export function decisionHistoryItem(record: HistoricDecisionRecord, layout: IndexLayout): Item {
  return {
    ...decisionHistoryKeys.item(record.id),
    kind: 'historicDecision',
    ...record,
    // As JSON text: a value may nest deeper than the 32 levels DynamoDB allows in a map.
    inputs: JSON.stringify(record.inputs),
    outputs: JSON.stringify(record.outputs),
    gsi1pk: shardKey(decisionHistoryKeys.all, record.id, layout),
    gsi1sk: `${timeKey(record.evaluationTime)}#${record.id}`,
    ...(record.processInstanceId ? { gsi2pk: decisionHistoryKeys.ofInstance(record.processInstanceId), gsi2sk: `${timeKey(record.evaluationTime)}#${record.id}` } : {}),
  };
}

/** The items an operation's decisionEvaluated events add to the decision history. */
export function decisionHistoryItems(events: readonly EngineEvent[], instance: ProcessInstanceState, layout: IndexLayout, newId: () => string): Item[] {
  return events.flatMap((event) =>
    event.type === 'decisionEvaluated'
      ? decisionHistoryRecords(event.decisions, { time: event.time, instance, activityId: event.activityId, activityInstanceId: event.activityInstanceId }, newId).map((record) =>
          decisionHistoryItem(record, layout),
        )
      : [],
  );
}

export function historicDecisionOf(item: Item): HistoricDecisionRecord {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, inputs, outputs, ...record } = item;
  return { ...(record as unknown as HistoricDecisionRecord), inputs: JSON.parse(inputs as string), outputs: JSON.parse(outputs as string) };
}
