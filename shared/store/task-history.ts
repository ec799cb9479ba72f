/**
 * Historic task instances (Camunda's ACT_HI_TASKINST): one item per user task, put again whenever
 * an operation changes the task, and a last time when it ends (completed or deleted). Written in
 * the instance's own transaction, from the task as the states before and after the operation hold
 * it: in the instance's history partition of gsi2, and sharded by start time in gsi1.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEvent } from '../engine/events.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, ProcessInstanceState, TaskState } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';

export const taskHistoryKeys = {
  item: (taskId: string) => ({ pk: `HTI#${taskId}`, sk: 'TASK' }),
  all: 'HTI',
  ofInstance: (processInstanceId: string) => `HTIPI#${processInstanceId}`,
};

/** Camunda's HistoricTaskInstance#getTaskState. */
export type HistoricTaskState = 'Created' | 'Updated' | 'Completed' | 'Deleted';

/** What a historic task instance shows (Camunda's HistoricTaskInstanceDto), with what its query filters on. */
export interface HistoricTaskRecord {
  id: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processDefinitionName: string | null;
  processInstanceId: string;
  rootProcessInstanceId: string;
  businessKey: string | null;
  executionId: string;
  activityInstanceId: string;
  name: string | null;
  description: string | null;
  deleteReason: string | null;
  owner: string | null;
  assignee: string | null;
  startTime: number;
  endTime: number | null;
  taskDefinitionKey: string;
  priority: number;
  due: number | null;
  followUp: number | null;
  tenantId: string | null;
  taskState: HistoricTaskState;
  candidateUsers: string[];
  candidateGroups: string[];
  /** Users and groups of the task's other identity links (involved users and groups). */
  linkedUsers: string[];
  linkedGroups: string[];
}

interface TaskAt {
  node: ActivityInstanceState;
  task: TaskState;
}

function tasksOf(state: ProcessInstanceState | undefined): Map<string, TaskAt> {
  const tasks = new Map<string, TaskAt>();
  if (!state) return tasks;
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.task) tasks.set(node.task.id, { node, task: node.task });
    for (const child of node.children ?? []) stack.push(child);
  }
  return tasks;
}

function recordOf(state: ProcessInstanceState, model: ProcessModel, { node, task }: TaskAt, end?: { time: number; completed: boolean }, created = false): HistoricTaskRecord {
  const links = task.identityLinks ?? [];
  return {
    id: task.id,
    processDefinitionKey: state.definitionKey,
    processDefinitionId: state.definitionId,
    processDefinitionName: model.name ?? null,
    processInstanceId: state.id,
    rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    businessKey: state.businessKey ?? null,
    executionId: executionIdOf(node, state.id),
    activityInstanceId: node.id,
    name: task.name === undefined ? (model.nodes.get(node.activityId)?.name ?? null) : task.name,
    description: task.description ?? null,
    // Camunda's TaskEntity.DELETE_REASON_COMPLETED and DELETE_REASON_DELETED.
    deleteReason: end ? (end.completed ? 'completed' : 'deleted') : null,
    owner: task.owner ?? null,
    assignee: task.assignee ?? null,
    startTime: task.created,
    endTime: end?.time ?? null,
    taskDefinitionKey: node.activityId,
    priority: task.priority ?? 50,
    due: task.due ?? null,
    followUp: task.followUp ?? null,
    tenantId: state.tenantId ?? null,
    taskState: end ? (end.completed ? 'Completed' : 'Deleted') : created ? 'Created' : 'Updated',
    candidateUsers: task.candidateUsers ?? [],
    candidateGroups: task.candidateGroups ?? [],
    linkedUsers: links.flatMap((link) => (link.userId ? [link.userId] : [])),
    linkedGroups: links.flatMap((link) => (link.groupId ? [link.groupId] : [])),
  };
}

export function taskHistoryItem(record: HistoricTaskRecord, layout: IndexLayout): Item {
  const started = `${timeKey(record.startTime)}#${record.id}`;
  return {
    ...taskHistoryKeys.item(record.id),
    kind: 'historicTask',
    ...record,
    gsi1pk: shardKey(taskHistoryKeys.all, record.id, layout),
    gsi1sk: started,
    gsi2pk: taskHistoryKeys.ofInstance(record.processInstanceId),
    gsi2sk: started,
  };
}

/**
 * The task history an operation writes: every task it created or changed, as it is now, and every
 * task it ended, as it was, with its end (completed when a taskComplete event says so).
 */
export function taskHistoryItems(events: readonly EngineEvent[], before: ProcessInstanceState | undefined, after: ProcessInstanceState, model: ProcessModel, layout: IndexLayout, now: number): Item[] {
  const previous = tasksOf(before);
  const current = tasksOf(after);
  if (previous.size === 0 && current.size === 0) return [];
  const ends = new Map<string, { time: number; completed: boolean }>();
  for (const event of events) {
    if (event.type === 'taskComplete') ends.set(event.taskId, { time: event.time, completed: true });
    else if (event.type === 'taskDelete' && !ends.has(event.taskId)) ends.set(event.taskId, { time: event.time, completed: false });
  }
  const items: Item[] = [];
  for (const [id, at] of current) {
    const old = previous.get(id);
    if (old && JSON.stringify(old.task) === JSON.stringify(at.task) && old.node.id === at.node.id) continue;
    items.push(taskHistoryItem(recordOf(after, model, at, undefined, !old), layout));
  }
  for (const [id, at] of previous) {
    if (current.has(id)) continue;
    items.push(taskHistoryItem(recordOf(before!, model, at, ends.get(id) ?? { time: now, completed: false }), layout));
  }
  return items;
}

export function historicTaskOf(item: Item): HistoricTaskRecord {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = item;
  return record as unknown as HistoricTaskRecord;
}
