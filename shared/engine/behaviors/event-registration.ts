import type { CatchEventNode, EventSubProcessNode, FlowNode, SubProcessNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import { expectKind } from '../expect-kind.ts';
import type { ActivityInstanceState, JobState } from '../state.ts';
import { scheduleTimer } from '../timers.ts';

/** Creates the timer job, or message or signal subscription, through which `event` can fire for `owner`. */
export function armEvent(ctx: BehaviorContext, owner: ActivityInstanceState, event: CatchEventNode, repeat?: string, repeatOffset?: number): void {
  if (event.timer) {
    const text = repeat ?? String(ctx.evaluate(event.timer.expression, owner));
    const kind = repeat ? 'timeCycle' : event.timer.kind;
    const schedule = scheduleTimer(kind, text, ctx.now());
    const job = ctx.newJob('timer', event.id, schedule.dueDate + (repeatOffset ?? 0));
    if (schedule.repeat) job.repeat = schedule.repeat;
    if (repeatOffset) job.repeatOffset = repeatOffset;
    if (!owner.jobs) owner.jobs = [];
    owner.jobs.push(job);
  } else if (event.messageName || event.signalName || event.conditional) {
    const eventType = event.messageName ? 'message' : event.signalName ? 'signal' : 'conditional';
    // Conditional subscriptions have no name (Camunda's are matched by variable events, not names).
    const eventName = event.messageName ?? (event.signalName ? String(ctx.evaluate(event.signalName, owner)) : '');
    if (!owner.subscriptions) owner.subscriptions = [];
    owner.subscriptions.push({ id: ctx.env.newId(), eventType, eventName, activityId: event.id, created: ctx.now() });
  }
}

/** Non-interrupting events keep listening: messages and signals stay subscribed, timer cycles schedule their next run. */
export function rearm(ctx: BehaviorContext, owner: ActivityInstanceState, event: CatchEventNode, firedJob?: JobState): void {
  if (event.timer && firedJob?.repeat) armEvent(ctx, owner, event, firedJob.repeat, firedJob.repeatOffset);
  if (event.messageName || event.signalName || event.conditional) armEvent(ctx, owner, event);
}

/** A host activity's boundary events listen as long as the host instance lives. */
export function registerBoundaryEvents(ctx: BehaviorContext, host: ActivityInstanceState, node: FlowNode): void {
  for (const boundaryId of node.boundaryEventIds) {
    const boundary = ctx.def(boundaryId);
    // Error and escalation boundary events wait for nothing: propagation finds them when something is thrown.
    if (boundary.kind === 'boundaryTimer' || boundary.kind === 'boundaryMessage' || boundary.kind === 'boundarySignal' || boundary.kind === 'boundaryConditional') armEvent(ctx, host, boundary);
  }
}

/** A scope's event sub-processes listen (on their start event) as long as the scope instance lives. */
export function registerEventSubProcesses(ctx: BehaviorContext, scope: ActivityInstanceState, node: SubProcessNode | EventSubProcessNode): void {
  for (const eventSubProcessId of node.eventSubProcessIds) {
    const eventSubProcess = expectKind(ctx.def(eventSubProcessId), 'eventSubProcess');
    // Error and escalation starts arm nothing (armEvent ignores them): propagation finds them.
    armEvent(ctx, scope, expectKind(ctx.def(eventSubProcess.triggerStartEventId), 'startEvent'));
  }
}

/** An interrupting event sub-process ends its scope's other event sub-process triggers. */
export function disarmEventSubProcesses(ctx: BehaviorContext, scope: ActivityInstanceState): void {
  const node = ctx.defOf(scope);
  // Only sub-processes (the process among them) hold event sub-processes; other scopes have none to end.
  if (node.kind !== 'subProcess' && node.kind !== 'eventSubProcess') return;
  const triggers = new Set(node.eventSubProcessIds.map((id) => expectKind(ctx.def(id), 'eventSubProcess').triggerStartEventId));
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
