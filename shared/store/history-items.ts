import type { ProcessModel } from '../bpmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { keys, timeKey } from './keys.ts';
import type { Item } from './projections.ts';

/** The historic process instance row: written at start, rewritten when the instance ends. */
export function historicInstanceItem(state: ProcessInstanceState, model: ProcessModel): Item {
  return {
    ...keys.historicInstance(state.id),
    kind: 'historicInstance',
    id: state.id,
    businessKey: state.businessKey ?? null,
    processDefinitionId: state.definitionId,
    processDefinitionKey: state.definitionKey,
    processDefinitionName: model.name ?? null,
    startTime: state.startTime,
    endTime: state.endTime ?? null,
    state: state.status,
    tenantId: state.tenantId ?? null,
    startActivityId: model.root.noneStartEventId ?? null,
    gsi1pk: 'HPI',
    gsi1sk: `${timeKey(state.startTime)}#${state.id}`,
    gsi2pk: `HPIDEF#${state.definitionId}`,
    gsi2sk: `${timeKey(state.startTime)}#${state.id}`,
  };
}
