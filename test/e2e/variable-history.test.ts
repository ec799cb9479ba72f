import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → check (a local input variable `limit`) → end. */
const claim = bpmnXml(
  'claim',
  `<startEvent id="start"/>
   <userTask id="check"><extensionElements><camunda:inputOutput><camunda:inputParameter name="limit">\${amount * 2}</camunda:inputParameter></camunda:inputOutput></extensionElements></userTask>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
   <sequenceFlow id="f2" sourceRef="check" targetRef="end"/>`,
);

describe('historic variable instances (HistoricVariableInstanceRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let instanceId: string;
  const history = async (query: string) => (await api.get(`/history/variable-instance?${query}`)).body as Record<string, unknown>[];
  const count = async (query: string) => (await api.get(`/history/variable-instance/count?${query}`)).body.count as number;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'claim.bpmn': claim })).status).toBe(200);
    const started = await api.post('/process-definition/key/claim/start', {
      variables: { amount: { value: 21, type: 'Integer' }, customer: { value: 'Kermit', type: 'String' }, note: { value: 'temporary', type: 'String' } },
    });
    instanceId = started.body.id;
  });
  afterAll(() => runtime?.stop());

  it('keeps every variable with its last value, where it lived and when it was created', async () => {
    // when
    const found = await history(`processInstanceId=${instanceId}&sortBy=variableName&sortOrder=asc`);

    // then
    expect(found.map((variable) => [variable.name, variable.value, variable.type, variable.state])).toEqual([
      ['amount', 21, 'Integer', 'CREATED'],
      ['customer', 'Kermit', 'String', 'CREATED'],
      ['limit', 42, 'Integer', 'CREATED'],
      ['note', 'temporary', 'String', 'CREATED'],
    ]);
    const limit = found.find((variable) => variable.name === 'limit')!;
    const [task] = (await api.get(`/task?processInstanceId=${instanceId}`)).body;
    expect(limit).toMatchObject({ processDefinitionKey: 'claim', processInstanceId: instanceId, rootProcessInstanceId: instanceId, taskId: null, caseInstanceId: null, removalTime: null });
    expect(limit.activityInstanceId).toEqual(expect.stringContaining('check'));
    expect(limit.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
    // The runtime and the history name a variable by the same id.
    const runtimeIds = (await api.get(`/variable-instance?processInstanceIdIn=${instanceId}`)).body.map((variable: { id: string }) => variable.id).sort();
    expect(found.map((variable) => variable.id).sort()).toEqual(runtimeIds);
    expect(task).toBeDefined();
  });

  it('updates the value in place, marks a removed variable DELETED, and keeps them all when the instance ends', async () => {
    // given
    const [amount] = await history(`processInstanceId=${instanceId}&variableName=amount`);

    // when
    expect((await api.put(`/process-instance/${instanceId}/variables/amount`, { value: 25, type: 'Integer' })).status).toBe(204);
    expect((await api.delete(`/process-instance/${instanceId}/variables/note`)).status).toBe(204);

    // then
    expect(await api.get(`/history/variable-instance/${amount!.id}`)).toMatchObject({ status: 200, body: { value: 25, state: 'CREATED', createTime: amount!.createTime } });
    expect(await count(`processInstanceId=${instanceId}`)).toBe(3);
    expect(await history(`processInstanceId=${instanceId}&includeDeleted=true&variableName=note`)).toEqual([expect.objectContaining({ state: 'DELETED', value: 'temporary' })]);

    // when
    const [task] = (await api.get(`/task?processInstanceId=${instanceId}`)).body;
    expect((await api.post(`/task/${task.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } } })).status).toBe(204);

    // then
    expect((await api.get(`/history/process-instance/${instanceId}`)).body.state).toBe('COMPLETED');
    expect(await count(`processInstanceId=${instanceId}`)).toBe(4);
    expect(await count(`processInstanceId=${instanceId}&variableName=limit`)).toBe(1);
  });

  it('filters as Camunda’s query does', async () => {
    expect(await count('variableNameLike=c%25')).toBe(1);
    expect(await count('variableName=CUSTOMER&variableNamesIgnoreCase=true')).toBe(1);
    expect(await count('variableName=customer&variableValue=kermit&variableValuesIgnoreCase=true')).toBe(1);
    expect(await api.get('/history/variable-instance?variableValue=5')).toMatchObject({
      status: 400,
      body: { message: 'Only a single variable value parameter specified: variable name and value are required to be able to query after a specific variable value.' },
    });
    expect(await count('variableTypeIn=integer,boolean')).toBe(3);
    expect(await count('variableNameIn=amount,approved')).toBe(2);
    expect(await count(`processInstanceIdIn=${instanceId},other`)).toBe(4);
    expect(await count('caseInstanceId=any')).toBe(0);
    expect((await api.post('/history/variable-instance/count', { variableName: 'amount', variableValue: 25 })).body).toEqual({ count: 1 });
    const sorted = await api.post('/history/variable-instance?maxResults=2', { includeDeleted: true, sorting: [{ sortBy: 'variableName', sortOrder: 'desc' }] });
    expect(sorted.body.map((variable: { name: string }) => variable.name)).toEqual(['note', 'limit']);
  });

  it('deletes one historic variable, then every variable of an instance, with Camunda’s answers', async () => {
    // given
    const [customer] = await history(`processInstanceId=${instanceId}&variableName=customer`);

    // when
    expect((await api.delete(`/history/variable-instance/${customer!.id}`)).status).toBe(204);

    // then
    expect(await api.get(`/history/variable-instance/${customer!.id}`)).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: `Historic variable instance with Id '${customer!.id}' does not exist.` },
    });
    expect(await api.delete(`/history/variable-instance/${customer!.id}`)).toMatchObject({
      status: 404,
      body: { message: `No historic variable instance found with id: ${customer!.id}: variable is null` },
    });

    // when
    expect((await api.delete(`/history/process-instance/${instanceId}/variable-instances`)).status).toBe(204);

    // then
    expect(await count(`processInstanceId=${instanceId}&includeDeleted=true`)).toBe(0);
    expect(await api.delete('/history/process-instance/no-such-instance/variable-instances')).toMatchObject({
      status: 404,
      body: { message: 'No historic process instance found with id: no-such-instance: instance is null' },
    });
  });

  it('goes with its historic process instance', async () => {
    // given
    const other = (await api.post('/process-definition/key/claim/start', { variables: { amount: { value: 1, type: 'Integer' } } })).body.id;
    const [task] = (await api.get(`/task?processInstanceId=${other}`)).body;
    expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);
    expect(await count(`processInstanceId=${other}`)).toBe(2);
    expect((await api.get(`/history/task/count?processInstanceId=${other}`)).body).toEqual({ count: 1 });

    // when
    expect((await api.delete(`/history/process-instance/${other}`)).status).toBe(204);

    // then
    expect(await count(`processInstanceId=${other}`)).toBe(0);
    expect((await api.get(`/history/task/count?processInstanceId=${other}`)).body).toEqual({ count: 0 });
  });
});
