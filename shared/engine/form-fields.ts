/**
 * Generated forms (camunda:formData) as Camunda's FormFieldHandler and form types treat them: the
 * values a form shows (GET form-variables), the checks and conversions a submitted form goes
 * through before its variables are set, and what the HTML form renders.
 */
import { formatDatePattern, parseDatePattern } from '../bpmn/date-pattern.ts';
import type { FormField, FormFieldConstraint, FormFieldType, FormProperty } from '../bpmn/forms.ts';
import type { CompiledExpression } from '../expression/index.ts';
import { EngineError, processEngineError } from './errors.ts';
import type { TypedValue, Variables } from './state.ts';

type Evaluate = (expression: CompiledExpression) => unknown;
/** The variable of that name the form's scope sees (the task's execution; nothing for a start form). */
type Lookup = (name: string) => TypedValue | undefined;

const validationError = (message: string) => new EngineError('FormFieldValidationException', message);
const numberFormat = (text: string) => new EngineError('NumberFormatException', `For input string: "${text}"`);

/** How Java prints a value in Camunda's messages. */
function javaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A plain JavaScript value as the typed value Camunda's untypedValue would give it. */
function untyped(value: unknown): TypedValue {
  if (value === null || value === undefined) return { type: 'Null', value: null };
  if (typeof value === 'string') return { type: 'String', value };
  if (typeof value === 'boolean') return { type: 'Boolean', value };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'Long' : 'Double', value };
  return { type: 'Object', value };
}

const isNumeric = (typed: TypedValue) => typeof typed.value === 'number';

/** The type's convertToModelValue: a submitted (or default) value as the variable the form sets. */
function toModelValue(field: FormField, typed: TypedValue): TypedValue {
  const { value } = typed;
  switch (field.type) {
    case 'string':
      return { type: 'String', value: value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value) };
    case 'long': {
      if (value === null) return { type: 'Long', value: null };
      if (isNumeric(typed) || typeof value === 'string') {
        const text = javaText(value);
        if (!/^[+-]?\d+$/.test(text)) throw numberFormat(text);
        return { type: 'Long', value: Number(text) };
      }
      throw processEngineError(`Value '${javaText(value)}' is not of type Long.`);
    }
    case 'boolean':
      if (value === null) return { type: 'Boolean', value: null };
      if (typeof value === 'boolean') return { type: 'Boolean', value };
      if (typeof value === 'string') return { type: 'Boolean', value: value.toLowerCase() === 'true' };
      throw processEngineError(`Value '${javaText(value)}' is not of type Boolean.`);
    case 'date': {
      if (value === null || typed.type === 'Date') return { type: 'Date', value };
      if (typeof value !== 'string') throw processEngineError(`Value '${javaText(value)}' cannot be transformed into a Date.`);
      if (value.trim() === '') return { type: 'Date', value: null };
      const time = parseDatePattern(value, field.datePattern!);
      if (time === undefined) throw processEngineError(`Could not parse value '${value}' as date using date format '${field.datePattern}'.`);
      return { type: 'Date', value: new Date(time).toISOString() };
    }
    case 'enum':
      if (value === null) return { type: 'String', value: null };
      if (typeof value !== 'string') throw processEngineError(`Value '${javaText(value)}' is not of type String.`);
      if (!field.values?.some((v) => v.id === value)) throw processEngineError(`Invalid value for enum form property: ${value}`);
      return { type: 'String', value };
  }
}

/** The type's convertToFormValue: a variable as the form shows it (dates as text in the field's pattern, '' when none). */
function toFormValue(field: FormField, typed: TypedValue): TypedValue {
  const { value } = typed;
  switch (field.type) {
    case 'string':
      return { type: 'String', value: value === null ? null : javaText(value) };
    case 'long':
      return toModelValue(field, typed);
    case 'boolean':
      return toModelValue(field, typed);
    case 'date':
      if (value !== null && typed.type !== 'Date') throw processEngineError(`Expected value to be of type 'date' but got '${typed.type.toLowerCase()}'.`);
      return { type: 'String', value: typeof value === 'string' ? formatDatePattern(Date.parse(value), field.datePattern!) : '' };
    case 'enum':
      return toModelValue(field, typed);
  }
}

