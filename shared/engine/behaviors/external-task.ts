import type { ExternalTaskNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';

/** An external task waits for a worker of its topic to fetch, lock and complete it. */
export const externalTaskBehavior: Behavior<ExternalTaskNode> = {
  execute(ctx, instance, node) {
    instance.externalTask = { id: ctx.env.newId(), topic: node.topic, created: ctx.now(), priority: 0 };
  },
};
