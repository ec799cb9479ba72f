import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import { formFieldVariables, type RenderedField, renderedFields, submittedFormVariables } from './form-fields.ts';
import { type EvaluatedForm, evaluateForm } from './forms.ts';
import { findTaskOwner } from './lookup.ts';
import { cloneState, type OperationResult } from './operation.ts';
import { completeTask } from './operations.ts';
import { getOwn, hasOwn } from './own-properties.ts';
import { Runtime } from './runtime.ts';
import type { ProcessInstanceState, TypedValue, Variables } from './state.ts';
import { taskVariables } from './task-operations.ts';

/** A task's form as its task list sees it: the user task's form, read against the variables its execution sees. */
function formContext(state: ProcessInstanceState, model: ProcessModel, taskId: string, env: EngineEnvironment) {
  const runtime = new Runtime(cloneState(state), model, env);
  const owner = findTaskOwner(runtime.tree, taskId);
  const form = model.nodes.get(owner.activityId)?.form;
  return {
    form,
    fields: form?.fields ?? [],
    properties: form?.properties ?? [],
    evaluate: (expression: Parameters<Runtime['evaluate']>[0]) => runtime.evaluate(expression, owner),
    // A field reads its execution's variables, not the task's own (FormFieldHandler uses task.getExecution()).
    lookup: (name: string): TypedValue | undefined => {
      const holder = runtime.variableOwner(owner, name);
      return holder ? getOwn(holder.variables, name) : undefined;
    },
  };
}

/**
 * A task's form as Camunda reads it (TaskEntity#initializeFormKey): its expressions evaluated now,
 * against the variables the task sees. An expression that cannot be evaluated throws.
 */
export function taskFormOf(state: ProcessInstanceState, model: ProcessModel, taskId: string, env: EngineEnvironment): EvaluatedForm & { hasFields: boolean } {
  const { form, fields, evaluate } = formContext(state, model, taskId, env);
  return { ...evaluateForm(form, evaluate), hasFields: fields.length > 0 };
}

/**
 * GET /task/{id}/form-variables (GetTaskFormVariablesCmd): the form's fields first, then every
 * variable the task sees that no field has the name of; only `names` when given.
 */
export function taskFormVariables(state: ProcessInstanceState, model: ProcessModel, taskId: string, env: EngineEnvironment, names?: readonly string[]): Variables {
  const { fields, lookup, evaluate } = formContext(state, model, taskId, env);
  const result = formFieldVariables(fields, lookup, evaluate, names);
  for (const [name, value] of Object.entries(taskVariables(state, taskId, false))) {
    if (!hasOwn(result, name) && (!names || names.includes(name))) result[name] = value;
  }
  return result;
}

/** GET /task/{id}/rendered-form: the fields the HTML form shows. */
export function taskRenderedFields(state: ProcessInstanceState, model: ProcessModel, taskId: string, env: EngineEnvironment): RenderedField[] {
  const { fields, properties, evaluate, lookup } = formContext(state, model, taskId, env);
  return renderedFields(fields, evaluate, properties, lookup);
}

/** POST /task/{id}/submit-form: the form checks and converts the submitted variables, then the task completes with them. */
export function submitTaskForm(state: ProcessInstanceState, model: ProcessModel, taskId: string, submitted: Variables, env: EngineEnvironment): OperationResult {
  const { fields, properties, lookup, evaluate } = formContext(state, model, taskId, env);
  const variables = submittedFormVariables(fields, submitted, lookup, evaluate, properties);
  return completeTask(state, model, taskId, variables, env);
}