/**
 * What a field shows (FormFieldHandler#createFormField): the scope's variable of its name, else its
 * default value. A variable that does not convert is Camunda's "failed to convert"; a default that
 * does not convert fails as itself.
 */
function fieldValue(field: FormField, lookup: Lookup, evaluate: Evaluate): TypedValue {
  const variable = lookup(field.id);
  if (variable) {
    try {
      return toFormValue(field, variable);
    } catch (error) {
      throw Object.assign(validationError(`failed to convert '${field.id}'`), { cause: error });
    }
  }
  const fallback = field.defaultValue ? evaluate(field.defaultValue) : null;
  return toFormValue(field, toModelValue(field, untyped(fallback)));
}

/** GET form-variables: the form's fields, in order, limited to `names` when given. */
export function formFieldVariables(fields: readonly FormField[], lookup: Lookup, evaluate: Evaluate, names?: readonly string[]): Variables {
  const result: Variables = {};
  for (const field of fields) if (!names || names.includes(field.id)) result[field.id] = fieldValue(field, lookup, evaluate);
  return result;
}

/** What the HTML form renders of a field (Camunda's FormField): its label and its default, evaluated. */
export interface RenderedField {
  readonly id: string;
  readonly label: string | null;
  readonly type: FormFieldType;
  readonly datePattern?: string;
  readonly values: readonly { readonly id: string; readonly name: string }[];
  /** The default as the form's model value (null when none): what an input's `value` shows. */
  readonly defaultValue: unknown;
  readonly constraints: readonly FormFieldConstraint[];
  readonly businessKey: boolean;
}

/** A legacy form property as the field its type converts like (Camunda's form types serve both). */
function asField(property: FormProperty): FormField {
  return {
    id: property.id,
    type: property.type ?? 'string',
    ...(property.datePattern ? { datePattern: property.datePattern } : {}),
    ...(property.values ? { values: property.values } : {}),
    constraints: [],
    businessKey: false,
  };
}

/**
 * The readable legacy properties as Camunda's HtmlFormEngine renders them (its FormPropertyAdapter):
 * after the fields, labelled by their name, required and not writable as constraints, showing the
 * value they read now as text (none on a start form).
 */
function renderedProperties(properties: readonly FormProperty[], lookup: Lookup | undefined, evaluate: Evaluate): RenderedField[] {
  return properties
    .filter((property) => property.readable)
    .map((property) => {
      const current = !lookup ? undefined : property.expression ? evaluate(property.expression) : lookup(property.variable ?? property.id)?.value;
      const constraints: FormFieldConstraint[] = [...(property.required ? [{ name: 'required' as const }] : []), ...(property.writable ? [] : [{ name: 'readonly' as const }])];
      return {
        id: property.id,
        label: property.name ?? null,
        type: property.type ?? 'string',
        ...(property.datePattern ? { datePattern: property.datePattern } : {}),
        values: property.values ?? [],
        defaultValue: current === null || current === undefined ? null : javaText(current),
        constraints,
        businessKey: false,
      };
    });
}

export function renderedFields(fields: readonly FormField[], evaluate: Evaluate, properties: readonly FormProperty[] = [], lookup?: Lookup): RenderedField[] {
  return [...renderedFormFields(fields, evaluate), ...renderedProperties(properties, lookup, evaluate)];
}

function renderedFormFields(fields: readonly FormField[], evaluate: Evaluate): RenderedField[] {
  return fields.map((field) => {
    const label = field.label ? evaluate(field.label) : null;
    const fallback = field.defaultValue ? evaluate(field.defaultValue) : null;
    return {
      id: field.id,
      label: label === null || label === undefined ? null : javaText(label),
      type: field.type,
      ...(field.datePattern ? { datePattern: field.datePattern } : {}),
      values: field.values ?? [],
      defaultValue: toModelValue(field, untyped(fallback)).value,
      constraints: field.constraints,
      businessKey: field.businessKey,
    };
  });
}

const JAVA_CLASSES: Partial<Record<TypedValue['type'], string>> = {
  Integer: 'java.lang.Integer',
  Long: 'java.lang.Long',
  Double: 'java.lang.Double',
  Boolean: 'java.lang.Boolean',
  Date: 'java.util.Date',
};

