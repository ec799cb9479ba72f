/**
 * The historic incidents (Camunda's ACT_HI_INCIDENT): each incident of an instance from its
 * creation to its end, put again in the instance's own transaction whenever an operation creates,
 * changes (its annotation) or ends it, from the incidents as the states before and after hold them.
 * An incident that vanished with its activity instance cancelled (a modification, an interrupting
 * event, the instance's deletion) was deleted; one resolved by new retries, its job or external task
 * succeeding or a client was resolved, as Camunda's history tells them apart (vanishedState).
 */
import type { EngineEvent } from '../engine/events.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, IncidentState, ProcessInstanceState } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { activeNodes, instanceFieldsOf } from './state-walk.ts';

export const incidentHistoryKeys = {
  item: (id: string) => ({ pk: `HINC#${id}`, sk: 'INCIDENT' }),
  all: 'HINC',
  ofInstance: (processInstanceId: string) => `HINCPI#${processInstanceId}`,
};

export type IncidentHistoryState = 'open' | 'resolved' | 'deleted';

/** What a historic incident shows (Camunda's HistoricIncidentDto, without derived fields). */
export interface HistoricIncidentRecord {
  id: string;
  incidentType: string;
  incidentMessage: string | null;
  activityId: string;
  executionId: string;
  /** The failing job or external task, a client's value, or (on a call activity) none. */
  configuration: string | null;
  causeIncidentId: string;
  rootCauseIncidentId: string;
  createTime: number;
  endTime: number | null;
  state: IncidentHistoryState;
  annotation: string | null;
  processInstanceId: string;
  rootProcessInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  tenantId: string | null;
}

interface IncidentAt {
  owner: ActivityInstanceState;
  incident: IncidentState;
}

function incidentsOf(state: ProcessInstanceState | undefined): Map<string, IncidentAt> {
  return new Map(activeNodes(state).flatMap((owner) => (owner.incidents ?? []).map((incident) => [incident.id, { owner, incident }] as const)));
}

/**
 * How the operation ended what it ended: the activity instances it cancelled or completed, the
 * jobs it ran, and whether it terminated the whole instance.
 */
function endings(events: readonly EngineEvent[]) {
  const cancelled = new Set<string>();
  const completed = new Set<string>();
  const executedJobs = new Set<string>();
  let instanceTerminated = false;
  for (const event of events) {
    if (event.type === 'activityEnd') (event.canceled ? cancelled : completed).add(event.activityInstanceId);
    else if (event.type === 'jobExecuted') executedJobs.add(event.jobId);
    else if (event.type === 'processEnd' && event.status !== 'COMPLETED') instanceTerminated = true;
  }
  return { cancelled, completed, executedJobs, instanceTerminated };
}

/**
 * A vanished incident was resolved when its activity instance lives on (new retries, a client's
 * resolution), completed, or its job ran; it was deleted when its activity instance was cancelled,
 * its instance terminated, or its activity instance went otherwise (a cancelled async continuation,
 * whose transition instance ends without an event of its own).
 */
function vanishedState(at: IncidentAt, after: ProcessInstanceState, ended: ReturnType<typeof endings>): IncidentHistoryState {
  if (ended.instanceTerminated || ended.cancelled.has(at.owner.id)) return 'deleted';
  if (activeNodes(after).some((node) => node.id === at.owner.id)) return 'resolved';
  if (ended.completed.has(at.owner.id) || (at.incident.configuration !== undefined && ended.executedJobs.has(at.incident.configuration))) return 'resolved';
  return 'deleted';
}

function recordOf(at: IncidentAt, state: ProcessInstanceState, ended: { time: number; state: IncidentHistoryState } | undefined): HistoricIncidentRecord {
  const { incident, owner } = at;
  return {
    id: incident.id,
    incidentType: incident.type,
    incidentMessage: incident.message ?? null,
    activityId: incident.activityId,
    executionId: executionIdOf(owner, state.id),
    // A call activity's incident stands for its called instance's: Camunda gives it no configuration.
    configuration: incident.causeIncidentId ? null : (incident.configuration ?? null),
    causeIncidentId: incident.causeIncidentId ?? incident.id,
    rootCauseIncidentId: incident.rootCauseIncidentId ?? incident.id,
    createTime: incident.created,
    endTime: ended?.time ?? null,
    state: ended?.state ?? 'open',
    annotation: incident.annotation ?? null,
    ...instanceFieldsOf(state),
  };
}

const sameIncident = (a: IncidentState, b: IncidentState) => a.message === b.message && a.annotation === b.annotation && a.configuration === b.configuration;

/** The historic incidents an operation created, changed or ended, as items to put. */
export function incidentHistoryItems(events: readonly EngineEvent[], before: ProcessInstanceState | undefined, after: ProcessInstanceState, layout: IndexLayout, now: number): Item[] {
  const previous = incidentsOf(before);
  const current = incidentsOf(after);
  if (previous.size === 0 && current.size === 0) return [];
  const records: HistoricIncidentRecord[] = [];
  const ended = endings(events);
  for (const [id, at] of previous) {
    if (current.has(id)) continue;
    records.push(recordOf(at, before!, { time: now, state: vanishedState(at, after, ended) }));
  }
  for (const [id, at] of current) {
    const old = previous.get(id);
    if (!old || !sameIncident(old.incident, at.incident)) records.push(recordOf(at, after, undefined));
  }
  return records.map((record) => historicIncidentItem(record, layout));
}

export function historicIncidentItem(record: HistoricIncidentRecord, layout: IndexLayout): Item {
  const order = `${timeKey(record.createTime)}#${record.id}`;
  const { state, ...fields } = record;
  return {
    ...incidentHistoryKeys.item(record.id),
    kind: 'historicIncident',
    ...fields,
    incidentState: state,
    gsi1pk: shardKey(incidentHistoryKeys.all, record.id, layout),
    gsi1sk: order,
    gsi2pk: incidentHistoryKeys.ofInstance(record.processInstanceId),
    gsi2sk: order,
  };
}

export function historicIncidentOf(item: Item): HistoricIncidentRecord {
  const { pk: _pk, sk: _sk, kind: _kind, incidentState, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = item;
  return { ...(record as unknown as Omit<HistoricIncidentRecord, 'state'>), state: incidentState as IncidentHistoryState };
}
