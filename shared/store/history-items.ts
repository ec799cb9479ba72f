import type { ProcessModel } from '../bpmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { keys, timeKey } from './keys.ts';
import type { Item } from './projections.ts';

/** The fields of a historic process instance row (Camunda's HistoricProcessInstanceDto, as stored). */
export interface HistoricInstanceRecord {
  id: string;
  businessKey: string | null;
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionName: string | null;
  startTime: number;
  endTime: number | null;
  state: string;
  tenantId: string | null;
  startActivityId: string | null;
  /** The caller, for an instance a call activity started; the top of its call hierarchy (itself when none). */
  superProcessInstanceId?: string | null;
  rootProcessInstanceId?: string;
}

/** The historic process instance row: written at start, rewritten when the instance ends or its business key changes. */
export function historicInstanceItem(state: ProcessInstanceState, model: ProcessModel, layout: IndexLayout): Item {
  return historyItemOf(
    {
      id: state.id,
      businessKey: state.businessKey ?? null,
      processDefinitionId: state.definitionId,
      processDefinitionKey: state.definitionKey,
      processDefinitionName: model.name ?? null,
      startTime: state.startTime,
      endTime: state.endTime ?? null,
      // Camunda's history shows a suspended running instance as SUSPENDED.
      state: state.status === 'ACTIVE' && state.suspended ? 'SUSPENDED' : state.status,
      tenantId: state.tenantId ?? null,
      startActivityId: state.startActivityId ?? model.initialStartEventId ?? null,
      superProcessInstanceId: state.caller?.processInstanceId ?? null,
      rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    },
    layout,
  );
}

/** The row of a record under the layout's index keys (also how `migrate-keys` re-keys stored rows). */
export function historyItemOf(record: HistoricInstanceRecord, layout: IndexLayout): Item {
  const { id } = record;
  const started = `${timeKey(record.startTime)}#${id}`;
  const ended = record.endTime === null ? undefined : `${timeKey(record.endTime)}#${id}`;
  return {
    ...keys.historicInstance(id),
    kind: 'historicInstance',
    ...record,
    gsi1pk: shardKey('HPI', id, layout),
    gsi1sk: started,
    gsi2pk: shardKey(`HPIDEF#${record.processDefinitionId}`, id, layout),
    gsi2sk: started,
    // Finished instances by end time (history cleanup, end-time order); running ones are not in it.
    gsi3pk: ended === undefined ? undefined : shardKey('HPIEND', id, layout),
    gsi3sk: ended,
    gsi4pk: shardKey(`HPIKEY#${record.processDefinitionKey}`, id, layout),
    gsi4sk: started,
  };
}