function integerConfig(name: string, config: string | undefined): number {
  if (config === undefined || !/^[+-]?\d+$/.test(config.trim()))
    throw new EngineError('FormFieldConfigurationException', `Cannot validate "${name}": configuration ${config ?? 'null'} cannot be interpreted as Integer`);
  return Number(config);
}

/** One validator on the submitted value (FormValidators' built-ins); false: the value is invalid. */
function holds(constraint: FormFieldConstraint, field: FormField, submitted: TypedValue | undefined, lookup: Lookup, evaluate: Evaluate): boolean {
  const value = submitted?.value ?? null;
  switch (constraint.name) {
    case 'required':
      if (value === null) {
        const existing = lookup(field.id);
        if (existing && existing.value !== null) return true;
        return field.defaultValue !== undefined && evaluate(field.defaultValue) !== null && evaluate(field.defaultValue) !== undefined;
      }
      return value !== '';
    case 'readonly':
      return value === null;
    case 'minlength':
    case 'maxlength': {
      if (value === null) return true;
      if (typeof value !== 'string') {
        const validator = constraint.name === 'minlength' ? 'MinLengthValidator' : 'MaxLengthValidator';
        throw processEngineError(`String validator ${validator} cannot be used on non-string value of type class ${JAVA_CLASSES[submitted!.type] ?? 'java.lang.Object'}`);
      }
      const limit = integerConfig(constraint.name, constraint.config);
      return constraint.name === 'minlength' ? value.length >= limit : value.length <= limit;
    }
    case 'min':
    case 'max': {
      if (value === null) return true;
      if (typeof value !== 'number') return false;
      const javaType = submitted!.type === 'Double' ? 'Double' : submitted!.type === 'Integer' ? 'Integer' : 'Long';
      const config = constraint.config?.trim() ?? '';
      const valid = javaType === 'Double' ? /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(config) : /^[+-]?\d+$/.test(config);
      if (!valid)
        throw new EngineError('FormFieldConfigurationException', `Cannot validate ${javaType} value ${javaText(value)}: configuration ${constraint.config ?? 'null'} cannot be parsed as ${javaType}.`);
      // Camunda's max is exclusive.
      return constraint.name === 'min' ? value >= Number(config) : value < Number(config);
    }
  }
}

/**
 * A submitted form (DefaultFormHandler#submitFormVariables): the legacy properties are checked
 * (writable, required), converted and set under their variable; each field but the business key's
 * is validated on its raw value, then converted (or given its default when not submitted); every
 * other submitted variable is set as it came. The result is what the submit sets, in that order.
 */
export function submittedFormVariables(fields: readonly FormField[], submitted: Variables, lookup: Lookup, evaluate: Evaluate, properties: readonly FormProperty[] = []): Variables {
  const remaining: Variables = { ...submitted };
  const result: Variables = {};
  // The legacy properties first, as Camunda's handler submits them before the fields.
  for (const property of properties) {
    const value = Object.hasOwn(submitted, property.id) ? submitted[property.id] : undefined;
    delete remaining[property.id];
    if (value && !property.writable) throw processEngineError(`form property '${property.id}' is not writable`);
    if (!value && property.required && !property.defaultValue) throw processEngineError(`form property '${property.id}' is required`);
    const typed = value ?? (property.defaultValue ? untyped(evaluate(property.defaultValue)) : undefined);
    if (typed) result[property.variable ?? property.id] = property.type ? toModelValue(asField(property), typed) : typed;
  }
  for (const field of fields) {
    if (field.businessKey) continue;
    const value = Object.hasOwn(submitted, field.id) ? submitted[field.id] : undefined;
    delete remaining[field.id];
    for (const constraint of field.constraints) {
      if (holds(constraint, field, value, lookup, evaluate)) continue;
      const described = constraint.config === undefined ? constraint.name : `${constraint.name}(${constraint.config})`;
      throw new EngineError('FormFieldValidatorException', `Invalid value submitted for form field '${field.id}': validation of ${described} failed.`);
    }
    if (value) result[field.id] = toModelValue(field, value);
    else if (field.defaultValue) result[field.id] = toModelValue(field, untyped(evaluate(field.defaultValue)));
  }
  return { ...result, ...remaining };
}
