import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** A sub-process whose user task has an input mapping: variables on the instance, the scope and the task. */
const MODEL = bpmnXml(
  'varsProcess',
  `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="sub"/>
   <subProcess id="sub">
     <extensionElements><camunda:inputOutput><camunda:inputParameter name="scopeNote">in the sub-process</camunda:inputParameter></camunda:inputOutput></extensionElements>
     <startEvent id="subStart"/><sequenceFlow id="s0" sourceRef="subStart" targetRef="review"/>
     <userTask id="review"/><sequenceFlow id="s1" sourceRef="review" targetRef="subEnd"/><endEvent id="subEnd"/>
   </subProcess>
   <sequenceFlow id="f1" sourceRef="sub" targetRef="end"/><endEvent id="end"/>`,
);

type VariableInstance = {
  id: string;
  name: string;
  type: string;
  value: unknown;
  processInstanceId: string;
  executionId: string;
  taskId: string | null;
  activityInstanceId: string;
  tenantId: string | null;
};

describe('variable instances (VariableInstanceRestServiceInteractionTest, VariableInstanceQueryTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let first: string;
  let second: string;
  let taskId: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'vars.bpmn': MODEL });
    first = (await api.post('/process-definition/key/varsProcess/start', { variables: { amount: { value: 500, type: 'Long' }, customer: { value: 'Ada Lovelace', type: 'String' } } })).body.id;
    second = (await api.post('/process-definition/key/varsProcess/start', { variables: { amount: { value: 20, type: 'Long' } } })).body.id;
    taskId = (await api.get(`/task?processInstanceId=${first}`)).body[0].id;
    expect((await api.put(`/task/${taskId}/localVariables/verdict`, { value: 'pending', type: 'String' })).status).toBe(204);
  });
  afterAll(() => runtime?.stop());

  it('lists every variable of an instance with where it lives: the instance, the sub-process, the task', async () => {
    const found = (await api.get(`/variable-instance?processInstanceIdIn=${first}&sortBy=variableName&sortOrder=asc`)).body as VariableInstance[];
    expect(found.map((v) => v.name)).toEqual(['amount', 'customer', 'scopeNote', 'verdict']);
    const byName = new Map(found.map((v) => [v.name, v]));
    expect(byName.get('amount')).toMatchObject({ type: 'Long', value: 500, processInstanceId: first, executionId: first, taskId: null, activityInstanceId: first, tenantId: null });
    const scope = byName.get('scopeNote')!;
    expect(scope.activityInstanceId).toMatch(/^sub:/);
    expect(scope.executionId).not.toBe(first);
    expect(byName.get('verdict')).toMatchObject({ taskId, value: 'pending' });
    // The execution of the sub-process is found by the id the variable names.
    expect((await api.get(`/execution/${scope.executionId}`)).body).toMatchObject({ processInstanceId: first });

    expect((await api.get(`/variable-instance/count?processInstanceIdIn=${first},${second}`)).body).toEqual({ count: 6 });
    expect((await api.get(`/variable-instance/count?taskIdIn=${taskId}`)).body).toEqual({ count: 1 });
    expect((await api.get(`/variable-instance/count?variableScopeIdIn=${first}`)).body).toEqual({ count: 2 });
    expect((await api.get(`/variable-instance/count?executionIdIn=${scope.executionId}`)).body).toEqual({ count: 1 });
    // The task's variable belongs to the task's activity instance, not to the sub-process's.
    expect((await api.get(`/variable-instance/count?activityInstanceIdIn=${scope.activityInstanceId}`)).body).toEqual({ count: 1 });
    // Case and batch variables do not exist here.
    expect((await api.get(`/variable-instance/count?processInstanceIdIn=${first}&caseInstanceIdIn=x`)).body).toEqual({ count: 0 });
  });

  it('filters by name and value as Camunda does', async () => {
    const names = async (query: string) => ((await api.get(`/variable-instance?processInstanceIdIn=${first},${second}&${query}`)).body as VariableInstance[]).map((v) => `${v.name}=${v.value}`).sort();
    expect(await names('variableName=amount')).toEqual(['amount=20', 'amount=500']);
    expect(await names('variableNameLike=cust%25')).toEqual(['customer=Ada Lovelace']);
    expect(await names('variableName=AMOUNT&variableNamesIgnoreCase=true')).toEqual(['amount=20', 'amount=500']);
    expect(await names('variableValues=customer_like_%25love%25&variableValuesIgnoreCase=true')).toEqual(['customer=Ada Lovelace']);
    // A query string value is text: a number needs the JSON body.
    const post = await api.post('/variable-instance', { processInstanceIdIn: [first, second], variableValues: [{ name: 'amount', operator: 'gt', value: 100 }] });
    expect(post.body.map((v: VariableInstance) => v.value)).toEqual([500]);
    expect((await api.post('/variable-instance/count', { variableName: 'amount', processInstanceIdIn: [first, second] })).body).toEqual({ count: 2 });
    expect(await api.get('/variable-instance?variableValues=amount_in_5')).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Invalid variable comparator specified: in' },
    });
    expect(await api.get('/variable-instance?sortBy=value&sortOrder=asc')).toMatchObject({ status: 400, body: { message: "Cannot set query parameter 'sortBy' to value 'value'" } });
    const paged = (await api.post(`/variable-instance?firstResult=1&maxResults=2`, { processInstanceIdIn: [first], sorting: [{ sortBy: 'variableName', sortOrder: 'desc' }] }))
      .body as VariableInstance[];
    expect(paged.map((v) => v.name)).toEqual(['scopeNote', 'customer']);
  });

  it('reads one variable instance by id; its data only for binary values; an unknown one is a 404', async () => {
    const [amount] = (await api.get(`/variable-instance?processInstanceIdIn=${first}&variableName=amount`)).body as VariableInstance[];
    expect(await api.get(`/variable-instance/${amount!.id}`)).toMatchObject({ status: 200, body: { id: amount!.id, name: 'amount', type: 'Long', value: 500, valueInfo: {} } });
    expect(await api.get(`/variable-instance/${amount!.id}/data`)).toMatchObject({ status: 400, body: { message: `Value of variable with id ${amount!.id} is not a binary value.` } });
    for (const id of ['nope', `v~${first}~nothing`]) {
      expect(await api.get(`/variable-instance/${id}`)).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: `Variable instance with Id '${id}' does not exist.` } });
    }
    // Once removed, the variable instance is gone.
    expect((await api.delete(`/process-instance/${first}/variables/amount`)).status).toBe(204);
    expect((await api.get(`/variable-instance/${amount!.id}`)).status).toBe(404);
  });
});
