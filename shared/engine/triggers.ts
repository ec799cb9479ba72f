import type { FlowNode } from '../bpmn/model.ts';
import { armEvent, disarm, disarmEventSubProcesses } from './behaviors/event-registration.ts';
import type { Runtime } from './runtime.ts';
import type { ActivityInstanceState, JobState } from './state.ts';

/** How a fired event continues, by where its catching element sits. */
function catchingRole(definition: FlowNode): 'self' | 'boundary' | 'eventSubProcess' {
  if (definition.attachedToId) return 'boundary';
  if (definition.kind === 'startEvent') return 'eventSubProcess';
  return 'self';
}

/**
 * An event (due timer or correlated message) reached `owner`, the instance that armed it. The
 * subscription or job is already removed by the caller unless the event keeps listening.
 */
export function fireEvent(runtime: Runtime, owner: ActivityInstanceState, catchDefinition: FlowNode, firedJob?: JobState): void {
  switch (catchingRole(catchDefinition)) {
    case 'self':
      runtime.leave(owner);
      return;
    case 'boundary': {
      const scope = runtime.parentOf(owner);
      if (catchDefinition.interrupting) runtime.cancel(owner);
      else rearm(runtime, owner, catchDefinition, firedJob);
      runtime.enter(scope, catchDefinition);
      return;
    }
    case 'eventSubProcess': {
      const eventSubProcess = runtime.def(catchDefinition.scopeId);
      if (catchDefinition.interrupting) {
        for (const child of [...(owner.children ?? [])]) runtime.cancel(child);
        disarmEventSubProcesses(runtime, owner);
      } else {
        rearm(runtime, owner, catchDefinition, firedJob);
      }
      const instance = runtime.createActivityInstance(owner, eventSubProcess);
      runtime.enter(instance, catchDefinition);
      return;
    }
  }
}

/** Non-interrupting events keep listening: messages stay subscribed, timer cycles schedule their next run. */
function rearm(runtime: Runtime, owner: ActivityInstanceState, catchDefinition: FlowNode, firedJob?: JobState): void {
  if (!catchDefinition.messageName && firedJob?.repeat) armEvent(runtime, owner, catchDefinition, firedJob.repeat);
  if (catchDefinition.messageName) armEvent(runtime, owner, catchDefinition);
}

export { disarm };
