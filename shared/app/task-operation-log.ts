/**
 * The user operation log of task operations (Camunda's TaskEntity#logUserOperation): the task's
 * properties compared before and after the operation, one entry per property that changed, none at
 * all when nothing did; a task that ended logs its deletion.
 */
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, ProcessInstanceState, TaskState } from '../engine/state.ts';
import { TreeIndex } from '../engine/tree-index.ts';
import { CATEGORY, instanceContext, type LoggedUpdate, type PropertyChange } from './operation-log.ts';

function taskAt(state: ProcessInstanceState, taskId: string): { owner: ActivityInstanceState; task: TaskState } | undefined {
  if (state.status !== 'ACTIVE') return undefined;
  const owner = new TreeIndex(state.root).find((node) => node.task?.id === taskId);
  return owner ? { owner, task: owner.task! } : undefined;
}

/** The task properties Camunda tracks, by the names its log gives them. */
const TRACKED: readonly [string, (task: TaskState) => unknown][] = [
  ['assignee', (task) => task.assignee],
  ['owner', (task) => task.owner],
  ['delegation', (task) => task.delegationState],
  ['priority', (task) => task.priority],
  ['name', (task) => task.name],
  ['description', (task) => task.description],
  ['dueDate', (task) => task.due],
  ['followUpDate', (task) => task.followUp],
];

function changesOf(before: TaskState, after: TaskState | undefined): PropertyChange[] {
  if (!after) return [{ property: 'delete', orgValue: false, newValue: true }];
  return TRACKED.flatMap(([property, read]) => {
    const orgValue = read(before) ?? null;
    const newValue = read(after) ?? null;
    return orgValue === newValue ? [] : [{ property, orgValue, newValue }];
  });
}

/** A task operation (Claim, Assign, Delegate, Resolve, Complete, Update, …) on a task of an instance. */
export function taskOperation(operationType: string, taskId: string): LoggedUpdate {
  return (before, after) => {
    const previous = taskAt(before, taskId);
    if (!previous) return undefined;
    const changes = changesOf(previous.task, taskAt(after, taskId)?.task);
    if (changes.length === 0) return undefined;
    const context = { ...instanceContext(before), taskId, executionId: executionIdOf(previous.owner, before.id) };
    return { operationType, entityType: 'Task', category: CATEGORY.taskWorker, context, changes };
  };
}

/** A variable operation on a task (SetVariable, RemoveVariable, ModifyVariable: the names are not logged). */
export function taskVariableOperation(operationType: string, taskId: string): LoggedUpdate {
  return (before) => {
    const previous = taskAt(before, taskId);
    if (!previous) return undefined;
    const context = { ...instanceContext(before), taskId, executionId: executionIdOf(previous.owner, before.id) };
    return { operationType, entityType: 'Variable', category: CATEGORY.taskWorker, context };
  };
}

/** A submitted task form resolves a delegated task and completes any other (SubmitTaskFormCmd). */
export function taskFormSubmission(taskId: string): LoggedUpdate {
  return (before, after) => {
    const delegated = taskAt(before, taskId)?.task.delegationState === 'PENDING';
    return taskOperation(delegated ? 'Resolve' : 'Complete', taskId)(before, after);
  };
}

/**
 * Adding or deleting an identity link (AddUserLink, DeleteGroupLink, …; Camunda's logLinkOperation):
 * the link's type as the property, its user or group as the new value.
 */
export function identityLinkOperation(verb: 'Add' | 'Delete', taskId: string, link: { userId?: string; groupId?: string; type: string }): LoggedUpdate {
  return (before) => {
    const previous = taskAt(before, taskId);
    if (!previous) return undefined;
    const operationType = `${verb}${link.userId !== undefined ? 'User' : 'Group'}Link`;
    const context = { ...instanceContext(before), taskId, executionId: executionIdOf(previous.owner, before.id) };
    return { operationType, entityType: 'IdentityLink', category: CATEGORY.taskWorker, context, changes: [{ property: link.type, newValue: link.userId ?? link.groupId }] };
  };
}
