import type { EventSubProcessNode, SubProcessNode } from '../../bpmn/model.ts';
import { processEngineError } from '../errors.ts';
import type { Behavior } from './behavior.ts';

/** A sub-process starts at its none start event and completes when its last token ends. */
export const subProcessBehavior: Behavior<SubProcessNode> = {
  ownsVariables: true,
  execute(ctx, instance, node) {
    // The parser gives every embedded sub-process a none start event; this guards a corrupt model.
    if (!node.noneStartEventId) throw processEngineError(`No initial activity found for subprocess ${node.id}`);
    ctx.enter(instance, ctx.def(node.noneStartEventId));
  },
};

/**
 * An event sub-process instance starts at its trigger start event: the trigger fired (see the start
 * event's behaviour) or a modification started it. It completes when its last token ends.
 */
export const eventSubProcessBehavior: Behavior<EventSubProcessNode> = {
  ownsVariables: true,
  execute(ctx, instance, node) {
    ctx.enter(instance, ctx.def(node.triggerStartEventId));
  },
};
