import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { drain, stopAll } from '../support/batch-driving.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

type Json = Record<string, any>;

/**
 * The rate limit of a batch (an extension, docs/api.md): maxInstancesPerSecond at creation,
 * changeable while the batch runs. Its accuracy is measured by bench/batch-rate-limit.bench.ts;
 * this test checks that the limit holds and can be changed, with loose bounds (shared machines).
 */
describe('the rate limit of a batch', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  const startMany = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await api.post('/process-definition/key/p1/start', {})).body.id as string);
    return ids;
  };
  /** When each instance's user2 began: the moment the batch modified it. */
  const modifiedAt = async (ids: readonly string[]) => {
    const times: number[] = [];
    for (const id of ids) {
      const [user2] = (await api.get(`/history/activity-instance?processInstanceId=${id}&activityId=user2`)).body as Json[];
      times.push(Date.parse(user2!.startTime));
    }
    return times.sort((a, b) => a - b);
  };
  const toUser2 = [{ type: 'startBeforeActivity', activityId: 'user2' }];

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/p1')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('spaces the instances of a batch by its limit', async () => {
    // given
    const ids = await startMany(10);

    // when
    const created = await api.post('/modification/executeAsync', { processDefinitionId: definitionId, processInstanceIds: ids, instructions: toUser2, maxInstancesPerSecond: 5 });
    expect(created.status).toBe(200);
    expect((await api.get(`/batch/${created.body.id}/rate-limit`)).body).toEqual({ maxInstancesPerSecond: 5 });
    await eventually(async () => (await api.get(`/batch/${created.body.id}`)).status === 404, 60_000);

    // then 10 instances at 5 per second take at least (10 − 1) / 5 = 1.8 s (less a margin for the clock)
    const times = await modifiedAt(ids);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_600);
  });

  it('answers bad limits with 400 and an unknown batch with 404', async () => {
    const [pi] = await startMany(1);
    for (const bad of [0, -1, 1e-320, 1_001]) {
      const created = await api.post(`/process-instance/${pi}/modification-async`, { instructions: toUser2, maxInstancesPerSecond: bad });
      expect(created).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'maxInstancesPerSecond must be a number from 0.001 to 1000' } });
    }
    expect((await api.post(`/process-instance/${pi}/modification-async`, { instructions: toUser2, maxInstancesPerSecond: 'fast' })).status).toBe(400);
    // a batch to change
    const batch = (await api.post(`/process-instance/${pi}/modification-async`, { instructions: toUser2, maxInstancesPerSecond: 0.5 })).body as Json;
    expect((await api.put(`/batch/${batch.id}/rate-limit`, { maxInstancesPerSecond: 0 })).status).toBe(400);
    expect((await api.put(`/batch/${batch.id}/rate-limit`, {})).status).toBe(400);
    expect((await api.put(`/batch/${batch.id}/rate-limit`, { maxInstancesPerSecond: 'x' })).status).toBe(400);
    expect(await api.put('/batch/no-such-batch/rate-limit', { maxInstancesPerSecond: 1 })).toMatchObject({ status: 404, body: { message: "Batch with id 'no-such-batch' does not exist" } });
    expect((await api.get('/batch/no-such-batch/rate-limit')).status).toBe(404);
  });
});

describe('a changed rate limit', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    // Workers off: the batch is driven by hand, after its limit changed.
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
  });
  afterAll(() => stopAll(runtime));

  it('applies to the slots handed out after it, and a lifted limit holds nothing back', async () => {
    // given a batch at one instance every two seconds (its 6 instances would take 10 s)
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await api.post('/process-definition/key/p1/start', {})).body.id as string);
    const definitionId = (await api.get('/process-definition/key/p1')).body.id as string;
    const created = await api.post('/modification/executeAsync', {
      processDefinitionId: definitionId,
      processInstanceIds: ids,
      instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      maxInstancesPerSecond: 0.5,
    });
    const batchId = created.body.id as string;

    // when it is raised, then lifted, before its jobs claim their slots
    expect((await api.put(`/batch/${batchId}/rate-limit`, { maxInstancesPerSecond: 100 })).status).toBe(204);
    expect((await api.get(`/batch/${batchId}/rate-limit`)).body).toEqual({ maxInstancesPerSecond: 100 });
    expect((await api.put(`/batch/${batchId}/rate-limit`, { maxInstancesPerSecond: null })).status).toBe(204);
    expect((await api.get(`/batch/${batchId}/rate-limit`)).body).toEqual({ maxInstancesPerSecond: null });

    // then the batch runs through at once
    const started = Date.now();
    await drain(runtime);
    await eventually(async () => {
      await drain(runtime);
      return (await api.get(`/batch/${batchId}`)).status === 404;
    }, 30_000);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
