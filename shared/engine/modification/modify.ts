import type { ProcessModel } from '../../bpmn/model.ts';
import type { EngineEnvironment } from '../environment.ts';
import { processEngineError } from '../errors.ts';
import { type OperationResult, runOperation } from '../operation.ts';
import type { ProcessInstanceState } from '../state.ts';
import { executeCancelInstruction } from './cancel-instruction.ts';
import type { ModificationRequest } from './instructions.ts';
import { executeStartInstruction } from './start-instruction.ts';

/** Camunda's message for modifying an instance that does not exist or has ended. */
export function instanceCannotBeModified(processInstanceId: string): Error {
  return processEngineError(`ENGINE-13036 Process instance '${processInstanceId}' cannot be modified. The process instance does not exist`);
}

/** Camunda's message when a bulk modification meets an instance of another definition. */
export function definitionMismatch(processInstanceId: string, actualDefinitionId: string, expectedDefinitionId: string): Error {
  return processEngineError(
    `ENGINE-13037 Process instance '${processInstanceId}' cannot be modified. Its process definition '${actualDefinitionId}' does not match given process definition '${expectedDefinitionId}'`,
  );
}

/**
 * Process instance modification (reference §2): instructions run in order, each seeing the effects of
 * the ones before and running its tokens to wait states; the process instance survives being empty
 * in between and only ends after the last instruction if nothing is left. Any error discards all of
 * it: the returned state is a new object and the input is never touched.
 */
export function modifyProcessInstance(state: ProcessInstanceState, model: ProcessModel, request: ModificationRequest, env: EngineEnvironment): OperationResult {
  if (state.status !== 'ACTIVE') throw instanceCannotBeModified(state.id);
  const options = { skipCustomListeners: request.skipCustomListeners ?? false, skipIoMappings: request.skipIoMappings ?? false, externalCancellation: request.externallyTerminated ?? false };
  return runOperation(
    state,
    model,
    env,
    (runtime) => {
      runtime.preserveRoot = true;
      // Only cancelCurrentActiveActivityInstances needs the ids as they were before any instruction.
      const needsSnapshot = request.instructions.some((i) => i.type === 'cancel' && 'cancelCurrentActiveActivityInstances' in i && i.cancelCurrentActiveActivityInstances);
      const snapshot = new Set(needsSnapshot ? runtime.tree.all().map((n) => n.id) : []);
      let emptiedBy: 'completion' | 'cancellation' | undefined;
      for (const instruction of request.instructions) {
        runtime.rootCompletedWhilePreserved = false;
        if (instruction.type === 'cancel') executeCancelInstruction(runtime, instruction, snapshot);
        else executeStartInstruction(runtime, instruction);
        runtime.runToWaitStates();
        const empty = !(runtime.state.root.children && runtime.state.root.children.length > 0);
        // Camunda ends an empty instance as completed only if an end event emptied it last.
        if (empty) emptiedBy = runtime.rootCompletedWhilePreserved ? 'completion' : 'cancellation';
      }
      runtime.preserveRoot = false;
      if (runtime.state.root.children && runtime.state.root.children.length > 0) return;
      if (emptiedBy === 'completion') runtime.endProcessInstance('COMPLETED');
      else runtime.endProcessInstance(request.externallyTerminated ? 'EXTERNALLY_TERMINATED' : 'INTERNALLY_TERMINATED');
    },
    options,
  );
}
