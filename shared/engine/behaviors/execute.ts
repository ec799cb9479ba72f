import type { FlowNode } from '../../bpmn/model.ts';
import type { EnterOptions, Runtime } from '../runtime.ts';
import type { ActivityInstanceState } from '../state.ts';
import { armEvent } from './event-registration.ts';
import { executeExclusiveGateway, executeInclusiveGateway, executeParallelGateway } from './gateways.ts';
import { startMultiInstance } from './multi-instance.ts';
import { executeDelegateTask, executeExpressionTask, createExternalTask, createUserTask } from './tasks.ts';

/** What an activity does once its instance exists: continue at once, or wait for a trigger. */
export function executeBehavior(runtime: Runtime, instance: ActivityInstanceState, definition: FlowNode, options: EnterOptions): void {
  switch (definition.kind) {
    case 'startEvent':
    case 'passThroughTask':
    case 'intermediateThrow':
    case 'boundaryTimer':
    case 'boundaryMessage':
      runtime.leave(instance);
      return;
    case 'noneEndEvent':
      // No outgoing flow: leaving ends the token in its scope (after an async-after job if configured).
      runtime.leave(instance);
      return;
    case 'terminateEndEvent':
      terminate(runtime, instance);
      return;
    case 'userTask':
      createUserTask(runtime, instance, definition);
      return;
    case 'externalTask':
      createExternalTask(runtime, instance, definition);
      return;
    case 'expressionTask':
      executeExpressionTask(runtime, instance, definition);
      return;
    case 'delegateTask':
      executeDelegateTask(runtime, instance, definition);
      return;
    case 'receiveTask':
    case 'intermediateMessage':
    case 'intermediateTimer':
      armEvent(runtime, instance, definition);
      return;
    case 'subProcess':
      runtime.enter(instance, runtime.def(definition.noneStartEventId!));
      return;
    case 'eventSubProcess':
      runtime.enter(instance, runtime.def(definition.triggerStartEventId!));
      return;
    case 'multiInstanceBody':
      startMultiInstance(runtime, instance, definition);
      return;
    case 'exclusiveGateway':
      executeExclusiveGateway(runtime, instance, definition);
      return;
    case 'parallelGateway':
      executeParallelGateway(runtime, instance, definition);
      return;
    case 'inclusiveGateway':
      executeInclusiveGateway(runtime, instance, definition, options);
      return;
  }
}

/**
 * A terminate end event cancels every other token of its scope; the scope then completes normally
 * (a sub-process continues on its outgoing flow, the process instance ends).
 */
function terminate(runtime: Runtime, instance: ActivityInstanceState): void {
  const scope = runtime.parentOf(instance);
  for (const sibling of [...(scope.children ?? [])]) if (sibling !== instance) runtime.cancel(sibling);
  runtime.endActivityInstance(instance);
  if (scope === runtime.state.root && runtime.preserveRoot) {
    runtime.rootCompletedWhilePreserved = true;
    return;
  }
  if (runtime.defOf(scope).kind === 'multiInstanceBody') {
    runtime.tokenEnded(scope, instance.activityId);
    return;
  }
  runtime.completeScope(scope);
}
