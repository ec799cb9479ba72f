import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/**
 * The Idempotency-Key header (an extension, docs/api.md): a creating request sent again with the
 * same key and body gets the first answer; the same key with another body is refused.
 */
describe('Idempotency-Key on creating requests', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;

  const post = async (path: string, body: unknown, key?: string) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, replayed: response.headers.get('idempotent-replayed') };
  };
  const start = async () => (await api.post('/process-definition/key/p1/start', {})).body.id as string;
  const modification = (pi: string) => ({ instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }], pi });
  const batchCount = async () => (await api.get('/batch/count')).body.count as number;

  beforeAll(async () => {
    // Workers off: the batches stay, to be counted.
    runtime = await startTestRuntime({ startWorkers: false, config: { idempotencyWindowSeconds: 2 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/p1')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('answers a repeated modification-async with the first batch, and creates one batch', async () => {
    // given
    const pi = await start();
    const before = await batchCount();
    const { instructions } = modification(pi);

    // when
    const first = await post(`/process-instance/${pi}/modification-async`, { instructions }, 'key-async-1');
    const second = await post(`/process-instance/${pi}/modification-async`, { instructions }, 'key-async-1');

    // then
    expect(first).toMatchObject({ status: 200, replayed: null });
    expect(second).toMatchObject({ status: 200, replayed: 'true' });
    expect(second.body).toEqual(first.body);
    expect(await batchCount()).toBe(before + 1);
  });

  it('refuses the same key with another body (409, Camunda’s error body)', async () => {
    // given
    const pi = await start();
    expect((await post(`/process-instance/${pi}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] }, 'key-conflict')).status).toBe(200);

    // when
    const other = await post(`/process-instance/${pi}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user1' }] }, 'key-conflict');

    // then
    expect(other).toMatchObject({ status: 409, body: { type: 'InvalidRequestException', message: "Idempotency-Key 'key-conflict' was already used with another request", code: null } });
  });

  it('creates one batch for 20 identical requests sent at once, and answers all 20 with it', async () => {
    // given
    const instances = [await start(), await start()];
    const before = await batchCount();
    const body = { processDefinitionId: definitionId, processInstanceIds: instances, instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] };

    // when
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/modification/executeAsync', body, 'key-concurrent')));

    // then
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.replayed === 'true').length).toBe(19);
    expect(await batchCount()).toBe(before + 1);
  });

  it('keeps a deployment, a start and a refusal for their key; a multipart boundary does not count', async () => {
    // deployment: two uploads of the same resource (each with its own boundary)
    const deploy = async () => {
      const form = new FormData();
      form.set('deployment-name', 'idempotent');
      form.append('p2.bpmn', new Blob([userTaskChain('p2', ['t'])], { type: 'application/xml' }), 'p2.bpmn');
      const response = await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form, headers: { 'idempotency-key': 'key-deploy' } });
      return (await response.json()) as { id: string };
    };
    const deployments = (await api.get('/deployment/count')).body.count;
    expect((await deploy()).id).toBe((await deploy()).id);
    expect((await api.get('/deployment/count')).body.count).toBe(deployments + 1);

    // start
    const first = await post('/process-definition/key/p2/start', { businessKey: 'once' }, 'key-start');
    const again = await post('/process-definition/key/p2/start', { businessKey: 'once' }, 'key-start');
    expect(again.body.id).toBe(first.body.id);
    expect((await api.get('/process-instance/count?businessKey=once')).body.count).toBe(1);

    // a refusal (4xx) is answered again as it was
    const pi = (await api.post('/process-definition/key/p2/start', {})).body.id as string;
    const refused = await post(`/process-instance/${pi}/modification-async`, { instructions: [] }, 'key-refused');
    expect(refused).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'The provided instuctions are invalid.' } });
    expect(await post(`/process-instance/${pi}/modification-async`, { instructions: [] }, 'key-refused')).toEqual({ ...refused, replayed: 'true' });
    // a server failure (5xx) is not kept: the request runs again
    const failed = await post('/process-instance/no-such-instance/modification-async', { instructions: [{ type: 'startBeforeActivity', activityId: 't' }] }, 'key-failed');
    expect(failed.status).toBe(500);
    expect((await post('/process-instance/no-such-instance/modification-async', { instructions: [{ type: 'startBeforeActivity', activityId: 't' }] }, 'key-failed')).replayed).toBeNull();
  });

  it('runs the request again once the key’s window has passed, and without a key every time', async () => {
    // given
    const pi = await start();
    const { instructions } = modification(pi);
    const before = await batchCount();

    // when
    const first = await post(`/process-instance/${pi}/modification-async`, { instructions }, 'key-window');
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const later = await post(`/process-instance/${pi}/modification-async`, { instructions }, 'key-window');
    await post(`/process-instance/${pi}/modification-async`, { instructions });
    await post(`/process-instance/${pi}/modification-async`, { instructions });

    // then
    expect(later.body.id).not.toBe(first.body.id);
    expect(await batchCount()).toBe(before + 4);
  });

  it('refuses a key that is too long or holds other than visible ASCII', async () => {
    const pi = await start();
    for (const key of ['x'.repeat(256), 'with space', 'tab\there']) {
      const response = await post(`/process-instance/${pi}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] }, key);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
  });
});
