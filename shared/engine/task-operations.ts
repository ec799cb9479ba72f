/**
 * What Camunda's TaskService does to a user task besides claiming and completing it: assigning,
 * delegating, resolving, and its variables. A task is a variable scope of its own (Camunda's
 * TaskEntity): its local variables live on the task, and the task's parent scope is the node that
 * holds it, so a non-local write goes where the name already is, else to the process instance.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { badUserRequest, processEngineError } from './errors.ts';
import { findTaskOwner } from './lookup.ts';
import { applyVariables, type OperationResult, requireActive, runOperation } from './operation.ts';
import { getOwn, hasOwn, setOwn } from './own-properties.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState, ProcessInstanceState, TaskState, TypedValue, Variables } from './state.ts';
import { requireTaskActive } from './suspension.ts';
import { TreeIndex } from './tree-index.ts';

/** Changes one task; `updates`: the change is one Camunda reports as the task's update (lastUpdated, taskState `Updated`). */
function onTask(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  env: EngineEnvironment,
  body: (runtime: Runtime, owner: ActivityInstanceState, task: TaskState) => void,
  /** `updates`: the change marks the task updated; `lifecycle`: a suspended instance refuses it (variables are no lifecycle change). */
  { updates = true, lifecycle = true }: { updates?: boolean; lifecycle?: boolean } = {},
): OperationResult {
  requireActive(state);
  if (lifecycle) requireTaskActive(state, taskId);
  return runOperation(state, model, env, (runtime) => {
    const owner = findTaskOwner(runtime.tree, taskId);
    body(runtime, owner, owner.task!);
    if (updates) markTaskUpdated(owner.task!, env);
  });
}

/** Camunda's TaskEntity#triggerUpdateEvent: the time of the change. */
export function markTaskUpdated(task: TaskState, env: EngineEnvironment): void {
  task.lastUpdated = env.now();
}

/** Sets (or with null clears) the assignee, whoever holds the task (Camunda's setAssignee, unlike claim). */
export function setTaskAssignee(state: ProcessInstanceState, model: ProcessModel, taskId: string, userId: string | null, env: EngineEnvironment): OperationResult {
  return onTask(state, model, taskId, env, (_runtime, _owner, task) => {
    if (userId === null) delete task.assignee;
    else task.assignee = userId;
  });
}

/** Hands the task to another user: PENDING, and the assignee becomes the owner unless there is one. */
export function delegateTask(state: ProcessInstanceState, model: ProcessModel, taskId: string, userId: string | null, env: EngineEnvironment): OperationResult {
  return onTask(state, model, taskId, env, (_runtime, _owner, task) => {
    task.delegationState = 'PENDING';
    if (task.owner === undefined && task.assignee !== undefined) task.owner = task.assignee;
    if (userId === null) delete task.assignee;
    else task.assignee = userId;
  });
}

/**
 * Gives a delegated task back to its owner: RESOLVED, the owner assigned. The variables go to the
 * task's parent scope, as on completion. Camunda does not ask whether the task was delegated.
 */
export function resolveTask(state: ProcessInstanceState, model: ProcessModel, taskId: string, variables: Variables | undefined, env: EngineEnvironment): OperationResult {
  return onTask(state, model, taskId, env, (runtime, owner, task) => {
    applyVariables(runtime, owner, variables);
    task.delegationState = 'RESOLVED';
    if (task.owner === undefined) delete task.assignee;
    else task.assignee = task.owner;
  });
}

/**
 * Sets then removes variables of a task: `local` ones on the task itself; the others where the task
 * (then its ancestors) already has the name, else on the process instance. Removing a name nobody
 * has is no error.
 */
