import type { BoundaryErrorNode, BoundaryEscalationNode, FlowNode, StartEventNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { ActivityInstanceState, CallerCatch } from '../state.ts';
import { boundaryEventBehavior } from './boundary-events.ts';
import { startEventBehavior } from './start-event.ts';

/**
 * Camunda's error and escalation propagation (BpmnExceptionHandler, EscalationHandler): from the
 * throwing token outward, each scope instance's node offers its handlers — the error or escalation
 * start events of the event sub-processes it holds, then the boundary events attached to it — and
 * the first that catches the code handles it in that scope instance. Past the process instance, the
 * search goes on in the callers of a called instance: what they catch was recorded when the call
 * started (callerCatches), so the called instance knows at once whether its caller takes over.
 */

type ErrorHandler = StartEventNode | BoundaryErrorNode;
type EscalationHandler = StartEventNode | BoundaryEscalationNode;

/** What ran: the handler (absent when a caller caught it), and whether it interrupted the thrower's scope. */
export interface CaughtEvent {
  readonly handler?: FlowNode;
  readonly interrupting: boolean;
}

/**
 * Throws a BPMN error from `thrower`. Returns the handler that caught it, or undefined when none did
 * (the caller then ends the token as Camunda does: none end event semantics).
 */
export function propagateError(ctx: BehaviorContext, thrower: ActivityInstanceState, errorCode: string, errorMessage: string | undefined): CaughtEvent | undefined {
  const throwerNode = ctx.defOf(thrower);
  for (let instance: ActivityInstanceState | undefined = thrower; instance; instance = parentOrUndefined(ctx, instance)) {
    const handler = errorHandlers(ctx, ctx.defOf(instance)).find((candidate) => catchesError(candidate, errorCode) && !isInside(ctx, throwerNode, candidate));
    if (!handler) continue;
    const definition = handler.kind === 'startEvent' ? handler.error! : handler.error;
    const variables: [string | undefined, unknown][] = [
      [definition.errorCodeVariable, errorCode],
      [definition.errorMessageVariable, errorMessage ?? null],
    ];
    runHandler(ctx, instance, handler, variables);
    return { handler, interrupting: handler.interrupting };
  }
  return throwToCaller(ctx, 'error', errorCode, errorMessage);
}

/** Throws an escalation from `thrower`; returns the handler that caught it, if any. */
export function propagateEscalation(ctx: BehaviorContext, thrower: ActivityInstanceState, escalationCode: string): CaughtEvent | undefined {
  const throwerNode = ctx.defOf(thrower);
  for (let instance: ActivityInstanceState | undefined = thrower; instance; instance = parentOrUndefined(ctx, instance)) {
    const handler = escalationHandlers(ctx, ctx.defOf(instance)).find(
      (candidate) => catchesEscalation(candidate, escalationCode) && !(candidate.kind === 'startEvent' && candidate.scopeId === throwerNode.scopeId),
    );
    if (!handler) continue;
    const definition = handler.kind === 'startEvent' ? handler.escalation! : handler.escalation;
    runHandler(ctx, instance, handler, [[definition.escalationCodeVariable, escalationCode]]);
    return { handler, interrupting: handler.interrupting };
  }
  return throwToCaller(ctx, 'escalation', escalationCode);
}

/**
 * An error or escalation this instance does not catch goes to its caller when the caller catches it
 * (Camunda propagates to the super execution). An interrupting catch ends this instance here, as the
 * caller's handler will cancel the call activity; a non-interrupting one lets this instance go on.
 */
export function throwToCaller(ctx: BehaviorContext, kind: CallerCatch['kind'], code: string, message?: string): CaughtEvent | undefined {
  const caller = ctx.state.caller;
  if (!caller) return undefined;
  const caught = caller.catches.find((c) => c.kind === kind && (c.code === undefined || c.code === code));
  const interrupting = caught?.interrupting ?? false;
  const variables = { ...ctx.state.root.variables };
  ctx.events.push({ type: 'thrownToCaller', caller, kind, code, ...(message === undefined ? {} : { message }), caught: caught !== undefined, interrupting, variables });
  if (!caught) return undefined;
  if (interrupting) ctx.endForCaller();
  return { interrupting };
}

/**
 * What the scopes around a call activity instance catch, nearest first, followed by what the
 * instance's own callers catch: recorded in the called instance when the call starts. The instance's
 * ancestry cannot change while the call runs, so neither can this list.
 */
export function callerCatches(ctx: BehaviorContext, callActivityInstance: ActivityInstanceState): CallerCatch[] {
  const callNode = ctx.defOf(callActivityInstance);
  const catches: CallerCatch[] = [];
  for (let instance: ActivityInstanceState | undefined = callActivityInstance; instance; instance = parentOrUndefined(ctx, instance)) {
    const node = ctx.defOf(instance);
    for (const handler of errorHandlers(ctx, node)) {
      if (isInside(ctx, callNode, handler)) continue;
      const code = handler.kind === 'startEvent' ? handler.error!.errorCode : handler.error.errorCode;
      catches.push({ kind: 'error', ...(code === undefined ? {} : { code }), interrupting: true });
    }
    for (const handler of escalationHandlers(ctx, node)) {
      if (handler.kind === 'startEvent' && handler.scopeId === callNode.scopeId) continue;
      const code = handler.kind === 'startEvent' ? handler.escalation!.escalationCode : handler.escalation.escalationCode;
      catches.push({ kind: 'escalation', ...(code === undefined ? {} : { code }), interrupting: handler.interrupting });
    }
  }
  return [...catches, ...(ctx.state.caller?.catches ?? [])];
}

function parentOrUndefined(ctx: BehaviorContext, instance: ActivityInstanceState): ActivityInstanceState | undefined {
  return instance.id === ctx.state.id ? undefined : ctx.parentOf(instance);
}

/** The event sub-process start events a scope node holds with the given trigger, in document order. */
function eventSubProcessStarts(ctx: BehaviorContext, node: FlowNode): StartEventNode[] {
  if (node.kind !== 'subProcess' && node.kind !== 'eventSubProcess') return [];
  return node.eventSubProcessIds.map((id) => {
    const eventSubProcess = ctx.def(id);
    return ctx.def(eventSubProcess.kind === 'eventSubProcess' ? eventSubProcess.triggerStartEventId : id) as StartEventNode;
  });
}

/**
 * Error handlers of one scope by Camunda's precedence: event sub-processes before boundary events,
 * and within each, handlers naming an error code before catch-all ones (a stable sort).
 */
function errorHandlers(ctx: BehaviorContext, node: FlowNode): ErrorHandler[] {
  const starts = eventSubProcessStarts(ctx, node).filter((start) => start.error);
  const boundaries = node.boundaryEventIds.map((id) => ctx.def(id)).filter((b): b is BoundaryErrorNode => b.kind === 'boundaryError');
  const precedence = (handler: ErrorHandler) => (handler.kind === 'startEvent' ? 10 : 0) + ((handler.kind === 'startEvent' ? handler.error!.errorCode : handler.error.errorCode) ? 1 : 0);
  return [...starts, ...boundaries].sort((a, b) => precedence(b) - precedence(a));
}

/** Escalation handlers of one scope in Camunda's order: event sub-processes, then boundary events. */
function escalationHandlers(ctx: BehaviorContext, node: FlowNode): EscalationHandler[] {
  const starts = eventSubProcessStarts(ctx, node).filter((start) => start.escalation);
  const boundaries = node.boundaryEventIds.map((id) => ctx.def(id)).filter((b): b is BoundaryEscalationNode => b.kind === 'boundaryEscalation');
  return [...starts, ...boundaries];
}

function catchesError(handler: ErrorHandler, errorCode: string): boolean {
  const code = handler.kind === 'startEvent' ? handler.error!.errorCode : handler.error.errorCode;
  return code === undefined || code === errorCode;
}

function catchesEscalation(handler: EscalationHandler, escalationCode: string): boolean {
  const code = handler.kind === 'startEvent' ? handler.escalation!.escalationCode : handler.escalation.escalationCode;
  return code === undefined || code === escalationCode;
}

/** An error event sub-process does not catch what is thrown inside itself (Camunda: no re-throw loop). */
function isInside(ctx: BehaviorContext, throwerNode: FlowNode, handler: ErrorHandler): boolean {
  if (handler.kind !== 'startEvent') return false;
  for (let scopeId = throwerNode.scopeId; scopeId; scopeId = ctx.def(scopeId).scopeId) {
    if (scopeId === handler.scopeId) return true;
    if (scopeId === ctx.model.id) return false;
  }
  return false;
}

/**
 * Runs the handler in `scope`, the instance whose node offered it. The code and message variables
 * are set first, with normal scoping, from the execution Camunda sets them on: the scope, or for a
 * non-interrupting boundary event the scope around its host.
 */
function runHandler(ctx: BehaviorContext, scope: ActivityInstanceState, handler: ErrorHandler | EscalationHandler, variables: [string | undefined, unknown][]): void {
  const variableScope = handler.kind !== 'startEvent' && !handler.interrupting ? ctx.parentOf(scope) : scope;
  for (const [name, value] of variables) if (name) ctx.setVariable(variableScope, name, value);
  if (handler.kind === 'startEvent') startEventBehavior.trigger!(ctx, scope, handler);
  else boundaryEventBehavior.trigger!(ctx, scope, handler);
}
