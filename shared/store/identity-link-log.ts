/**
 * The historic identity link log (Camunda's ACT_HI_IDENTITYLINK): each identity link of a user task
 * added or deleted, written in the instance's own transaction, from the tasks as the states before
 * and after an operation hold them. A new task adds its links (candidates, assignee, owner, others);
 * a changed assignee or owner deletes the old link and adds the new one; candidates and other links
 * added or removed are logged so. A task that ends takes its links along unlogged, as in Camunda
 * (TaskEntity#deleteIdentityLinks deletes them without history).
 */
import type { ProcessInstanceState, TaskState } from '../engine/state.ts';
import type { IndexLayout } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { logEntryItem, logEntryOf } from './log-entries.ts';
import { activeNodes, instanceFieldsOf } from './state-walk.ts';

export const identityLinkLogKeys = {
  item: (id: string) => ({ pk: `HIL#${id}`, sk: 'LINK' }),
  all: 'HIL',
  ofInstance: (processInstanceId: string) => `HILPI#${processInstanceId}`,
};

/** What a historic identity link shows (Camunda's HistoricIdentityLinkLogDto). */
export interface IdentityLinkLogRecord {
  id: string;
  time: number;
  /** The entry's place among the operation's entries (their order when they share a time). */
  occurrence: string;
  type: string;
  userId: string | null;
  groupId: string | null;
  taskId: string;
  operationType: 'add' | 'delete';
  processInstanceId: string;
  rootProcessInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  tenantId: string | null;
}

interface Link {
  type: string;
  userId: string | null;
  groupId: string | null;
}

const linkKey = (link: Link) => `${link.type}\u0000${link.userId ?? ''}\u0000${link.groupId ?? ''}`;

/** A task's identity links as Camunda keeps them: assignee and owner are links too. */
function linksOf(task: TaskState): Map<string, Link> {
  const links: Link[] = [
    ...(task.assignee ? [{ type: 'assignee', userId: task.assignee, groupId: null }] : []),
    ...(task.owner ? [{ type: 'owner', userId: task.owner, groupId: null }] : []),
    ...(task.candidateUsers ?? []).map((userId) => ({ type: 'candidate', userId, groupId: null })),
    ...(task.candidateGroups ?? []).map((groupId) => ({ type: 'candidate', userId: null, groupId })),
    ...(task.identityLinks ?? []).map((link) => ({ type: link.type, userId: link.userId ?? null, groupId: link.groupId ?? null })),
  ];
  return new Map(links.map((link) => [linkKey(link), link]));
}

function tasksOf(state: ProcessInstanceState | undefined): Map<string, TaskState> {
  return new Map(activeNodes(state).flatMap((node) => (node.task ? [[node.task.id, node.task] as const] : [])));
}

/** The entries an operation adds to the log: per task that lives on or is new, deletions before additions. */
export function identityLinkLogItems(before: ProcessInstanceState | undefined, after: ProcessInstanceState, layout: IndexLayout, now: number, newId: () => string): Item[] {
  const previous = tasksOf(before);
  const current = tasksOf(after);
  if (current.size === 0) return [];
  const entries: { task: TaskState; link: Link; operationType: 'add' | 'delete' }[] = [];
  for (const [id, task] of current) {
    const old = previous.get(id);
    const was = old ? linksOf(old) : new Map<string, Link>();
    const now = linksOf(task);
    for (const [key, link] of was) if (!now.has(key)) entries.push({ task, link, operationType: 'delete' });
    for (const [key, link] of now) if (!was.has(key)) entries.push({ task, link, operationType: 'add' });
  }
  return entries.map(({ task, link, operationType }, index) => {
    const record: IdentityLinkLogRecord = {
      id: newId(),
      time: now,
      occurrence: `${timeKey(now)}#${String(index).padStart(4, '0')}`,
      ...link,
      taskId: task.id,
      operationType,
      ...instanceFieldsOf(after),
    };
    return logEntryItem(identityLinkLogKeys, 'identityLinkLog', record, layout);
  });
}

export function identityLinkLogOf(item: Item): IdentityLinkLogRecord {
  return logEntryOf<IdentityLinkLogRecord>(item);
}
