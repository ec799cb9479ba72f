import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('deleting a historic process instance (HistoricProcessInstanceRestServiceInteractionTest, HistoryServiceTest#deleteHistoricProcessInstance)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'h.bpmn': userTaskChain('historyProcess', ['only']) });
  });
  afterAll(() => runtime?.stop());

  it('deletes a finished instance’s history and its comments; a running one’s is kept', async () => {
    const id = (await api.post('/process-definition/key/historyProcess/start', {})).body.id;
    const task = (await api.get(`/task?processInstanceId=${id}`)).body[0].id;
    expect((await api.post(`/task/${task}/comment/create`, { message: 'done soon', processInstanceId: id })).status).toBe(200);
    const missing = { status: 404, body: { type: 'InvalidRequestException', message: `Historic process instance with id ${id} does not exist` } };
    // Still running: Camunda's refusal, under its resource's 404.
    expect(await api.delete(`/history/process-instance/${id}`)).toMatchObject(missing);
    expect((await api.post(`/task/${task}/complete`, {})).status).toBe(204);

    expect((await api.delete(`/history/process-instance/${id}`)).status).toBe(204);
    expect(await api.get(`/history/process-instance/${id}`)).toMatchObject({ status: 404 });
    expect((await api.get(`/history/process-instance/count?processInstanceId=${id}`)).body).toEqual({ count: 0 });
    expect(await api.get(`/process-instance/${id}/comment`)).toMatchObject({ status: 404 });
    expect(await api.delete(`/history/process-instance/${id}`)).toMatchObject(missing);
    expect((await api.delete(`/history/process-instance/${id}?failIfNotExists=false`)).status).toBe(204);
    expect(await api.delete(`/history/process-instance/${id}?failIfNotExists=maybe`)).toMatchObject({ status: 400 });
  });
});
