import { type EventSubProcessNode, type FlowNode, isKind, type SequenceFlow } from '../../bpmn/model.ts';
import { behaviorOf } from '../behaviors/behavior-table.ts';
import { disarmEventSubProcesses } from '../behaviors/event-registration.ts';
import { notValid, processEngineError } from '../errors.ts';
import { setTyped } from '../set-typed.ts';
import { requireExecutionActive } from '../suspension.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState, Variables } from '../state.ts';
import { describeInstruction, type InstructionVariables, type ModificationInstruction } from './instructions.ts';
import { resolveTargetScope } from './scope-resolution.ts';

type StartInstruction = Extract<ModificationInstruction, { type: 'startBeforeActivity' | 'startAfterActivity' | 'startTransition' }>;

function elementMissing(runtime: Runtime, describe: string, id: string): Error {
  return notValid(`Cannot perform instruction: ${describe}; Element '${id}' does not exist in process '${runtime.state.definitionId}': element is null`);
}

function findActivity(runtime: Runtime, id: string): FlowNode | undefined {
  return id === runtime.model.root.id ? undefined : runtime.model.nodes.get(id);
}

/** Runs one start instruction: resolves (or creates) the target scope, sets variables, enters. */
export function executeStartInstruction(runtime: Runtime, instruction: StartInstruction): void {
  const describe = describeInstruction(instruction);
  // A suspended instance refuses new tokens; cancelling is allowed (Camunda's delete-cascade operations skip the check).
  requireExecutionActive(runtime.state);
  switch (instruction.type) {
    case 'startBeforeActivity': {
      const target = findActivity(runtime, instruction.activityId);
      if (!target) throw elementMissing(runtime, describe, instruction.activityId);
      startBefore(runtime, target, instruction, describe);
      return;
    }
    case 'startAfterActivity': {
      const source = findActivity(runtime, instruction.activityId);
      if (!source) {
        throw notValid(`Cannot perform instruction: ${describe}; Activity '${instruction.activityId}' does not exist: activity is null`);
      }
      if (source.outgoing.length === 0) {
        throw processEngineError(`Cannot start after activity ${source.id}; activity has no outgoing sequence flow to take`);
      }
      if (source.outgoing.length > 1) {
        throw processEngineError(`Cannot start after activity ${source.id}; activity has more than one outgoing sequence flow`);
      }
      startOnFlow(runtime, runtime.flow(source.outgoing[0]!), instruction, describe);
      return;
    }
    case 'startTransition': {
      const flow = runtime.model.flows.get(instruction.transitionId);
      if (!flow) throw elementMissing(runtime, describe, instruction.transitionId);
      startOnFlow(runtime, flow, instruction, describe);
      return;
    }
  }
}

/**
 * Splits instruction variables: non-local ones are set with normal scoping before the target is
 * entered; local ones land on a scope the instruction just created, else on the new token itself.
 */
function applyInstructionVariables(runtime: Runtime, scope: ActivityInstanceState, scopeIsNew: boolean, variables: InstructionVariables | undefined): Variables | undefined {
  let tokenLocals: Variables | undefined;
  for (const [name, { value, local }] of Object.entries(variables ?? {})) {
    if (!local) setTyped(runtime, scope, name, value, false);
    else if (scopeIsNew) setTyped(runtime, scope, name, value, true);
    else tokenLocals = { ...tokenLocals, [name]: value };
  }
  return tokenLocals;
}

function startBefore(runtime: Runtime, target: FlowNode, instruction: StartInstruction, describe: string): void {
  const eventSubProcess = interruptibleEventSubProcess(runtime, target);
  if (eventSubProcess) {
    startEventSubProcess(runtime, eventSubProcess, target, instruction, describe);
    return;
  }
  const { scope, created } = resolveTargetScope(runtime, target.scopeId, instruction.ancestorActivityInstanceId, describe, target.id);
  let locals = applyInstructionVariables(runtime, scope, created.length > 0, instruction.variables);
  const scopeDefinition = runtime.defOf(scope);
  const scopeLocals = behaviorOf(scopeDefinition).childStartedByModification?.(scope, scopeDefinition, created.includes(scope));
  if (scopeLocals) locals = { ...scopeLocals, ...locals };
  if (isKind(target, 'boundaryTimer', 'boundaryMessage', 'boundarySignal', 'boundaryConditional', 'boundaryError', 'boundaryEscalation', 'boundaryCancel') && target.interrupting) {
    const hosts = (scope.children ?? []).filter((child) => child.activityId === target.attachedToId && !child.transition);
    if (hosts.length > 1) throw processEngineError(`Executions for activity Activity(${target.attachedToId}) ambiguous`);
    for (const host of hosts) runtime.cancel(host);
  }
  runtime.enter(scope, target, { localVariables: locals });
}

/** The event sub-process that starting `target` triggers (the sub-process itself or its start event). */
function interruptibleEventSubProcess(runtime: Runtime, target: FlowNode): EventSubProcessNode | undefined {
  if (target.kind === 'eventSubProcess') return target;
  if (target.kind === 'startEvent') {
    const scope = runtime.model.nodes.get(target.scopeId);
    if (scope?.kind === 'eventSubProcess' && scope.triggerStartEventId === target.id) return scope;
  }
  return undefined;
}

/** Starting an event sub-process (or its start event) behaves like the event: interrupting ones cancel their scope's tokens first. */
function startEventSubProcess(runtime: Runtime, eventSubProcess: EventSubProcessNode, target: FlowNode, instruction: StartInstruction, describe: string): void {
  const { scope, created } = resolveTargetScope(runtime, eventSubProcess.scopeId, instruction.ancestorActivityInstanceId, describe, target.id, target.scopeId);
  if (eventSubProcess.interrupting) {
    for (const child of [...(scope.children ?? [])]) if (!created.includes(child)) runtime.cancel(child);
    disarmEventSubProcesses(runtime, scope);
  }
  const locals = applyInstructionVariables(runtime, scope, created.length > 0, instruction.variables);
  if (target === eventSubProcess) {
    runtime.enter(scope, eventSubProcess, { localVariables: locals });
    return;
  }
  const instance = runtime.createActivityInstance(scope, eventSubProcess, locals);
  runtime.enter(instance, target);
}

/** startAfterActivity and startTransition: a token on the flow, in the flow scope of its source. */
function startOnFlow(runtime: Runtime, flow: SequenceFlow, instruction: StartInstruction, describe: string): void {
  const source = runtime.def(flow.sourceId);
  const { scope, created } = resolveTargetScope(runtime, source.scopeId, instruction.ancestorActivityInstanceId, describe, flow.id);
  const locals = applyInstructionVariables(runtime, scope, created.length > 0, instruction.variables);
  runtime.takeFlow(scope, flow, { localVariables: locals });
}
