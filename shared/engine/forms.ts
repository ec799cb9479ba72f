import type { FormReference } from '../bpmn/forms.ts';
import type { CompiledExpression } from '../expression/index.ts';

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
