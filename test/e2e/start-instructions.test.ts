import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → a → b → c → end; entering b sets `enteredB` (an execution listener) and b maps `inputOfB`. */
const chain = bpmnXml(
  'chain',
  `<startEvent id="start"/>
   <userTask id="a"/>
   <userTask id="b">
     <extensionElements>
       <camunda:executionListener event="start" expression="\${execution.setVariable('enteredB', true)}"/>
       <camunda:inputOutput><camunda:inputParameter name="inputOfB">mapped</camunda:inputParameter></camunda:inputOutput>
     </extensionElements>
   </userTask>
   <userTask id="c"/>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
   <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
   <sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
   <sequenceFlow id="f4" sourceRef="c" targetRef="end"/>`,
);

describe('starting an instance at chosen activities (ProcessInstantiationAtActivitiesTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  const start = (body: Record<string, unknown>) => api.post('/process-definition/key/chain/start', body);
  const activeTasks = async (processInstanceId: string) =>
    ((await api.get(`/task?processInstanceId=${processInstanceId}`)).body as { taskDefinitionKey: string }[]).map((task) => task.taskDefinitionKey).sort();
  const variables = async (processInstanceId: string) => (await api.get(`/process-instance/${processInstanceId}/variables`)).body;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'chain.bpmn': chain })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/chain')).body.id;
  });
  afterAll(() => runtime?.stop());

  it('starts before, after and on a transition instead of at the start event', async () => {
    const before = await start({ startInstructions: [{ type: 'startBeforeActivity', activityId: 'b' }] });
    expect(before.status).toBe(200);
    expect(await activeTasks(before.body.id)).toEqual(['b']);
    // The historic instance names where it started.
    expect((await api.get(`/history/process-instance/${before.body.id}`)).body.startActivityId).toBe('b');
    const after = await start({ startInstructions: [{ type: 'startAfterActivity', activityId: 'a' }] });
    expect(await activeTasks(after.body.id)).toEqual(['b']);
    const transition = await start({ startInstructions: [{ type: 'startTransition', transitionId: 'f3' }] });
    expect(await activeTasks(transition.body.id)).toEqual(['c']);
    const two = await start({
      startInstructions: [
        { type: 'startBeforeActivity', activityId: 'a' },
        { type: 'startBeforeActivity', activityId: 'c' },
      ],
    });
    expect(await activeTasks(two.body.id)).toEqual(['a', 'c']);
  });

  it('sets the instance’s variables first and each instruction’s, local or not; runs listeners and mappings unless skipped', async () => {
    // when
    const started = await start({
      variables: { amount: { value: 5, type: 'Integer' } },
      businessKey: 'order-1',
      startInstructions: [{ type: 'startBeforeActivity', activityId: 'b', variables: { note: { value: 'x', type: 'String', local: true }, shared: { value: 'y', type: 'String' } } }],
    });

    // then
    expect(started.body.businessKey).toBe('order-1');
    expect(await variables(started.body.id)).toMatchObject({ amount: { value: 5 }, shared: { value: 'y' }, enteredB: { value: true } });
    const [task] = (await api.get(`/task?processInstanceId=${started.body.id}`)).body;
    expect((await api.get(`/task/${task.id}/variables`)).body).toMatchObject({ note: { value: 'x' }, inputOfB: { value: 'mapped' } });

    // when
    const skipped = await start({ skipCustomListeners: true, skipIoMappings: true, startInstructions: [{ type: 'startBeforeActivity', activityId: 'b' }] });

    // then
    expect(await variables(skipped.body.id)).toEqual({});
  });

  it('completes an instance its instructions leave empty, and ignores a cancel instruction as Camunda does', async () => {
    const ended = await start({ startInstructions: [{ type: 'startBeforeActivity', activityId: 'end' }] });
    expect(ended.status).toBe(200);
    expect((await api.get(`/history/process-instance/${ended.body.id}`)).body.state).toBe('COMPLETED');
    const cancelOnly = await start({ startInstructions: [{ type: 'cancel', activityId: 'a' }] });
    expect(await activeTasks(cancelOnly.body.id)).toEqual(['a']);
  });

  it("answers Camunda's errors naming the definition", async () => {
    expect(await start({ startInstructions: [{ type: 'startBeforeActivity' }] })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: `Cannot instantiate process definition ${definitionId}: For instruction type 'startBeforeActivity': 'activityId' must be set` },
    });
    const unknown = await start({ startInstructions: [{ type: 'startBeforeActivity', activityId: 'nope' }] });
    expect(unknown).toMatchObject({ status: 500, body: { type: 'RestException' } });
    // StartProcessInstanceAtActivitiesCmd#determineFirstActivity's message (no quotes around the definition).
    expect(unknown.body.message).toBe(`Cannot instantiate process definition ${definitionId}: Element 'nope' does not exist in process ${definitionId}: targetElement is null`);
    // A later instruction fails as a modification's does.
    const later = await start({
      startInstructions: [
        { type: 'startBeforeActivity', activityId: 'a' },
        { type: 'startBeforeActivity', activityId: 'nope' },
      ],
    });
    expect(later.body.message).toBe(
      `Cannot instantiate process definition ${definitionId}: Cannot perform instruction: Start before activity 'nope'; Element 'nope' does not exist in process '${definitionId}': element is null`,
    );
    // The refused starts started nothing: the 7 running are the earlier tests'.
    expect((await api.get('/process-instance/count?processDefinitionKey=chain')).body.count).toBe(7);
  });
});
