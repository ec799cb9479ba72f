/**
 * The historic external task log (Camunda's ACT_HI_EXT_TASK_LOG): one entry per event of an
 * external task of an instance, written in the instance's own transaction, from the external tasks
 * as the states before and after an operation hold them, and the operation's failure events. A task
 * that appears is created; one a worker failed (its externalTaskFailed event) failed, with the
 * retries and message it has then; one that vanished because its activity was cancelled (or its
 * instance deleted) was deleted; one that vanished otherwise succeeded (completed, or ended by its
 * worker's BPMN error, as Camunda logs both).
 */
import type { EngineEvent } from '../engine/events.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, ExternalTaskState, ProcessInstanceState } from '../engine/state.ts';
import type { IndexLayout } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { logEntryItem, logEntryOf, type LogKind, logKeysOf } from './log-entries.ts';
import { activeNodes, instanceFieldsOf } from './state-walk.ts';

export const externalTaskLogKeys = logKeysOf('HETL');

export type ExternalTaskLogKind = LogKind;

/** What a historic external task log entry shows (Camunda's HistoricExternalTaskLogDto). */
export interface ExternalTaskLogRecord {
  id: string;
  kind: ExternalTaskLogKind;
  timestamp: number;
  /** The entry's place among the operation's entries (their order when they share a time). */
  occurrence: string;
  externalTaskId: string;
  topicName: string;
  workerId: string | null;
  priority: number;
  retries: number | null;
  errorMessage: string | null;
  /** Kept apart from the entry's fields: only GET …/error-details reads it. */
  errorDetails: string | null;
  activityId: string;
  activityInstanceId: string;
  executionId: string;
  processInstanceId: string;
  rootProcessInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  tenantId: string | null;
}

interface TaskAt {
  owner: ActivityInstanceState;
  task: ExternalTaskState;
}

function externalTasksOf(state: ProcessInstanceState | undefined): Map<string, TaskAt> {
  return new Map(activeNodes(state).flatMap((owner) => (owner.externalTask ? [[owner.externalTask.id, { owner, task: owner.externalTask }] as const] : [])));
}

/** The entries an operation adds to the log, in the order: successes and deletions, failures, creations. */
export function externalTaskLogItems(
  events: readonly EngineEvent[],
  before: ProcessInstanceState | undefined,
  after: ProcessInstanceState,
  layout: IndexLayout,
  now: number,
  newId: () => string,
): Item[] {
  const previous = externalTasksOf(before);
  const current = externalTasksOf(after);
  if (previous.size === 0 && current.size === 0) return [];
  const cancelled = new Set(events.flatMap((event) => (event.type === 'activityEnd' && event.canceled ? [event.activityInstanceId] : [])));
  const instanceCancelled = events.some((event) => event.type === 'processEnd' && event.status !== 'COMPLETED');
  const failed = new Set(events.flatMap((event) => (event.type === 'externalTaskFailed' ? [event.externalTaskId] : [])));
  const entries: { kind: ExternalTaskLogKind; at: TaskAt; state: ProcessInstanceState }[] = [];
  for (const [id, at] of previous) {
    if (current.has(id)) continue;
    entries.push({ kind: instanceCancelled || cancelled.has(at.owner.id) ? 'deletion' : 'success', at, state: before! });
  }
  for (const [id, at] of current) {
    if (failed.has(id)) entries.push({ kind: 'failure', at, state: after });
    if (!previous.has(id)) entries.push({ kind: 'creation', at, state: after });
  }
  return entries.map(({ kind, at, state }, index) => {
    const { task, owner } = at;
    const record: ExternalTaskLogRecord = {
      id: newId(),
      kind,
      timestamp: now,
      occurrence: `${timeKey(now)}#${String(index).padStart(4, '0')}`,
      externalTaskId: task.id,
      topicName: task.topic,
      workerId: task.workerId ?? null,
      priority: task.priority,
      retries: task.retries ?? null,
      errorMessage: kind === 'failure' ? (task.errorMessage ?? null) : null,
      errorDetails: kind === 'failure' ? (task.errorDetails ?? null) : null,
      activityId: owner.activityId,
      activityInstanceId: owner.id,
      executionId: executionIdOf(owner, state.id),
      ...instanceFieldsOf(state),
    };
    return logEntryItem(externalTaskLogKeys, 'externalTaskLog', record, layout);
  });
}

export function externalTaskLogOf(item: Item): ExternalTaskLogRecord {
  return logEntryOf<ExternalTaskLogRecord>(item);
}
