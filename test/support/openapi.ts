/**
 * Camunda 7's OpenAPI document (shared/rest/openapi/camunda-openapi.json) as a test oracle
 * (issue 16): which operation a request is, and whether a response has the shape that document
 * gives for its status. The REST client of the tests checks every response it receives here, so
 * every end-to-end test is also a conformance test.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { bySpecificity, compilePattern, type CompiledPattern, matchPattern, pathSegments } from '../../shared/rest/route-table.ts';
import { KNOWN_DOCUMENT_ERRORS, KNOWN_OPTIONAL_FIELDS, KNOWN_SCHEMA_ERRORS } from './openapi-exceptions.ts';

const DOCUMENT_ID = 'camunda-openapi.json';
const METHODS = ['get', 'post', 'put', 'delete', 'options'] as const;

interface Operation {
  method: string;
  path: string;
  compiled: CompiledPattern;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON read at run time
type Json = any;

function loadDocument(): Json {
  // References are made absolute so that each response schema compiles on its own against the document.
  const text = readFileSync(new URL('../../shared/rest/openapi/camunda-openapi.json', import.meta.url), 'utf8');
  const document = JSON.parse(text.replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`));
  readAsCamundaSerializes(document.components.schemas);
  for (const fix of KNOWN_SCHEMA_ERRORS) fix.apply(document.components.schemas);
  for (const { schema, fields } of KNOWN_OPTIONAL_FIELDS) {
    const parts = [document.components.schemas[schema], ...(document.components.schemas[schema].allOf ?? [])];
    for (const part of parts) if (part.required) part.required = part.required.filter((name: string) => !fields.includes(name));
  }
  return document;
}

/**
 * What the document leaves unsaid, read the way Camunda's Jackson serializer writes (nulls included,
 * no `@JsonInclude` on the DTOs): every property is present, so every one is required; an object field of a DTO (a `$ref`) may be null,
 * e.g. `TaskDto.camundaFormRef` of a task without a Camunda Form; and `nullable` applies to an
 * `enum` too (`TaskDto.delegationState` of a task never delegated), which JSON Schema needs spelt
 * out as a null member of the enum.
 */
function readAsCamundaSerializes(node: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) readAsCamundaSerializes(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  // Every property is required: Camunda's DTOs always write every field (see KNOWN_OPTIONAL_FIELDS).
  if (node.properties) node.required = Object.keys(node.properties);
  if (node.properties) {
    for (const [name, property] of Object.entries<Json>(node.properties)) {
      if (property.$ref) node.properties[name] = { anyOf: [{ $ref: property.$ref }, { type: 'null' }] };
    }
  }
  for (const value of Object.values(node)) readAsCamundaSerializes(value);
}

let cached: { document: Json; operations: Operation[]; ajv: Ajv; validators: Map<string, ValidateFunction> } | undefined;

function oracle() {
  if (cached) return cached;
  const document = loadDocument();
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) {
      if (item[method]) operations.push({ method: method.toUpperCase(), path, compiled: compilePattern(path), responses: item[method].responses ?? {} });
    }
  }
  // The document is OpenAPI 3.0: `nullable`, `example` and friends; formats are not checked (its
  // dates are Camunda's `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, which is not RFC 3339).
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ components: document.components }, DOCUMENT_ID);
  cached = { document, operations, ajv, validators: new Map() };
  return cached;
}

/** Every operation of Camunda's document as `METHOD /path`. */
export function documentedOperations(): { method: string; path: string }[] {
  return oracle().operations.map(({ method, path }) => ({ method, path }));
}

/** The document's operation a request is (the most specific path that fits), if any. */
export function operationOf(method: string, requestPath: string): Operation | undefined {
  const segments = pathSegments(requestPath.split('?')[0]!.replace(/^\/engine-rest/, ''));
  const fitting = oracle().operations.filter((op) => op.method === method && matchPattern(op.compiled, segments));
  return fitting.sort((a, b) => bySpecificity(a.compiled, b.compiled))[0];
}

function validatorFor(operation: Operation, status: string, schema: unknown): ValidateFunction {
  const { ajv, validators } = oracle();
  const key = `${operation.method} ${operation.path} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema as object);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * What is wrong with a response by the document, or undefined when nothing is. An error status the
 * operation does not document (401, 403, another 4xx) still has to be Camunda's exception body; a
 * success status it does not document is wrong. A request outside the document is not judged.
 */
export function responseViolation(method: string, requestPath: string, status: number, body: unknown): string | undefined {
  const operation = operationOf(method, requestPath);
  if (!operation) return undefined;
  // Camunda's authentication filter answers 401 before any resource, with no body.
  if (status === 401 && body === null) return undefined;
  const label = `${method} ${operation.path} → ${status}`;
  const known = KNOWN_DOCUMENT_ERRORS.find((e) => e.method === method && e.path === operation.path && e.status === status);
  const documented = operation.responses[String(status)];
  let schema: unknown;
  if (known) schema = known.schema;
  else if (documented) schema = documented.content?.['application/json']?.schema;
  else if (status >= 400) schema = { $ref: `${DOCUMENT_ID}#/components/schemas/ExceptionDto` };
  else return `${label}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`;
  if (!schema) {
    // A documented answer without a JSON body (204, or text/plain / binary content).
    const hasJsonBody = body !== null && typeof body === 'object';
    return hasJsonBody && status === 204 ? `${label}: a body where the document has none` : undefined;
  }
  const validate = validatorFor(operation, String(status), schema);
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
  return `${label}: ${errors.join('; ')}`;
}
