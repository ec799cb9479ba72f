import type { FlowNode } from '../../bpmn/model.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState } from '../state.ts';
import { scheduleTimer } from '../timers.ts';

/** Creates the timer job or message subscription through which `eventDefinition` can fire for `owner`. */
export function armEvent(runtime: Runtime, owner: ActivityInstanceState, eventDefinition: FlowNode, repeat?: string): void {
  if (eventDefinition.timer) {
    const text = repeat ?? String(runtime.evaluate(eventDefinition.timer.expression, owner));
    const kind = repeat ? 'timeCycle' : eventDefinition.timer.kind;
    const schedule = scheduleTimer(kind, text, runtime.now());
    const job = runtime.newJob('timer', eventDefinition.id, schedule.dueDate);
    if (schedule.repeat) job.repeat = schedule.repeat;
    if (!owner.jobs) owner.jobs = [];
    owner.jobs.push(job);
  } else if (eventDefinition.messageName) {
    if (!owner.subscriptions) owner.subscriptions = [];
    owner.subscriptions.push({
      id: runtime.env.newId(),
      eventType: 'message',
      eventName: eventDefinition.messageName,
      activityId: eventDefinition.id,
      created: runtime.now(),
    });
  }
}

/** A host activity's boundary events listen as long as the host instance lives. */
export function registerBoundaryEvents(runtime: Runtime, host: ActivityInstanceState, definition: FlowNode): void {
  for (const boundaryId of definition.boundaryEventIds) armEvent(runtime, host, runtime.def(boundaryId));
}

/** A scope's event sub-processes listen (on their start event) as long as the scope instance lives. */
export function registerEventSubProcesses(runtime: Runtime, scope: ActivityInstanceState, definition: FlowNode): void {
  for (const eventSubProcessId of definition.eventSubProcessIds) {
    const start = runtime.def(runtime.def(eventSubProcessId).triggerStartEventId!);
    armEvent(runtime, scope, start);
  }
}

/** An interrupting event sub-process ends its scope's other event sub-process triggers. */
export function disarmEventSubProcesses(runtime: Runtime, scope: ActivityInstanceState): void {
  const triggers = new Set(runtime.defOf(scope).eventSubProcessIds.map((id) => runtime.def(id).triggerStartEventId));
  scope.jobs = scope.jobs?.filter((job) => !triggers.has(job.activityId));
  if (scope.jobs?.length === 0) delete scope.jobs;
  scope.subscriptions = scope.subscriptions?.filter((subscription) => !triggers.has(subscription.activityId));
  if (scope.subscriptions?.length === 0) delete scope.subscriptions;
}

/** Removes a fired job or subscription from its owner. */
export function disarm(owner: ActivityInstanceState, kind: 'job' | 'subscription', id: string): void {
  if (kind === 'job') {
    owner.jobs = owner.jobs?.filter((j) => j.id !== id);
    if (owner.jobs?.length === 0) delete owner.jobs;
  } else {
    owner.subscriptions = owner.subscriptions?.filter((s) => s.id !== id);
    if (owner.subscriptions?.length === 0) delete owner.subscriptions;
  }
}
