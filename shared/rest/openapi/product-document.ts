/**
 * The OpenAPI document of what this product implements (issue 16): Camunda 7's own document
 * (camunda-openapi.json beside this file; its NOTICE says where it comes from) with only the
 * operations the router answers, and this product's own routes added, each marked `x-extension`.
 * The file is read when first asked for, not bundled: the API function carries it beside its bundle
 * (cdk/constructs/engine-function.ts), so it costs nothing at a cold start.
 */
import { readFile } from 'node:fs/promises';
import { compilePattern } from '../route-table.ts';
import { type Route, Router } from '../router.ts';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is JSON read at run time
type Json = any;

const METHODS = ['get', 'post', 'put', 'delete', 'options'] as const;

let camunda: Promise<Json> | undefined;

/** Camunda's document, read once per container. */
export function camundaDocument(): Promise<Json> {
  camunda ??= readFile(new URL('./camunda-openapi.json', import.meta.url), 'utf8').then((text) => JSON.parse(text) as Json);
  // A failed read is tried again by the next request, not remembered.
  camunda.catch(() => {
    camunda = undefined;
  });
  return camunda;
}

/** A path with its parameters compared without their names. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** Whether the router answers this method and path with a route of that very path (not one of another path's parameter). */
function routes(router: Router, method: string, path: string): boolean {
  const found = router.find(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'some-id'));
  return typeof found === 'object' && shape(found.route.pattern) === shape(compilePattern(path).pattern);
}

/** An operation of this product's own, described as far as its route tells. */
function extensionOperation(route: Route): Json {
  const parameters = [...route.pattern.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  return {
    'x-extension': true,
    tags: ['Extensions'],
    summary: `${route.method} ${route.pattern}: an operation of this product, not of Camunda 7's API (see docs/api.md)`,
    parameters,
    responses: {
      '200': { description: 'Request successful.' },
      default: { description: 'An error, as Camunda’s ExceptionDto.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ExceptionDto' } } } },
    },
  };
}

/** A creating operation with this product's Idempotency-Key header parameter (marked as an extension). */
function withIdempotencyKey(operation: Json): Json {
  const header = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    'x-extension': true,
    description:
      'An extension of this product: the same key with the same request answers the first response again (header Idempotent-Replayed: true) for the configured window; the same key with another request is refused with 409 (docs/api.md).',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  };
  return { ...operation, parameters: [...(operation.parameters ?? []), header] };
}

/** Camunda's schemas with this product's extension fields added, each marked `x-extension`. */
function withExtensionFields(schemas: Record<string, Json>): Record<string, Json> {
  const count = (description: string) => ({ type: 'integer', format: 'int64', 'x-extension': true, description });
  const skipEnded = {
    type: 'boolean',
    nullable: true,
    'x-extension': true,
    description: 'An extension of this product: an instance that ended before its batch job ran is skipped, counted and reported instead of failing the job (docs/api.md).',
  };
  const rateLimit = {
    type: 'number',
    nullable: true,
    'x-extension': true,
    description: 'An extension of this product: the batch modifies at most this many instances per second (changeable with PUT /batch/{id}/rate-limit; docs/api.md).',
  };
  const addFields = (name: string, fields: Record<string, Json>) => (schemas[name] ? { [name]: { ...schemas[name], properties: { ...schemas[name].properties, ...fields } } } : {});
  return {
    ...schemas,
    ...addFields('BatchStatisticsDto', {
      instancesModified: count('An extension: the batch elements done (modified, deleted, …), skipped ones not counted.'),
      instancesSkipped: count('An extension: the instances skipped because they ended (skipEndedInstances).'),
      instancesFailed: count('An extension: the elements whose job failed and that have not succeeded since (GET /batch/{id}/failures).'),
    }),
    ...addFields('ModificationDto', { skipEndedInstances: skipEnded, maxInstancesPerSecond: rateLimit }),
    ...addFields('ProcessInstanceModificationDto', { skipEndedInstances: skipEnded, maxInstancesPerSecond: rateLimit }),
  };
}

/** Camunda's document trimmed to the routed operations, with the product's own routes added and marked. */
export function productDocument(source: Json, allRoutes: readonly Route[], serverUrl: string): Json {
  const router = new Router([...allRoutes]);
  const paths: Record<string, Json> = {};
  const documented = new Set<string>();
  for (const [path, item] of Object.entries<Json>(source.paths)) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      documented.add(`${method.toUpperCase()} ${shape(path)}`);
      if (!routes(router, method, path)) continue;
      const found = router.find(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'some-id'));
      const idempotent = typeof found === 'object' && found.route.idempotent === true;
      paths[path] = { ...(paths[path] ?? {}), [method]: idempotent ? withIdempotencyKey(item[method]) : item[method] };
    }
    if (paths[path] && item.parameters) paths[path].parameters = item.parameters;
  }
  for (const route of allRoutes) {
    if (documented.has(`${route.method} ${shape(route.pattern)}`)) continue;
    const method = route.method.toLowerCase();
    paths[route.pattern] = { ...(paths[route.pattern] ?? {}), [method]: extensionOperation(route) };
  }
  return {
    ...source,
    info: {
      ...source.info,
      title: 'Camunda 7 REST API, as this product implements it',
      description: `${source.info?.description ?? ''}\n\nThe operations this product routes, as Camunda 7.24 documents them; operations marked \`x-extension\` are this product's own. Differences from Camunda are listed in docs/api.md.`,
    },
    servers: [{ url: serverUrl }],
    components: { ...source.components, schemas: withExtensionFields(source.components?.schemas ?? {}) },
    tags: [...(source.tags ?? []), { name: 'Extensions', description: 'Operations of this product that Camunda 7 does not have.' }],
    paths,
  };
}

const escapeHtml = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The document as one readable HTML page: its operations by tag, each with its parameters and responses. */
export function documentPage(document: Json): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((p: Json) => `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''}) ${escapeHtml(p.description)}</li>`)
        .join('');
      const responses = Object.entries<Json>(operation.responses ?? {})
        .map(([status, response]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(response.description)}</li>`)
        .join('');
      const html = `<section class="op${operation['x-extension'] ? ' extension' : ''}" id="${escapeHtml(operation.operationId ?? `${method}-${path}`)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${operation['x-extension'] ? ' <em>extension</em>' : ''}</h3>
<p>${escapeHtml(operation.summary)}</p>${operation.description ? `<details><summary>Description</summary><pre>${escapeHtml(operation.description)}</pre></details>` : ''}
${parameters ? `<h4>Parameters</h4><ul>${parameters}</ul>` : ''}${operation.requestBody ? '<h4>Request body</h4><p>JSON (see openapi.json)</p>' : ''}<h4>Responses</h4><ul>${responses}</ul>
</section>`;
      const tag = operation.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const tags = [...byTag.keys()].sort();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info?.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}code{font-family:ui-monospace,monospace}
.method{display:inline-block;min-width:4.5rem;font-weight:bold}.get{color:#0a7}.post{color:#06c}.put{color:#b60}.delete{color:#c22}.options{color:#666}
.op{border-top:1px solid #ddd;padding:.5rem 0}.extension h3 em{color:#a0a}pre{white-space:pre-wrap}nav a{margin-right:.75rem}</style></head>
<body><h1>${escapeHtml(document.info?.title)}</h1><p>${escapeHtml(document.info?.description)}</p>
<p>The document itself: <a href="openapi.json">openapi.json</a>.</p>
<nav>${tags.map((tag) => `<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join('')}</nav>
${tags.map((tag) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${byTag.get(tag)!.join('\n')}`).join('\n')}
</body></html>`;
}
