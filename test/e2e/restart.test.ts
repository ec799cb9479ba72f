import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → a → b → end, where a holds a local variable `draft` (an input mapping). */
const twoSteps = (key: string) =>
  bpmnXml(
    key,
    `<startEvent id="start"/>
     <userTask id="a"><extensionElements><camunda:inputOutput><camunda:inputParameter name="draft">local</camunda:inputParameter></camunda:inputOutput></extensionElements></userTask>
     <userTask id="b"/>
     <endEvent id="end"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
     <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
     <sequenceFlow id="f3" sourceRef="b" targetRef="end"/>`,
  );

describe('restarting ended process instances (RestartProcessInstanceSyncTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  let ended: string;
  const restart = (body: Record<string, unknown>, id = definitionId) => api.post(`/process-definition/${id}/restart`, body);
  const atB = [{ type: 'startBeforeActivity', activityId: 'b' }];

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'restartable.bpmn': twoSteps('restartable'), 'other.bpmn': twoSteps('other') })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/restartable')).body.id;
    ended = (await api.post('/process-definition/key/restartable/start', { businessKey: 'order-7', variables: { amount: { value: 10, type: 'Integer' } } })).body.id;
    expect((await api.put(`/process-instance/${ended}/variables/amount`, { value: 12, type: 'Integer' })).status).toBe(204);
    expect((await api.delete(`/process-instance/${ended}`)).status).toBe(204);
  });
  afterAll(() => runtime?.stop());

  it('starts a new instance at the instructions, with the last values of the instance’s variables and its business key', async () => {
    // when
    const restarted = await restart({ processInstanceIds: [ended], instructions: atB });

    // then
    expect(restarted.status).toBe(204);
    const [instance] = (await api.get('/process-instance?processDefinitionKey=restartable')).body;
    expect(instance).toMatchObject({ businessKey: 'order-7', definitionId });
    expect(instance.id).not.toBe(ended);
    expect((await api.get(`/task?processInstanceId=${instance.id}`)).body.map((task: { taskDefinitionKey: string }) => task.taskDefinitionKey)).toEqual(['b']);
    // Only the process-level variables: a's local `draft` lived in an activity.
    expect((await api.get(`/process-instance/${instance.id}/variables`)).body).toEqual({ amount: { type: 'Integer', value: 12, valueInfo: {} } });
    expect((await api.delete(`/process-instance/${instance.id}`)).status).toBe(204);
  });

  it('restarts with the values the instance started with, when asked (initialVariables)', async () => {
    // when
    expect((await restart({ processInstanceIds: [ended], initialVariables: true, instructions: atB })).status).toBe(204);

    // then: amount was 10 at the start, 12 at the end
    const [instance] = (await api.get('/process-instance?processDefinitionKey=restartable')).body;
    expect((await api.get(`/process-instance/${instance.id}/variables`)).body).toEqual({ amount: { type: 'Integer', value: 10, valueInfo: {} } });
    expect((await api.delete(`/process-instance/${instance.id}`)).status).toBe(204);
  });

  it('selects by a historic query, and leaves the business key out when asked', async () => {
    // when
    const restarted = await restart({ historicProcessInstanceQuery: { processInstanceBusinessKey: 'order-7', finished: true }, withoutBusinessKey: true, instructions: atB });

    // then: the first instance and the two the tests before restarted (and deleted) all carried the key
    expect(restarted.status).toBe(204);
    const running = (await api.get('/process-instance?processDefinitionKey=restartable')).body;
    expect(running.map((instance: { businessKey: string | null }) => instance.businessKey)).toEqual([null, null, null]);
  });

  it("answers Camunda's errors and restarts nothing", async () => {
    const running = (await api.post('/process-definition/key/restartable/start', {})).body.id;
    const other = (await api.post('/process-definition/key/other/start', {})).body.id;
    expect((await api.delete(`/process-instance/${other}`)).status).toBe(204);
    const before = (await api.get('/process-instance/count?processDefinitionKey=restartable')).body.count;

    expect(await restart({ processInstanceIds: [ended], instructions: [] })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Restart instructions cannot be empty: instructions is empty' },
    });
    expect(await restart({ instructions: atB })).toMatchObject({ status: 400, body: { message: 'Process instance ids cannot be empty: Process instance ids is empty' } });
    expect(await restart({ processInstanceIds: ['no-such'], instructions: atB })).toMatchObject({
      status: 400,
      body: { message: 'Historic process instance cannot be found: historicProcessInstanceId is null' },
    });
    expect(await restart({ processInstanceIds: [ended, running], instructions: atB })).toMatchObject({
      status: 500,
      body: { type: 'ProcessEngineException', message: `ENGINE-13040 Historic process instance '${running}' cannot be restarted. It is not completed or terminated.` },
    });
    const otherDefinition = (await api.get('/process-definition/key/other')).body.id;
    expect((await restart({ processInstanceIds: [other], instructions: atB })).body.message).toBe(
      `ENGINE-13039 Historic process instance '${other}' cannot be restarted. Its process definition '${otherDefinition}' does not match given process definition '${definitionId}'`,
    );
    expect(await restart({ processInstanceIds: [ended], instructions: [{ type: 'startBeforeActivity', activityId: 'nope' }] })).toMatchObject({ status: 400 });
    expect(await restart({ processInstanceIds: [ended], instructions: [{ type: 'cancel', activityId: 'a' }] })).toMatchObject({ status: 400 });
    expect(await restart({ processInstanceIds: [ended], instructions: atB }, 'no-such-definition')).toMatchObject({
      status: 500,
      body: { message: 'Process definition cannot be found: processDefinition is null' },
    });
    // The instance of a failed restart that was checked first did not start either.
    expect((await api.get('/process-instance/count?processDefinitionKey=restartable')).body.count).toBe(before);
  });
});
