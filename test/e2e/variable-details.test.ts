import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('historic details: every value a variable took (HistoricDetailRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let instanceId: string;
  let taskId: string;
  const details = async (query: string) => (await api.get(`/history/detail?${query}`)).body as Record<string, unknown>[];
  const count = async (query: string) => (await api.get(`/history/detail/count?${query}`)).body.count as number;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'detail.bpmn': userTaskChain('detailed', ['review']) })).status).toBe(200);
    instanceId = (await api.post('/process-definition/key/detailed/start', { variables: { amount: { value: 10, type: 'Integer' } } })).body.id;
    expect((await api.put(`/process-instance/${instanceId}/variables/amount`, { value: 12, type: 'Integer' })).status).toBe(204);
    taskId = (await api.get(`/task?processInstanceId=${instanceId}`)).body[0].id;
    expect((await api.put(`/task/${taskId}/localVariables/comment`, { value: 'looks fine', type: 'String' })).status).toBe(204);
  });
  afterAll(() => runtime?.stop());

  it('records each value in order, the first one marked initial', async () => {
    // when
    const found = await details(`processInstanceId=${instanceId}&sortBy=time&sortOrder=asc`);

    // then
    expect(found.map((detail) => [detail.variableName, detail.value, detail.initial, detail.revision, detail.type])).toEqual([
      ['amount', 10, true, 0, 'variableUpdate'],
      ['amount', 12, false, null, 'variableUpdate'],
      ['comment', 'looks fine', false, 0, 'variableUpdate'],
    ]);
    const [first] = found;
    const [variable] = (await api.get(`/history/variable-instance?processInstanceId=${instanceId}&variableName=amount`)).body;
    expect(first).toMatchObject({ variableInstanceId: variable.id, variableType: 'Integer', processInstanceId: instanceId, executionId: instanceId, taskId: null, userOperationId: null });
    expect(first!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
    expect(found[2]).toMatchObject({ taskId });
  });

  it('filters, counts and answers Camunda’s errors', async () => {
    expect(await count(`processInstanceId=${instanceId}&initial=true`)).toBe(1);
    expect(await count(`processInstanceId=${instanceId}&excludeTaskDetails=true`)).toBe(2);
    expect(await count('variableNameLike=com%25')).toBe(1);
    expect(await count('variableTypeIn=string')).toBe(1);
    expect(await count('formFields=true')).toBe(0);
    expect(await count(`taskId=${taskId}`)).toBe(1);
    expect((await api.post('/history/detail?maxResults=1', { processInstanceId: instanceId, sorting: [{ sortBy: 'variableName', sortOrder: 'desc' }] })).body).toEqual([
      expect.objectContaining({ variableName: 'comment' }),
    ]);
    const [one] = await details(`processInstanceId=${instanceId}&initial=true`);
    expect((await api.get(`/history/detail/${one!.id}`)).body).toMatchObject({ id: one!.id, value: 10 });
    expect(await api.get('/history/detail/no-such-detail')).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: "Historic detail with Id 'no-such-detail' does not exist." },
    });
  });

  it('goes when the variables of the historic instance are deleted', async () => {
    expect((await api.delete(`/history/process-instance/${instanceId}/variable-instances`)).status).toBe(204);
    expect(await count(`processInstanceId=${instanceId}`)).toBe(0);
  });
});
