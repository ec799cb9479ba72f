import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('deleting process instances in a batch (ProcessInstanceRestServiceInteractionTest#testDeleteAsync…, BatchDeletionTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const start = async () => (await api.post('/process-definition/key/bulkDeleted/start', { businessKey: 'bulk' })).body.id as string;

  beforeAll(async () => {
    // Workers running: the batch's seed, execution and monitor runs go through the queues.
    runtime = await startTestRuntime({ config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    await api.deploy({ 'b.bpmn': userTaskChain('bulkDeleted', ['wait']) });
  });
  afterAll(() => runtime?.stop());

  it('deletes the instances named and found by a query, and completes', async () => {
    const [a, b, c, kept] = [await start(), await start(), await start(), await start()];
    expect((await api.put(`/process-instance/${kept}/variables/keep`, { value: true, type: 'Boolean' })).status).toBe(204);
    const response = await api.post('/process-instance/delete', {
      processInstanceIds: [a],
      processInstanceQuery: { processInstanceIds: [b, c] },
      deleteReason: 'cleaning up',
      skipCustomListeners: true,
    });
    expect(response).toMatchObject({ status: 200, body: { type: 'instance-deletion', totalJobs: expect.any(Number) } });
    await eventually(async () => (await api.get(`/batch/${response.body.id}`)).status === 404, 20_000);
    for (const id of [a, b, c]) {
      expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
      expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('EXTERNALLY_TERMINATED');
    }
    expect((await api.get(`/process-instance/${kept}`)).status).toBe(200);
    expect((await api.get(`/history/batch/${response.body.id}`)).body).toMatchObject({ type: 'instance-deletion', endTime: expect.any(String) });
  });

  it('takes the instances of a historic query; refuses a batch of none, and a filter it does not implement', async () => {
    const finishedLater = await start();
    const response = await api.post('/process-instance/delete-historic-query-based', { historicProcessInstanceQuery: { processInstanceId: finishedLater } });
    expect(response).toMatchObject({ status: 200, body: { type: 'instance-deletion' } });
    await eventually(async () => (await api.get(`/process-instance/${finishedLater}`)).status === 404, 20_000);

    expect(await api.post('/process-instance/delete', { processInstanceIds: [] })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'processInstanceIds is empty' } });
    expect(await api.post('/process-instance/delete', { processInstanceQuery: { processDefinitionKey: 'none-such' } })).toMatchObject({
      status: 400,
      body: { message: 'processInstanceIds is empty' },
    });
    expect(await api.post('/process-instance/delete', { processInstanceQuery: { variables: [{ name: 'keep', operator: 'eq', value: true }] } })).toMatchObject({
      status: 400,
      body: { message: "The process instance query filter 'variables' is not supported here" },
    });
  });

  it('fails the job of an instance that is gone before its turn, leaving the batch open with a failed job', async () => {
    const gone = await start();
    expect((await api.delete(`/process-instance/${gone}`)).status).toBe(204);
    const response = await api.post('/process-instance/delete', { processInstanceIds: [gone] });
    expect(response.status).toBe(200);
    const failed = await eventually(async () => {
      const [job] = (await api.get(`/job?jobDefinitionId=${response.body.batchJobDefinitionId}`)).body as { retries: number; exceptionMessage: string | null }[];
      return job && job.retries === 0 ? job : undefined;
    }, 20_000);
    expect(failed.exceptionMessage).toContain(`No process instance found for id '${gone}'`);
  });
});
