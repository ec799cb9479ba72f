/**
 * The form a user task or a start event names (camunda:formKey, camunda:formRef): what Camunda's
 * FormService hands a task list so it can show the right form. Forms generated from
 * camunda:formData are not rendered here.
 */
import type { CompiledExpression } from '../expression/index.ts';
import { type ModdleElement, text } from './moddle-types.ts';
import type { ProblemCollector } from './parse-extensions.ts';

export interface FormReference {
  /** camunda:formKey: a literal or an expression. */
  readonly formKey?: CompiledExpression;
  /** camunda:formRef with its binding (latest, deployment, version) and version: a Camunda Form. */
  readonly formRef?: { readonly key: CompiledExpression; readonly binding: string; readonly version?: CompiledExpression };
}

export function readFormReference(element: ModdleElement, id: string, problems: ProblemCollector): FormReference | undefined {
  const present = (name: string) => {
    const value = text(element, name);
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const formKey = present('formKey');
  const formRef = present('formRef');
  if (formKey === undefined && formRef === undefined) return undefined;
  const binding = present('formRefBinding') ?? 'latest';
  const version = present('formRefVersion');
  return {
    ...(formKey !== undefined ? { formKey: problems.expression(id, formKey) } : {}),
    ...(formRef !== undefined ? { formRef: { key: problems.expression(id, formRef)!, binding, ...(version ? { version: problems.expression(id, version) } : {}) } } : {}),
  };
}
