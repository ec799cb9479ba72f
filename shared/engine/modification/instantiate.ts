/**
 * Starting an instance at chosen activities (Camunda's ProcessInstantiationBuilder with start
 * instructions, StartProcessInstanceAtActivitiesCmd): the instance is created with its variables,
 * the process's start listeners run, and then each instruction in order, as modification runs
 * them; the none start event is not executed. An instance the instructions leave empty completes.
 */
import type { ProcessModel } from '../../bpmn/model.ts';
import { registerEventSubProcesses } from '../behaviors/event-registration.ts';
import type { EngineEnvironment } from '../environment.ts';
import { notValid, processEngineError } from '../errors.ts';
import { fireExecutionListeners } from '../listeners.ts';
import { type OperationResult, runOperation } from '../operation.ts';
import { newInstanceState, type StartInput } from '../operations.ts';
import type { ModificationInstruction } from './instructions.ts';
import { executeStartInstruction } from './start-instruction.ts';

export type StartInstruction = Extract<ModificationInstruction, { type: 'startBeforeActivity' | 'startAfterActivity' | 'startTransition' }>;

export interface InstantiationRequest {
  instructions: readonly StartInstruction[];
  skipCustomListeners?: boolean;
  skipIoMappings?: boolean;
}

/**
 * Camunda's StartProcessInstanceAtActivitiesCmd#determineFirstActivity: where the first instruction
 * starts the instance (a transition's target; after an activity, what its one outgoing flow leads
 * to), which the historic instance names; a first instruction naming nothing fails here.
 */
function firstActivity(model: ProcessModel, first: StartInstruction, definitionId: string): string {
  const targetId = first.type === 'startTransition' ? first.transitionId : first.activityId;
  const missing = () => notValid(`Element '${targetId}' does not exist in process ${definitionId}: targetElement is null`);
  if (first.type === 'startTransition') {
    const flow = model.flows.get(first.transitionId);
    if (!flow) throw missing();
    return flow.targetId;
  }
  const activity = first.activityId === model.id ? undefined : model.nodes.get(first.activityId);
  if (!activity) throw missing();
  if (first.type === 'startAfterActivity' && activity.outgoing.length === 1) return model.flows.get(activity.outgoing[0]!)?.targetId ?? activity.id;
  return activity.id;
}

export function startProcessInstanceAt(model: ProcessModel, input: StartInput, request: InstantiationRequest, env: EngineEnvironment): OperationResult {
  if (request.instructions.length === 0) {
    throw processEngineError('At least one instantiation instruction required (e.g. by invoking startBefore(..), startAfter(..) or startTransition(..)): instructions is empty');
  }
  const state = newInstanceState(model, input, env);
  state.startActivityId = firstActivity(model, request.instructions[0]!, input.definitionId);
  const options = { skipCustomListeners: request.skipCustomListeners ?? false, skipIoMappings: request.skipIoMappings ?? false };
  return runOperation(
    state,
    model,
    env,
    (runtime) => {
      runtime.events.push({ type: 'processStart', processInstanceId: state.id, time: env.now() });
      fireExecutionListeners(runtime, runtime.state.root, model.root.listeners, 'start', model.id);
      registerEventSubProcesses(runtime, runtime.state.root, model.root);
      runtime.preserveRoot = true;
      for (const instruction of request.instructions) {
        executeStartInstruction(runtime, instruction);
        runtime.runToWaitStates();
      }
      runtime.preserveRoot = false;
      if (!(runtime.state.root.children && runtime.state.root.children.length > 0)) runtime.endProcessInstance('COMPLETED');
    },
    options,
  );
}
