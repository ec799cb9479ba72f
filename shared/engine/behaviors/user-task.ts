import type { UserTaskNode } from '../../bpmn/model.ts';
import { fireTaskListeners } from '../task-listeners.ts';
import type { Behavior } from './behavior.ts';

/** A user task waits for its task to be completed; cancelling it deletes the task. */
export const userTaskBehavior: Behavior<UserTaskNode> = {
  execute(ctx, instance, node) {
    instance.task = { id: ctx.env.newId(), created: ctx.now() };
    if (node.assignee) {
      const assignee = ctx.evaluate(node.assignee, instance);
      if (assignee !== null && assignee !== undefined && assignee !== '') instance.task.assignee = String(assignee);
    }
    ctx.events.push({ type: 'taskCreate', taskId: instance.task.id, activityInstanceId: instance.id, time: ctx.now() });
    fireTaskListeners(ctx, instance, node, 'create');
  },
  cancel(ctx, instance, node) {
    if (!instance.task) return;
    fireTaskListeners(ctx, instance, node, 'delete');
    ctx.events.push({ type: 'taskDelete', taskId: instance.task.id, time: ctx.now() });
  },
};
