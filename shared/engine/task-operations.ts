/**
 * What Camunda's TaskService does to a user task besides claiming and completing it: assigning,
 * delegating, resolving, and its variables. A task is a variable scope of its own (Camunda's
 * TaskEntity): its local variables live on the task, and the task's parent scope is the node that
 * holds it, so a non-local write goes where the name already is, else to the process instance.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { findTaskOwner } from './lookup.ts';
import { applyVariables, type OperationResult, requireActive, runOperation } from './operation.ts';
import { getOwn, hasOwn, setOwn } from './own-properties.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState, ProcessInstanceState, TaskState, TypedValue, Variables } from './state.ts';
import { TreeIndex } from './tree-index.ts';

function onTask(
  state: ProcessInstanceState,
  model: ProcessModel,
  taskId: string,
  env: EngineEnvironment,
  body: (runtime: Runtime, owner: ActivityInstanceState, task: TaskState) => void,
): OperationResult {
  requireActive(state);
  return runOperation(state, model, env, (runtime) => {
    const owner = findTaskOwner(runtime.tree, taskId);
    body(runtime, owner, owner.task!);
  });
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
  return onTask(state, model, input.taskId, env, (runtime, owner, task) => {
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
  });
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
