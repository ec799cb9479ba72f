/**
 * The HTML form Camunda generates from camunda:formData (its HtmlFormEngine), element for element
 * and space for space, so a task list that embeds `rendered-form` shows what it showed with Camunda.
 * One deliberate difference: text (labels, option names) is HTML-escaped, which Camunda does not do,
 * because a label can be an expression over variables a user submitted. Attribute values escape
 * their quotes, as Camunda's do. Escaping stops markup, not AngularJS: a task list that compiles
 * the form still evaluates `{{…}}` in a label or default, as it does with Camunda's.
 */
import type { RenderedField } from '../engine/form-fields.ts';

interface Element {
  tag: string;
  selfClosing?: boolean;
  attributes: [string, string | null][];
  text?: string;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => text.replace(/"/g, '&quot;');

/** Camunda's HtmlDocumentBuilder: two spaces per open element, a start tag when opened, text and end tag when closed. */
class DocumentBuilder {
  private readonly open: Element[] = [];
  private html = '';

  start(element: Element): this {
    const attributes = element.attributes.map(([name, value]) => (value === null ? ` ${name}` : ` ${name}="${escapeAttribute(value)}"`)).join('');
    this.html += `${this.indent()}<${element.tag}${attributes}${element.selfClosing ? ' /' : ''}>\n`;
    this.open.push(element);
    return this;
  }

  end(): this {
    const element = this.open.pop()!;
    if (element.text !== undefined) this.html += `${this.indent()}  ${escapeText(element.text)}\n`;
    if (!element.selfClosing) this.html += `${this.indent()}</${element.tag}>\n`;
    return this;
  }

  leaf(element: Element): this {
    return this.start(element).end();
  }

  toString(): string {
    return this.html;
  }

  private indent(): string {
    return '  '.repeat(this.open.length);
  }
}

const el = (tag: string, attributes: [string, string | null][] = [], text?: string, selfClosing = false): Element => ({ tag, attributes, ...(text === undefined ? {} : { text }), selfClosing });

const isReadOnly = (field: RenderedField) => field.constraints.some((c) => c.name === 'readonly');

/** The attributes every control carries: its class, name, variable (or business key) and constraints. */
function commonAttributes(field: RenderedField): [string, string | null][] {
  const typeName = field.type === 'enum' || field.type === 'date' ? 'String' : field.type.charAt(0).toUpperCase() + field.type.slice(1);
  const attributes: [string, string | null][] = [
    ['class', 'form-control'],
    ['name', field.id],
  ];
  if (field.businessKey) attributes.push(['cam-business-key', null]);
  else attributes.push(['cam-variable-type', typeName], ['cam-variable-name', field.id]);
  for (const constraint of field.constraints) attributes.push([constraint.name === 'readonly' ? 'disabled' : constraint.name, constraint.config ?? null]);
  return attributes;
}

function renderDatePicker(field: RenderedField, doc: DocumentBuilder): void {
  const readOnly = isReadOnly(field);
  doc.start(el('div', [['class', 'input-group']]));
  const input: [string, string | null][] = [...commonAttributes(field), ['type', 'text']];
  if (!readOnly) input.push(['uib-datepicker-popup', field.datePattern ?? null], ['is-open', `dateFieldOpened${field.id}`]);
  doc.leaf(el('input', input, undefined, true));
  if (!readOnly) {
    doc.start(el('div', [['class', 'input-group-btn']]));
    doc.start(
      el('button', [
        ['type', 'button'],
        ['class', 'btn btn-default'],
        ['ng-click', `open${field.id}($event)`],
      ]),
    );
    doc.leaf(el('i', [['class', 'glyphicon glyphicon-calendar']]));
    doc.end().end();
    const script = `$scope.open${field.id} = function ($event) { $event.preventDefault(); $event.stopPropagation(); $scope.dateFieldOpened${field.id} = true; };`;
    doc.leaf(
      el(
        'script',
        [
          ['cam-script', null],
          ['type', 'text/form-script'],
        ],
        script,
      ),
    );
  }
  doc.end();
}

function renderControl(field: RenderedField, doc: DocumentBuilder): void {
  if (field.type === 'enum') {
    doc.start(el('select', commonAttributes(field)));
    for (const value of field.values) doc.leaf(el('option', [['value', value.id]], value.name));
    doc.end();
  } else if (field.type === 'date') {
    renderDatePicker(field, doc);
  } else {
    const attributes: [string, string | null][] = [...commonAttributes(field), ['type', field.type === 'boolean' ? 'checkbox' : 'text']];
    if (field.defaultValue !== null && field.defaultValue !== undefined) attributes.push(['value', String(field.defaultValue)]);
    doc.leaf(el('input', attributes, undefined, true));
  }
}

function renderInvalidMessages(field: RenderedField, doc: DocumentBuilder): void {
  const selector = `this.generatedForm.${field.id}`;
  doc.start(
    el('div', [
      ['ng-if', `${selector}.$invalid && ${selector}.$dirty`],
      ['class', 'has-error'],
    ]),
  );
  const message = (show: string, text: string) =>
    doc.leaf(
      el(
        'div',
        [
          ['ng-show', show],
          ['class', 'help-block'],
        ],
        text,
      ),
    );
  if (field.type === 'date') {
    message(`${selector}.$error.required && !${selector}.$error.date`, 'Required field');
    message(`${selector}.$error.date`, `Invalid date format: the date should have the pattern '${field.datePattern}'`);
  } else {
    message(`${selector}.$error.required`, 'Required field');
    message(`${selector}.$error.camVariableType`, `Only a ${field.type === 'enum' ? 'string' : field.type} value is allowed`);
  }
  doc.end();
}

/** The generated form of a non-empty list of fields. */
export function renderFormHtml(fields: readonly RenderedField[]): string {
  const doc = new DocumentBuilder().start(
    el('form', [
      ['name', 'generatedForm'],
      ['role', 'form'],
    ]),
  );
  for (const field of fields) {
    doc.start(el('div', [['class', 'form-group']]));
    if (field.label) doc.leaf(el('label', [['for', field.id]], field.label));
    renderControl(field, doc);
    renderInvalidMessages(field, doc);
    doc.end();
  }
  return doc.end().toString();
}
