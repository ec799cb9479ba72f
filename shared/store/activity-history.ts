/**
 * Historic activity instances (Camunda's ACT_HI_ACTINST), written from the engine's activityStart
 * and activityEnd events in the instance's own transaction. Each one is two items under its own
 * partition, both plain puts, written after the instance's query items (a change too large for one
 * transaction moves them, not those, to its later writes): `START`
 * at its start (in the instance's history partition of gsi2, and sharded by time in gsi1) and `END`
 * when it ends. A read of the partition (or of the instance's history) joins them.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { ActivityInstanceState, ProcessInstanceState } from '../engine/state.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import { TreeIndex } from '../engine/tree-index.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';

export const activityHistoryKeys = {
  start: (id: string) => ({ pk: `HAI#${id}`, sk: 'START' }),
  end: (id: string) => ({ pk: `HAI#${id}`, sk: 'END' }),
  /** gsi2: an instance's activity history, by start time. */
  ofInstance: (processInstanceId: string) => `HAIPI#${processInstanceId}`,
};

/** What a historic activity instance shows (Camunda's HistoricActivityInstanceDto, without the derived fields). */
export interface HistoricActivityRecord {
  id: string;
  parentActivityInstanceId: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processInstanceId: string;
  rootProcessInstanceId: string;
  executionId: string;
  taskId: string | null;
  assignee: string | null;
  calledProcessInstanceId: string | null;
  tenantId: string | null;
  startTime: number;
  endTime: number | null;
  canceled: boolean;
  /** The start time and the start's place among the operation's events: the order activities began in (Camunda's occurrence). */
  occurrence: string;
}

/**
 * The items an operation's events add to the activity history: a START item per activity instance
 * that started, an END item per one that ended. The instance's own scope is no activity instance.
 */
export function activityHistoryItems(events: readonly EngineEvent[], before: ProcessInstanceState | undefined, after: ProcessInstanceState, model: ProcessModel, layout: IndexLayout): Item[] {
  const lifecycle = events.filter((e) => e.type === 'activityStart' || e.type === 'activityEnd');
  if (lifecycle.length === 0) return [];
  const nodesAfter = new TreeIndex(after.root);
  const nodesBefore = before ? new TreeIndex(before.root) : undefined;
  const nodeOf = (id: string): ActivityInstanceState | undefined => nodesAfter.get(id) ?? nodesBefore?.get(id);
  const items: Item[] = [];
  for (const [index, event] of lifecycle.entries()) {
    if (event.type === 'activityStart') {
      if (event.activityInstanceId === after.id || nodeOf(event.activityInstanceId)?.eventScope) continue;
      const node = nodeOf(event.activityInstanceId);
      const definition = model.nodes.get(event.activityId);
      const record: HistoricActivityRecord = {
        id: event.activityInstanceId,
        parentActivityInstanceId: event.parentActivityInstanceId,
        activityId: event.activityId,
        activityName: definition?.name ?? null,
        activityType: definition?.activityType ?? 'unknown',
        processDefinitionKey: after.definitionKey,
        processDefinitionId: after.definitionId,
        processInstanceId: after.id,
        rootProcessInstanceId: after.caller?.rootProcessInstanceId ?? after.id,
        executionId: executionIdOf({ id: event.activityInstanceId, activityId: event.activityId }, after.id),
        taskId: node?.task?.id ?? null,
        assignee: node?.task?.assignee ?? null,
        calledProcessInstanceId: node?.calledInstanceId ?? null,
        tenantId: after.tenantId ?? null,
        startTime: event.time,
        endTime: null,
        canceled: false,
        occurrence: `${timeKey(event.time)}#${String(index).padStart(6, '0')}`,
      };
      const started = `${record.occurrence}#${event.activityInstanceId}`;
      items.push({
        ...activityHistoryKeys.start(event.activityInstanceId),
        kind: 'historicActivity',
        ...record,
        gsi1pk: shardKey('HAI', event.activityInstanceId, layout),
        gsi1sk: started,
        gsi2pk: activityHistoryKeys.ofInstance(after.id),
        gsi2sk: `${started}#START`,
      });
    } else {
      const node = nodeOf(event.activityInstanceId);
      if (event.activityInstanceId === after.id || node?.eventScope) continue;
      items.push({
        ...activityHistoryKeys.end(event.activityInstanceId),
        kind: 'historicActivityEnd',
        id: event.activityInstanceId,
        endTime: event.time,
        canceled: event.canceled,
        // The task and its assignee as they were at the end (the assignee may have changed).
        taskId: node?.task?.id ?? null,
        assignee: node?.task?.assignee ?? null,
        calledProcessInstanceId: node?.calledInstanceId ?? null,
        gsi2pk: activityHistoryKeys.ofInstance(after.id),
        gsi2sk: `END#${event.activityInstanceId}`,
      });
    }
  }
  return items;
}

/** A START item joined with its END item, if any. */
export function joinActivityHistory(start: Item, end: Item | undefined): HistoricActivityRecord {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = start;
  const joined = record as unknown as HistoricActivityRecord;
  if (!end) return joined;
  return {
    ...joined,
    endTime: end.endTime as number,
    canceled: end.canceled === true,
    taskId: (end.taskId as string | null) ?? joined.taskId,
    assignee: (end.assignee as string | null) ?? joined.assignee,
    calledProcessInstanceId: (end.calledProcessInstanceId as string | null) ?? joined.calledProcessInstanceId,
  };
}