export function modifyTaskVariables(
  state: ProcessInstanceState,
  model: ProcessModel,
  input: { taskId: string; modifications?: Variables; deletions?: readonly string[]; local: boolean },
  env: EngineEnvironment,
): OperationResult {
  return onTask(
    state,
    model,
    input.taskId,
    env,
    (runtime, owner, task) => {
      const localBefore = JSON.stringify(task.variables ?? {});
      for (const [name, value] of Object.entries(input.modifications ?? {})) {
        if (input.local || hasOwn(task.variables, name)) setTaskLocal(runtime, owner, task, name, value);
        else applyVariables(runtime, owner, { [name]: value });
      }
      for (const name of input.deletions ?? []) {
        if (hasOwn(task.variables, name)) {
          delete task.variables![name];
          runtime.variableChanged(owner, name, 'delete');
        } else if (!input.local) {
          runtime.removeVariable(owner, name);
        }
      }
      if (task.variables && Object.keys(task.variables).length === 0) delete task.variables;
      // SetTaskVariablesCmd reports an update only when the task's own variables changed.
      if (JSON.stringify(task.variables ?? {}) !== localBefore) markTaskUpdated(task, env);
    },
    { updates: false, lifecycle: false },
  );
}

function setTaskLocal(runtime: Runtime, owner: ActivityInstanceState, task: TaskState, name: string, value: TypedValue): void {
  const change = hasOwn(task.variables, name) ? 'update' : 'create';
  if (!task.variables) task.variables = {};
  setOwn(task.variables, name, value);
  runtime.variableChanged(owner, name, change);
}

/** The variables a task sees: its own, then its scopes' up to the process instance (nearer ones shadow outer ones); `local`: its own only. */
export function taskVariables(state: ProcessInstanceState, taskId: string, local: boolean): Variables {
  const tree = new TreeIndex(state.root);
  const owner = findTaskOwner(tree, taskId);
  const result: Variables = {};
  const scopes = local ? [] : [...tree.ancestry(owner)];
  for (const variables of [owner.task!.variables, ...scopes.map((node) => node.variables)]) {
    for (const [name, value] of Object.entries(variables ?? {})) if (!hasOwn(result, name)) setOwn(result, name, value);
  }
  return result;
}

/** One variable as the task sees it, if any. */
export function taskVariable(state: ProcessInstanceState, taskId: string, name: string, local: boolean): TypedValue | undefined {
  return getOwn(taskVariables(state, taskId, local), name);
}

/** Whether a running instance holds the task. */
export function hasTask(state: ProcessInstanceState, taskId: string): boolean {
  return state.status === 'ACTIVE' && new TreeIndex(state.root).find((node) => node.task?.id === taskId) !== undefined;
}

export interface IdentityLink {
  userId: string | null;
  groupId: string | null;
  type: string;
}

/**
 * A task's identity links as Camunda lists them (GetIdentityLinksForTaskCmd): the stored ones (its
 * candidates, then links of other types), then its assignee and owner as links of those types.
 */
export function taskIdentityLinks(task: TaskState): IdentityLink[] {
  const link = (type: string, userId?: string, groupId?: string): IdentityLink => ({ userId: userId ?? null, groupId: groupId ?? null, type });
  return [
    ...(task.candidateUsers ?? []).map((user) => link('candidate', user)),
    ...(task.candidateGroups ?? []).map((group) => link('candidate', undefined, group)),
    ...(task.identityLinks ?? []).map((l) => link(l.type, l.userId, l.groupId)),
    ...(task.assignee !== undefined ? [link('assignee', task.assignee)] : []),
    ...(task.owner !== undefined ? [link('owner', task.owner)] : []),
  ];
}

/** The task with this id in a state (for reads). */
export function taskOf(state: ProcessInstanceState, taskId: string): TaskState {
  return findTaskOwner(new TreeIndex(state.root), taskId).task!;
}

/**
 * Adds an identity link (AbstractAddIdentityLinkCmd): `assignee` and `owner` set those fields, a
 * candidate joins the task's candidates (once: they are index keys here), any other type is stored.
 */
