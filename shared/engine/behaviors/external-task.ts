import type { ExternalTaskNode } from '../../bpmn/model.ts';
import { processEngineError } from '../errors.ts';
import type { Behavior } from './behavior.ts';

/** An external task waits for a worker of its topic to fetch, lock and complete it. */
export const externalTaskBehavior: Behavior<ExternalTaskNode> = {
  execute(ctx, instance, node) {
    const expression = node.taskPriority ?? ctx.model.taskPriority;
    const priority = expression ? priorityOf(ctx.evaluate(expression, instance)) : 0;
    instance.externalTask = { id: ctx.env.newId(), topic: node.topic, created: ctx.now(), priority };
  },
};

/**
 * Camunda's DefaultPriorityProvider: a number that fits a Java long (a constant arrives as its
 * text). Its error heading is empty for external tasks, hence the leading colon.
 */
function priorityOf(value: unknown): number {
  const number = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number') throw processEngineError(': Priority value is not an Integer');
  if (!Number.isSafeInteger(number)) throw processEngineError(': Priority value must be either Short, Integer, or Long');
  return number;
}
