import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { readFixture } from '../support/engine-harness.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

describe('the local runtime over HTTP', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  it('deploys a Camunda model, starts it, runs its async job in the background and completes it', async () => {
    // given
    const deployed = await api.deploy({ 'nested.bpmn20.xml': readFixture('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml') });
    expect(deployed.status).toBe(200);
    // when
    const started = await api.post('/process-definition/key/nestedOneTaskProcess/start', {});
    const id = started.body.id as string;
    // then the async-before job runs through the job queue without anyone calling it
    await eventually(async () => (await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=innerTask`)).body.length === 1);
    const tasks = (await api.get(`/task?processInstanceId=${id}`)).body as { id: string }[];
    for (const task of tasks) expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);
    expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
    expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
  });
});
