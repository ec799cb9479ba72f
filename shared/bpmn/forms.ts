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
  /** The legacy camunda:formProperty elements, in document order. */
  readonly properties?: readonly FormProperty[];
}

/** A legacy camunda:formProperty (Camunda's FormPropertyHandler). */
export interface FormProperty {
  readonly id: string;
  readonly name?: string;
  /** Absent: the submitted value is kept as it came. */
  readonly type?: FormFieldType;
  readonly datePattern?: string;
  readonly values?: readonly { readonly id: string; readonly name: string }[];
  readonly required: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  /** The variable the property reads and writes (default: its id). */
  readonly variable?: string;
  /** camunda:expression of a read-only property: what it shows. */
  readonly expression?: CompiledExpression;
  /** camunda:default: the value written when none is submitted. */
  readonly defaultValue?: CompiledExpression;
}

const TRUE_VALUES = ['on', 'yes', 'true', 'enabled', 'active'];
const FALSE_VALUES = ['off', 'no', 'false', 'disabled', 'inactive'];

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
  const properties = readFormProperties(element, id, problems);
  if (formKey === undefined && formRef === undefined && fields === undefined && properties === undefined) return undefined;
  if (formKey !== undefined && formRef !== undefined) problems.add(id, 'Invalid element definition: only one of the attributes formKey and formRef is allowed.');
  const reference: { formKey?: FormReference['formKey']; formRef?: FormReference['formRef']; fields?: readonly FormField[]; properties?: readonly FormProperty[] } = {
    ...(fields ? { fields } : {}),
    ...(properties ? { properties } : {}),
  };
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

/** A boolean attribute of a form property, with Camunda's parse error (FormPropertyHandler). */
function flag(element: ModdleElement, name: string, fallback: boolean, id: string, problems: Problems): boolean {
  const value = text(element, name);
  if (value === undefined) return fallback;
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  problems.add(id, `attribute '${name}' must be one of {on|yes|true|enabled|active|off|no|false|disabled|inactive}`);
  return fallback;
}

/**
 * The legacy camunda:formProperty elements (Camunda's DefaultFormHandler#parseFormProperties). An
 * expression that a writable property would write through (EL's setValue) cannot run here: refused.
 */
function readFormProperties(element: ModdleElement, id: string, problems: Problems): FormProperty[] | undefined {
  const elements = extensionValues(element).filter((value) => value.$type === 'camunda:FormProperty');
  if (elements.length === 0) return undefined;
  const properties: FormProperty[] = [];
  for (const property of elements) {
    const propertyId = text(property, 'id');
    if (!propertyId) {
      problems.add(id, "attribute 'id' is required");
      continue;
    }
    const type = text(property, 'type');
    if (type !== undefined && !FIELD_TYPES.includes(type)) {
      problems.add(id, `unknown type '${type}'`);
      continue;
    }
    const datePattern = text(property, 'datePattern') ?? 'dd/MM/yyyy';
    if (type === 'date' && !tokenizeDatePattern(datePattern)) {
      problems.add(id, `Form property '${propertyId}': date pattern '${datePattern}' uses letters beyond y, M, d, H, h, m, s, S and a, which this engine does not format`);
    }
    const writable = flag(property, 'writable', true, id, problems);
    const expression = text(property, 'expression');
    if (expression !== undefined && writable) problems.add(id, `Form property '${propertyId}': a writable property that writes through an expression (camunda:expression) is not supported`);
    const name = text(property, 'name');
    const variable = text(property, 'variable');
    const fallback = text(property, 'default');
    properties.push({
      id: propertyId,
      ...(name === undefined ? {} : { name }),
      ...(type === undefined ? {} : { type: type as FormFieldType }),
      ...(type === 'date' ? { datePattern } : {}),
      ...(type === 'enum' ? { values: children(property, 'values').map((value) => ({ id: text(value, 'id') ?? '', name: text(value, 'name') ?? '' })) } : {}),
      required: flag(property, 'required', false, id, problems),
      readable: flag(property, 'readable', true, id, problems),
      writable,
      ...(variable === undefined ? {} : { variable }),
      ...(expression === undefined ? {} : { expression: problems.expression(id, expression) }),
      ...(fallback === undefined ? {} : { defaultValue: problems.expression(id, fallback) }),
    });
  }
  return properties;
}
