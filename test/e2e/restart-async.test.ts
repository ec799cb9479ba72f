import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { completed, stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/** POST /process-definition/{id}/restart-async (RestartProcessInstanceAsyncTest scenarios): a batch of type instance-restart. */
describe('restarting ended process instances asynchronously', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  const restartAsync = (body: Record<string, unknown>, id = definitionId) => api.post(`/process-definition/${id}/restart-async`, body);
  const atB = [{ type: 'startBeforeActivity', activityId: 'b' }];
  const endedInstance = async (businessKey: string, amount: number) => {
    const id = (await api.post('/process-definition/key/restartable/start', { businessKey, variables: { amount: { value: amount, type: 'Integer' } } })).body.id as string;
    expect((await api.delete(`/process-instance/${id}`)).status).toBe(204);
    return id;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'restartable.bpmn': userTaskChain('restartable', ['a', 'b']), 'other.bpmn': userTaskChain('other', ['x']) })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/restartable')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('restarts each ended instance in a batch of its own type, with its variables and business key', async () => {
    // given
    const first = await endedInstance('order-1', 1);
    const second = await endedInstance('order-2', 2);

    // when
    const response = await restartAsync({ processInstanceIds: [first, second], instructions: atB });

    // then the batch, as Camunda describes it
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ type: 'instance-restart', totalJobs: 2, batchJobsPerSeed: expect.any(Number), tenantId: null });
    const historic = await completed(api, response.body.id);
    expect(historic.type).toBe('instance-restart');
    // and the new instances, at b, with what the ended ones held
    const running = (await api.get('/process-instance?processDefinitionKey=restartable&sortBy=businessKey&sortOrder=asc')).body as { id: string; businessKey: string }[];
    expect(running.map((instance) => instance.businessKey)).toEqual(['order-1', 'order-2']);
    for (const [index, instance] of running.entries()) {
      expect((await api.get(`/task?processInstanceId=${instance.id}`)).body.map((task: { taskDefinitionKey: string }) => task.taskDefinitionKey)).toEqual(['b']);
      expect((await api.get(`/process-instance/${instance.id}/variables/amount`)).body.value).toBe(index + 1);
      expect((await api.delete(`/process-instance/${instance.id}`)).status).toBe(204);
    }
  });

  it('fails the job of an instance that cannot be restarted, and restarts the others', async () => {
    // given an ended instance and one of another definition
    const ended = await endedInstance('order-3', 3);
    const foreign = (await api.post('/process-definition/key/other/start', {})).body.id as string;
    expect((await api.delete(`/process-instance/${foreign}`)).status).toBe(204);

    // when
    const response = await restartAsync({ processInstanceIds: [ended, foreign], instructions: atB });
    expect(response.status).toBe(200);

    // then the foreign one's job fails with Camunda's message; the other instance runs again
    const batch = response.body;
    const failed = await (async () => {
      for (let i = 0; i < 100; i++) {
        const jobs = (await api.get(`/job?jobDefinitionId=${batch.batchJobDefinitionId}&withException=true`)).body as { exceptionMessage: string; retries: number }[];
        const done = jobs.find((job) => job.retries === 0);
        if (done) return done;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return undefined;
    })();
    expect(failed?.exceptionMessage).toContain(`Historic process instance '${foreign}' cannot be restarted. Its process definition`);
    const running = (await api.get('/process-instance?processDefinitionKey=restartable')).body as { businessKey: string }[];
    expect(running.map((instance) => instance.businessKey)).toEqual(['order-3']);
    expect((await api.delete(`/batch/${batch.id}`)).status).toBe(204);
  });

  it("answers Camunda's errors when the batch cannot be created", async () => {
    const ended = await endedInstance('order-4', 4);
    expect(await restartAsync({ processInstanceIds: [ended], instructions: [] })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Restart instructions cannot be empty: instructions is empty' },
    });
    expect(await restartAsync({ instructions: atB })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Process instance ids cannot be empty: processInstanceIds is empty' },
    });
    expect(await restartAsync({ processInstanceIds: [ended], instructions: atB }, 'no-such-definition')).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Process definition cannot be null is null' },
    });
  });
});
