import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/**
 * JSON bodies are read only as JSON (415 otherwise, as Camunda's JAX-RS resources answer): a page of
 * another site can make a browser post text/plain or a form with the credentials it caches for the
 * API (the progress page's users have them), but not application/json without asking first.
 */
describe('the media type of JSON bodies', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let body: string;

  const post = (contentType: string | undefined) =>
    fetch(`${runtime.url}/modification/executeAsync`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: new TextEncoder().encode(body) });
  const batches = async () => (await api.get('/batch/count')).body.count as number;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
    const pi = (await api.post('/process-definition/key/p1/start', {})).body.id as string;
    const definitionId = (await api.get('/process-definition/key/p1')).body.id as string;
    body = JSON.stringify({ processDefinitionId: definitionId, processInstanceIds: [pi], instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });
  });
  afterAll(() => stopAll(runtime));

  it('refuses a body sent as text or as a form, and creates nothing', async () => {
    const before = await batches();
    for (const contentType of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(contentType);
      expect(response.status, contentType).toBe(415);
      expect(await response.json()).toMatchObject({ type: 'RestException', message: expect.stringContaining('must be application/json') });
    }
    expect(await batches()).toBe(before);
  });

  it('reads JSON with or without parameters, and a body without a declared type', async () => {
    const before = await batches();
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/hal+json', undefined]) expect((await post(contentType)).status, String(contentType)).toBe(200);
    expect(await batches()).toBe(before + 4);
  });
});
