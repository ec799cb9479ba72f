import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { documentedOperations } from '../support/openapi.ts';
import { unroutedOperations } from '../support/openapi-routing.ts';

describe('the OpenAPI document of what this product implements (issue 16)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('holds exactly the routed operations of Camunda’s document, and the product’s own marked as extensions', async () => {
    const { status, body } = await api.get('/openapi.json');
    expect(status).toBe(200);
    expect(body.servers).toEqual([{ url: runtime.url }]);
    const served = Object.entries<Record<string, { 'x-extension'?: boolean }>>(body.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => method !== 'parameters')
        .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, extension: operation['x-extension'] === true })),
    );
    const unrouted = new Set(unroutedOperations().map((op) => `${op.method} ${op.path}`));
    const routed = documentedOperations()
      .map((op) => `${op.method} ${op.path}`)
      .filter((key) => !unrouted.has(key));
    expect(
      served
        .filter((op) => !op.extension)
        .map((op) => op.key)
        .sort(),
    ).toEqual(routed.sort());
    expect(served.filter((op) => op.extension).map((op) => op.key)).toEqual(expect.arrayContaining(['GET /openapi.json', 'GET /openapi.html']));
    // Camunda's schemas come along, so the operations' references resolve.
    expect(body.paths['/decision-definition/{id}/evaluate'].post.responses['200'].content['application/json'].schema.items.additionalProperties.$ref).toBe('#/components/schemas/VariableValueDto');
    expect(body.components.schemas.VariableValueDto).toBeDefined();
  });

  it('documents the Idempotency-Key header on the creating operations, marked as an extension', async () => {
    const { body } = await api.get('/openapi.json');
    const keyOf = (operation: { parameters?: { name: string; in: string; 'x-extension'?: boolean }[] }) => operation.parameters?.find((p) => p.name === 'Idempotency-Key');
    for (const [path, method] of [
      ['/process-instance/{id}/modification-async', 'post'],
      ['/modification/executeAsync', 'post'],
      ['/deployment/create', 'post'],
      ['/message', 'post'],
    ] as const) {
      expect(keyOf(body.paths[path][method]), `${method} ${path}`).toMatchObject({ in: 'header', 'x-extension': true });
    }
    expect(keyOf(body.paths['/process-instance'].get)).toBeUndefined();
  });

  it('marks the extension fields of Camunda’s schemas', async () => {
    const { body } = await api.get('/openapi.json');
    expect(body.components.schemas.BatchStatisticsDto.properties.instancesSkipped).toMatchObject({ type: 'integer', 'x-extension': true });
    expect(body.components.schemas.ModificationDto.properties.skipEndedInstances).toMatchObject({ type: 'boolean', 'x-extension': true });
    // Camunda's own fields stay as Camunda documents them (BatchStatisticsDto is an allOf of BatchDto and its counts).
    const camundaFields = body.components.schemas.BatchStatisticsDto.allOf.find((part: { properties?: object }) => part.properties);
    expect(camundaFields.properties.failedJobs).toBeDefined();
    expect(camundaFields.properties.failedJobs['x-extension']).toBeUndefined();
  });

  it('reads as a page: every operation under its tag, extensions marked', async () => {
    const response = await fetch(`${runtime.url}/openapi.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<h2 id="tag-Decision Definition">Decision Definition</h2>');
    expect(page).toContain('<code>/decision-definition/{id}/evaluate</code>');
    expect(page).toMatch(/<code>\/openapi\.json<\/code> <em>extension<\/em>/);
    expect(page).not.toContain('<code>/task/create</code>');
  });
});
