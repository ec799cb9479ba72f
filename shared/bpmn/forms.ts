/**
 * The form a user task or a start event names (camunda:formKey, camunda:formRef) and the fields of a
 * form Camunda generates from camunda:formData: what Camunda's FormService hands a task list, and
 * what it checks and converts when the form is submitted.
 */
import type { CompiledExpression } from '../expression/index.ts';
import { tokenizeDatePattern } from './date-pattern.ts';
import { child, children, extensionValues, type ModdleElement, text } from './moddle-types.ts';

export interface FormReference {
  /** camunda:formKey: a literal or an expression. */
  readonly formKey?: CompiledExpression;
  /** camunda:formRef with its binding (latest, deployment, version) and version: a Camunda Form. */
  readonly formRef?: { readonly key: CompiledExpression; readonly binding: string; readonly version?: CompiledExpression };
  /** camunda:formData's fields, in document order. */
  readonly fields?: readonly FormField[];
}

/** Camunda's built-in form field types (FormTypes). */
export type FormFieldType = 'string' | 'long' | 'boolean' | 'date' | 'enum';

/** Camunda's built-in validators (FormValidators), with their configuration as written. */
export interface FormFieldConstraint {
  readonly name: 'required' | 'readonly' | 'minlength' | 'maxlength' | 'min' | 'max';
  readonly config?: string;
}

/** A camunda:formField. */
export interface FormField {
  readonly id: string;
  readonly label?: CompiledExpression;
  readonly type: FormFieldType;
  /** date fields: Java's SimpleDateFormat pattern (Camunda's default dd/MM/yyyy). */
  readonly datePattern?: string;
  /** enum fields: the values, id and name, in order. */
  readonly values?: readonly { readonly id: string; readonly name: string }[];
  readonly defaultValue?: CompiledExpression;
  readonly constraints: readonly FormFieldConstraint[];
  /** The field formData's businessKey names: shown, but not set as a variable on submit. */
  readonly businessKey: boolean;
}

const FIELD_TYPES: readonly string[] = ['string', 'long', 'boolean', 'date', 'enum'];
const CONSTRAINTS: readonly string[] = ['required', 'readonly', 'minlength', 'maxlength', 'min', 'max'];

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
  const fields = readFormData(element, id, problems);
  if (formKey === undefined && formRef === undefined && fields === undefined) return undefined;
  if (formKey !== undefined && formRef !== undefined) problems.add(id, 'Invalid element definition: only one of the attributes formKey and formRef is allowed.');
  const reference: { formKey?: FormReference['formKey']; formRef?: FormReference['formRef']; fields?: readonly FormField[] } = fields ? { fields } : {};
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

/**
 * camunda:formData (Camunda's DefaultFormHandler#parseFormData), with its parse errors. A
 * `validator` constraint names a Java class or an expression resolving to one, which cannot run
 * here: it is refused with the field named.
 */
function readFormData(element: ModdleElement, id: string, problems: Problems): FormField[] | undefined {
  const formData = extensionValues(element).find((value) => value.$type === 'camunda:FormData');
  if (!formData) return undefined;
  const businessKeyField = text(formData, 'businessKey');
  const fields: FormField[] = [];
  for (const field of children(formData, 'fields')) {
    const fieldId = text(field, 'id');
    if (!fieldId) {
      problems.add(id, 'attribute id must be set for FormFieldGroup and must have a non-empty value');
      continue;
    }
    const type = text(field, 'type');
    if (type === undefined) {
      problems.add(id, "form field must have a 'type' attribute");
      continue;
    }
    if (!FIELD_TYPES.includes(type)) {
      problems.add(id, `unknown type '${type}'`);
      continue;
    }
    const constraints: FormFieldConstraint[] = [];
    for (const constraint of children(child(field, 'validation') ?? { $type: 'camunda:Validation' }, 'constraints')) {
      const name = text(constraint, 'name') ?? '';
      const config = text(constraint, 'config');
      if (name === 'validator') problems.add(id, `Form field '${fieldId}': custom validators (camunda:constraint name="validator") run Java code and are not supported`);
      else if (!CONSTRAINTS.includes(name)) problems.add(id, `Cannot find validator implementation for name '${name}'.`);
      else constraints.push({ name: name as FormFieldConstraint['name'], ...(config === undefined ? {} : { config }) });
    }
    const datePattern = text(field, 'datePattern') ?? 'dd/MM/yyyy';
    if (type === 'date' && !tokenizeDatePattern(datePattern)) {
      problems.add(id, `Form field '${fieldId}': date pattern '${datePattern}' uses letters beyond y, M, d, H, h, m, s, S and a, which this engine does not format`);
    }
    const label = text(field, 'label');
    const defaultValue = text(field, 'defaultValue');
    fields.push({
      id: fieldId,
      type: type as FormFieldType,
      ...(label === undefined ? {} : { label: problems.expression(id, label) }),
      ...(defaultValue === undefined ? {} : { defaultValue: problems.expression(id, defaultValue) }),
      ...(type === 'date' ? { datePattern } : {}),
      ...(type === 'enum' ? { values: children(field, 'values').map((value) => ({ id: text(value, 'id') ?? '', name: text(value, 'name') ?? '' })) } : {}),
      constraints,
      businessKey: fieldId === businessKeyField,
    });
  }
  return fields;
}
