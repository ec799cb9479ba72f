import type { UserTaskNode } from '../../bpmn/model.ts';
import type { CompiledExpression } from '../../expression/index.ts';
import { EngineError } from '../errors.ts';
import { evaluateForm } from '../forms.ts';
import { fireTaskListeners } from '../task-listeners.ts';
import { resolveTaskDate } from '../timers.ts';
import type { Behavior } from './behavior.ts';

/**
 * Camunda's candidate list: each entry's value is a comma-separated string or a collection of
 * strings; anything else fails the task's creation, as in Camunda.
 */
function candidates(expressions: readonly CompiledExpression[] | undefined, evaluate: (expression: CompiledExpression) => unknown): string[] {
  const ids = new Set<string>();
  for (const expression of expressions ?? []) {
    const value = evaluate(expression);
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') {
      for (const id of value.split(',')) if (id.trim() !== '') ids.add(id.trim());
    } else if (Array.isArray(value) && value.every((id) => typeof id === 'string')) for (const id of value) ids.add(id);
    else throw new EngineError('ProcessEngineException', 'Expression did not resolve to a string or collection of strings');
  }
  return [...ids];
}

/** A date attribute's value (Camunda's UserTaskActivityBehavior): a Date, or a text the business calendar reads. */
function taskDate(value: unknown, expression: CompiledExpression, what: string, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return resolveTaskDate(value, now);
  throw new EngineError('ProcessEngineException', `${what} expression does not resolve to a Date or Date string: ${expression.text}`);
}

/** camunda:dueDate, camunda:followUpDate, camunda:priority and the documentation, evaluated when the task is created. */
function taskAttributes(node: UserTaskNode, evaluate: (expression: CompiledExpression) => unknown, now: number) {
  const attributes: { due?: number; followUp?: number; priority?: number; description?: string } = {};
  if (node.dueDate) attributes.due = taskDate(evaluate(node.dueDate), node.dueDate, 'Due date', now);
  if (node.followUpDate) attributes.followUp = taskDate(evaluate(node.followUpDate), node.followUpDate, 'Follow up date', now);
  if (node.priority) {
    const value = evaluate(node.priority);
    const priority = typeof value === 'number' ? Math.trunc(value) : typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : undefined;
    if (priority === undefined && value !== null && value !== undefined) throw new EngineError('ProcessEngineException', `Priority expression does not resolve to a number: ${node.priority.text}`);
    if (priority !== undefined) attributes.priority = priority;
  }
  if (node.description) {
    const description = evaluate(node.description);
    if (description !== null && description !== undefined) attributes.description = String(description);
  }
  for (const key of Object.keys(attributes) as (keyof typeof attributes)[]) if (attributes[key] === undefined) delete attributes[key];
  return attributes;
}

/** A user task waits for its task to be completed; cancelling it deletes the task. */
export const userTaskBehavior: Behavior<UserTaskNode> = {
  execute(ctx, instance, node) {
    instance.task = { id: ctx.env.newId(), created: ctx.now() };
    if (node.assignee) {
      const assignee = ctx.evaluate(node.assignee, instance);
      if (assignee !== null && assignee !== undefined && assignee !== '') instance.task.assignee = String(assignee);
    }
    const candidateUsers = candidates(node.candidateUsers, (expression) => ctx.evaluate(expression, instance));
    if (candidateUsers.length > 0) instance.task.candidateUsers = candidateUsers;
    const candidateGroups = candidates(node.candidateGroups, (expression) => ctx.evaluate(expression, instance));
    if (candidateGroups.length > 0) instance.task.candidateGroups = candidateGroups;
    Object.assign(
      instance.task,
      taskAttributes(node, (expression) => ctx.evaluate(expression, instance), ctx.now()),
    );
    // The task DTO's form key as of the task's creation. Camunda evaluates it when the task is read:
    // an expression over a variable not set yet is no failure here, and GET /task/{id}/form reads it anew.
    let form: ReturnType<typeof evaluateForm> = {};
    try {
      form = evaluateForm(node.form, (expression) => ctx.evaluate(expression, instance));
    } catch {
      form = {};
    }
    if (form.formKey !== undefined) instance.task.formKey = form.formKey;
    if (form.camundaFormRef !== undefined) instance.task.camundaFormRef = form.camundaFormRef;
    ctx.events.push({ type: 'taskCreate', taskId: instance.task.id, activityInstanceId: instance.id, time: ctx.now() });
    fireTaskListeners(ctx, instance, node, 'create');
  },
  cancel(ctx, instance, node) {
    if (!instance.task) return;
    fireTaskListeners(ctx, instance, node, 'delete');
    ctx.events.push({ type: 'taskDelete', taskId: instance.task.id, time: ctx.now() });
  },
};
