import type { ErrorEndEventNode, EscalationThrowNode } from '../../bpmn/model.ts';
import type { Behavior } from './behavior.ts';
import { propagateError, propagateEscalation } from './event-propagation.ts';

/**
 * An error end event throws its error. Caught, the handler has taken over (and cancelled this token
 * with its scope); uncaught, the token ends as at a none end event, Camunda's default.
 */
export const errorEndEventBehavior: Behavior<ErrorEndEventNode> = {
  execute(ctx, instance, node) {
    const message = node.errorMessage ? ctx.evaluate(node.errorMessage, instance) : undefined;
    const caught = propagateError(ctx, instance, node.errorCode, message === undefined || message === null ? undefined : String(message));
    if (!caught) ctx.leave(instance, [], { failed: true });
  },
};

/**
 * An escalation throw or end event escalates; the token goes on (an end event has nowhere to go, so
 * it ends) unless an interrupting handler cancelled the scope it is in. Uncaught escalations are
 * ignored, as in Camunda.
 */
export const escalationThrowBehavior: Behavior<EscalationThrowNode> = {
  execute(ctx, instance, node) {
    const caught = propagateEscalation(ctx, instance, node.escalationCode);
    if (!caught?.interrupting) ctx.leave(instance);
  },
};
