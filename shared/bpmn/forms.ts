/**
 * The form a user task or a start event names (camunda:formKey, camunda:formRef): what Camunda's
 * FormService hands a task list so it can show the right form. Forms generated from
 * camunda:formData are not rendered here.
 */
import type { CompiledExpression } from '../expression/index.ts';
import { type ModdleElement, text } from './moddle-types.ts';

export interface FormReference {
  /** camunda:formKey: a literal or an expression. */
  readonly formKey?: CompiledExpression;
  /** camunda:formRef with its binding (latest, deployment, version) and version: a Camunda Form. */
  readonly formRef?: { readonly key: CompiledExpression; readonly binding: string; readonly version?: CompiledExpression };
}

/** What the parser's problem collector offers (shared/bpmn/parse-extensions.ts), named here to keep the imports one-way. */
interface Problems {
  add(elementId: string | undefined, message: string): void;
  expression(elementId: string | undefined, source: string): CompiledExpression | undefined;
}

/** Camunda's DefaultFormHandler.ALLOWED_FORM_REF_BINDINGS, in its order (the parse error lists them so). */
const FORM_REF_BINDINGS = ['deployment', 'latest', 'version'];

/** Camunda's BpmnParse#parseFormDefinition, with its parse errors. */
export function readFormReference(element: ModdleElement, id: string, problems: Problems): FormReference | undefined {
  const attribute = (name: string) => text(element, name);
  const formKey = attribute('formKey');
  const formRef = attribute('formRef');
  if (formKey === undefined && formRef === undefined) return undefined;
  if (formKey !== undefined && formRef !== undefined) problems.add(id, 'Invalid element definition: only one of the attributes formKey and formRef is allowed.');
  const reference: { formKey?: FormReference['formKey']; formRef?: FormReference['formRef'] } = {};
  if (formKey !== undefined) reference.formKey = problems.expression(id, formKey);
  if (formRef !== undefined) {
    const binding = attribute('formRefBinding');
    if (binding === undefined || !FORM_REF_BINDINGS.includes(binding)) {
      problems.add(id, `Invalid element definition: value for formRefBinding attribute has to be one of [${FORM_REF_BINDINGS.join(', ')}] but was ${binding ?? 'null'}`);
    }
    const version = binding === 'version' ? attribute('formRefVersion') : undefined;
    const key = problems.expression(id, formRef);
    if (key) reference.formRef = { key, binding: binding ?? 'latest', ...(version !== undefined ? { version: problems.expression(id, version) } : {}) };
  }
  return reference;
}
