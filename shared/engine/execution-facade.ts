import { type ExpressionContext, INVOKE } from '../expression/index.ts';
import type { DelegateExecution, DelegateTask } from './delegates.ts';
import { processEngineError } from './errors.ts';
import type { ExecutionContext } from './execution-context.ts';
import type { ActivityInstanceState } from './state.ts';
import { getOwn } from './own-properties.ts';

/**
 * Camunda's execution id for a token: the process instance's id for its root, otherwise the
 * instance's id, a dot and the uuid part of the token's activity instance id. Carrying the
 * instance lets `/execution/{id}` find its instance with one read, without an index of executions
 * that every step of every instance would have to rewrite (docs/decisions.md #42).
 */
export function executionIdOf(instance: ActivityInstanceState, processInstanceId: string): string {
  if (instance.id === processInstanceId) return processInstanceId;
  const colon = instance.id.lastIndexOf(':');
  return `${processInstanceId}${EXECUTION_SEPARATOR}${colon >= 0 ? instance.id.slice(colon + 1) : instance.id}`;
}

const EXECUTION_SEPARATOR = '.';

/** The process instance an execution id belongs to (process instance ids never hold a dot). */
export function processInstanceOfExecution(executionId: string): string {
  const dot = executionId.lastIndexOf(EXECUTION_SEPARATOR);
  return dot >= 0 ? executionId.slice(0, dot) : executionId;
}

/** The `execution` object listeners, delegates and expressions see for a token. */
export function createDelegateExecution(ctx: ExecutionContext, instance: ActivityInstanceState, eventName?: string): DelegateExecution {
  const definition = ctx.model.nodes.get(instance.activityId);
  const execution: DelegateExecution & { [INVOKE](method: string, args: unknown[]): unknown } = {
    id: executionIdOf(instance, ctx.state.id),
    processInstanceId: ctx.state.id,
    processDefinitionId: ctx.state.definitionId,
    processBusinessKey: ctx.state.businessKey,
    activityInstanceId: instance.id,
    currentActivityId: instance.activityId,
    currentActivityName: definition?.name,
    eventName,
    getVariable: (name) => ctx.getVariable(instance, name) ?? null,
    getVariableLocal: (name) => getOwn(instance.variables, name)?.value ?? null,
    hasVariable: (name) => ctx.variableOwner(instance, name) !== undefined,
    getVariables: () => Object.fromEntries(Object.entries(ctx.visibleVariables(instance)).map(([k, v]) => [k, v.value])),
    setVariable: (name, value) => ctx.setVariable(instance, name, value),
    setVariableLocal: (name, value) => ctx.setVariableLocal(instance, name, value),
    removeVariable: (name) => ctx.removeVariable(instance, name),
    [INVOKE](method, args) {
      const [first, second] = args;
      switch (method) {
        case 'getVariable':
          return execution.getVariable(String(first));
        case 'getVariableLocal':
          return execution.getVariableLocal(String(first));
        case 'hasVariable':
          return execution.hasVariable(String(first));
        case 'setVariable':
          execution.setVariable(String(first), second);
          return null;
        case 'setVariableLocal':
          execution.setVariableLocal(String(first), second);
          return null;
        case 'getProcessInstanceId':
          return execution.processInstanceId;
        case 'getProcessDefinitionId':
          return execution.processDefinitionId;
        case 'getActivityId':
        case 'getCurrentActivityId':
          return execution.currentActivityId;
        case 'getActivityInstanceId':
          return execution.activityInstanceId;
        case 'getBusinessKey':
        case 'getProcessBusinessKey':
          return execution.processBusinessKey ?? null;
        case 'getEventName':
          return execution.eventName ?? null;
        case 'getId':
          return execution.id;
        default:
          throw processEngineError(`Method not found: execution.${method}`);
      }
    },
  };
  return execution;
}

/** The `task` object task listeners and expressions see for a user task instance. */
export function createDelegateTask(ctx: ExecutionContext, instance: ActivityInstanceState, eventName: string): DelegateTask {
  const task = instance.task!;
  const execution = createDelegateExecution(ctx, instance);
  const definition = ctx.model.nodes.get(instance.activityId);
  const delegate: DelegateTask & { [INVOKE](method: string, args: unknown[]): unknown } = {
    id: task.id,
    name: definition?.name,
    taskDefinitionKey: instance.activityId,
    eventName,
    get assignee() {
      return task.assignee;
    },
    execution,
    setAssignee: (assignee) => {
      if (assignee === undefined || assignee === null) delete task.assignee;
      else task.assignee = assignee;
    },
    getVariable: (name) => execution.getVariable(name),
    setVariable: (name, value) => execution.setVariable(name, value),
    [INVOKE](method, args) {
      switch (method) {
        case 'getId':
          return task.id;
        case 'getName':
          return delegate.name ?? null;
        case 'getTaskDefinitionKey':
          return delegate.taskDefinitionKey;
        case 'getAssignee':
          return task.assignee ?? null;
        case 'setAssignee':
          delegate.setAssignee(args[0] === null ? undefined : String(args[0]));
          return null;
        case 'getEventName':
          return eventName;
        case 'getExecution':
          return execution;
        default:
          return (execution as unknown as { [INVOKE](m: string, a: unknown[]): unknown })[INVOKE](method, args);
      }
    },
  };
  return delegate;
}

/**
 * Identifier resolution as in Camunda's EL: `execution` and `task` first, then variables from the
 * token outwards, then registered beans (the delegates registry).
 */
export function createExpressionContext(ctx: ExecutionContext, instance: ActivityInstanceState, taskEvent?: string): ExpressionContext {
  return {
    resolve(name) {
      if (name === 'execution') return { value: createDelegateExecution(ctx, instance) };
      if (name === 'task' && instance.task) return { value: createDelegateTask(ctx, instance, taskEvent ?? '') };
      const owner = ctx.variableOwner(instance, name);
      if (owner) return { value: getOwn(owner.variables, name)!.value };
      const bean = ctx.env.registry.get(name);
      if (bean !== undefined) return { value: bean };
      return undefined;
    },
  };
}
