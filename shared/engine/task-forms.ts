import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { type EvaluatedForm, evaluateForm } from './forms.ts';
import { findTaskOwner } from './lookup.ts';
import { cloneState } from './operation.ts';
import { Runtime } from './runtime.ts';
import type { ProcessInstanceState } from './state.ts';

/**
 * A task's form as Camunda reads it (TaskEntity#initializeFormKey): its expressions evaluated now,
 * against the variables the task sees. An expression that cannot be evaluated throws.
 */
export function taskFormOf(state: ProcessInstanceState, model: ProcessModel, taskId: string, env: EngineEnvironment): EvaluatedForm {
  const runtime = new Runtime(cloneState(state), model, env);
  const owner = findTaskOwner(runtime.tree, taskId);
  return evaluateForm(model.nodes.get(owner.activityId)?.form, (expression) => runtime.evaluate(expression, owner));
}
