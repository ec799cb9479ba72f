import type { FormField, FormReference } from '../bpmn/forms.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import { type CompiledExpression, evaluate } from '../expression/index.ts';
import { formFieldVariables, type RenderedField, renderedFields, submittedFormVariables } from './form-fields.ts';
import type { Variables } from './state.ts';

export interface EvaluatedForm {
  formKey?: string;
  camundaFormRef?: { key: string; binding: string; version: number | null };
}

/** A form reference with its expressions evaluated (Camunda's FormDefinition#getFormKey().getValue). */
export function evaluateForm(form: FormReference | undefined, evaluate: (expression: CompiledExpression) => unknown): EvaluatedForm {
  if (!form) return {};
  const result: EvaluatedForm = {};
  if (form.formKey) {
    const key = evaluate(form.formKey);
    if (key !== null && key !== undefined) result.formKey = String(key);
  }
  if (form.formRef) {
    const key = evaluate(form.formRef.key);
    const version = form.formRef.version ? evaluate(form.formRef.version) : undefined;
    if (key !== null && key !== undefined) {
      const number = version === undefined || version === null || version === '' ? null : Number(version);
      result.camundaFormRef = { key: String(key), binding: form.formRef.binding, version: number !== null && Number.isInteger(number) ? number : null };
    }
  }
  return result;
}

/**
 * The start form's fields: only the initial none start event has a start form (BpmnParse gives
 * no other a start form handler). They are read before any variable exists (Camunda's
 * StartProcessVariableScope), so a default can name no variable.
 */
export function startFormFields(model: ProcessModel): readonly FormField[] {
  return startForm(model)?.fields ?? [];
}

function startForm(model: ProcessModel): FormReference | undefined {
  const start = model.initialStartEventId ? model.nodes.get(model.initialStartEventId) : undefined;
  return start?.form;
}

const withoutVariables = (expression: CompiledExpression) => evaluate(expression, { resolve: () => undefined });

/** GET /process-definition/{id}/form-variables: the start form's fields only. */
export function startFormVariables(model: ProcessModel, names?: readonly string[]): Variables {
  return formFieldVariables(startFormFields(model), () => undefined, withoutVariables, names);
}

export function startRenderedFields(model: ProcessModel): RenderedField[] {
  return renderedFields(startFormFields(model), withoutVariables, startForm(model)?.properties ?? []);
}

/** POST /process-definition/{id}/submit-form: the variables the new instance starts with. */
export function submittedStartVariables(model: ProcessModel, submitted: Variables): Variables {
  return submittedFormVariables(startFormFields(model), submitted, () => undefined, withoutVariables, startForm(model)?.properties ?? []);
}