export function addTaskIdentityLink(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  link: { userId?: string; groupId?: string; type: string },
  env: EngineEnvironment,
): OperationResult {
  return onTask(state, model, taskId, env, (_runtime, _owner, task) => {
    if (link.type === 'assignee') {
      if (link.groupId !== undefined) throw badUserRequest('Incompatible usage: cannot use ASSIGNEE together with a groupId');
      task.assignee = link.userId!;
      return;
    }
    if (link.type === 'owner') {
      // Camunda sets the owner to the link's user: with a group instead, none.
      if (link.userId === undefined) delete task.owner;
      else task.owner = link.userId;
      return;
    }
    if (link.type === 'candidate') {
      const [field, id] = link.userId !== undefined ? (['candidateUsers', link.userId] as const) : (['candidateGroups', link.groupId!] as const);
      if (!task[field]?.includes(id)) task[field] = [...(task[field] ?? []), id];
      return;
    }
    task.identityLinks = [
      ...(task.identityLinks ?? []),
      { ...(link.userId !== undefined ? { userId: link.userId } : {}), ...(link.groupId !== undefined ? { groupId: link.groupId } : {}), type: link.type },
    ];
  });
}

/** Removes the matching identity links (DeleteIdentityLinkCmd); an `assignee` or `owner` link clears that field. No match is no error. */
export function deleteTaskIdentityLink(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  link: { userId?: string; groupId?: string; type: string },
  env: EngineEnvironment,
): OperationResult {
  return onTask(state, model, taskId, env, (_runtime, _owner, task) => {
    if (link.type === 'assignee' || link.type === 'owner') {
      if (link.groupId !== undefined) throw processEngineError(`Incompatible usage: cannot use type '${link.type}' together with a groupId`);
      delete task[link.type];
      return;
    }
    if (link.type === 'candidate') {
      if (link.userId !== undefined) task.candidateUsers = task.candidateUsers?.filter((user) => user !== link.userId);
      if (link.groupId !== undefined) task.candidateGroups = task.candidateGroups?.filter((group) => group !== link.groupId);
      if (task.candidateUsers?.length === 0) delete task.candidateUsers;
      if (task.candidateGroups?.length === 0) delete task.candidateGroups;
      return;
    }
    task.identityLinks = task.identityLinks?.filter((l) => !(l.type === link.type && l.userId === link.userId && l.groupId === link.groupId));
    if (task.identityLinks?.length === 0) delete task.identityLinks;
  });
}

/** What PUT /task/{id} sets: every field of Camunda's TaskDto#updateTask, nulls clearing. */
export interface TaskChanges {
  name: string | null;
  description: string | null;
  priority: number;
  assignee: string | null;
  owner: string | null;
  delegationState: 'PENDING' | 'RESOLVED' | null;
  due: number | null;
  followUp: number | null;
}

/** PUT /task/{id} (TaskService#saveTask): a changed assignee or owner is a lifecycle change a suspended instance refuses. */
export function updateTask(state: ProcessInstanceState, model: ProcessModel, taskId: string, changes: TaskChanges, env: EngineEnvironment): OperationResult {
  const current = taskOf(state, taskId);
  const lifecycle = (current.assignee ?? null) !== changes.assignee || (current.owner ?? null) !== changes.owner;
  return onTask(
    state,
    model,
    taskId,
    env,
    (_runtime, owner, task) => {
      const set = <K extends 'description' | 'assignee' | 'owner' | 'delegationState' | 'due' | 'followUp'>(key: K, value: TaskState[K] | null) => {
        if (value === null) delete task[key];
        else task[key] = value as TaskState[K];
      };
      // A name equal to the activity's is no rename: the task keeps following the model; null clears it.
      if (changes.name === (model.nodes.get(owner.activityId)?.name ?? null)) delete task.name;
      else task.name = changes.name;
      set('description', changes.description);
      set('assignee', changes.assignee);
      set('owner', changes.owner);
      set('delegationState', changes.delegationState);
      set('due', changes.due);
      set('followUp', changes.followUp);
      if (changes.priority === 50) delete task.priority;
      else task.priority = changes.priority;
    },
    { lifecycle },
  );
}
