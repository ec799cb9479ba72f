import type { FlowNode } from '../bpmn/model.ts';
import type { BehaviorContext } from './behavior-context.ts';
import { behaviorOf } from './behaviors/behavior-table.ts';
import { processEngineError } from './errors.ts';
import type { ActivityInstanceState, JobState } from './state.ts';

/**
 * An event (due timer or correlated message) reached `owner`, the instance that armed it for the
 * catching node. The caller has removed the job or subscription; the node's behaviour continues.
 */
export function fireEvent(ctx: BehaviorContext, owner: ActivityInstanceState, catchingNode: FlowNode, firedJob?: JobState): void {
  const behavior = behaviorOf(catchingNode);
  // Only catching nodes arm jobs and subscriptions, so another kind here means a corrupt state.
  if (!behavior.trigger) throw processEngineError(`Activity '${catchingNode.id}' (${catchingNode.kind}) does not wait for events`);
  behavior.trigger(ctx, owner, catchingNode, firedJob);
}
