import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { BpmnError, DelegateRegistry } from '../../shared/engine/delegates.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/**
 * Camunda's CallActivityTest scenarios over its own models (test/fixtures/camunda-callactivity), and
 * a few of ours, through the REST API: the called instance is started, linked both ways, continues
 * its caller with its variables, is deleted with its caller and deletes its caller upward, passes
 * errors and escalations up, and mirrors its incidents on the caller's call activity.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-callactivity/${name}`, import.meta.url), 'utf8');

/** Camunda's test delegates, by the class names the models use. */
function camundaDelegates(failing: { on: boolean }): DelegateRegistry {
  return new DelegateRegistry()
    .register('org.camunda.bpm.engine.test.bpmn.callactivity.DelegatedVarMapping', {
      mapInputVariables: (_execution, variables) => {
        variables.TestInputVar = 'inValue';
      },
      mapOutputVariables: (execution) => execution.setVariable('TestOutputVar', 'outValue'),
    })
    .register('org.camunda.bpm.engine.test.bpmn.callactivity.ServiceTaskThrowBpmnError', {
      execute: () => {
        throw new BpmnError('errorCode');
      },
    })
    .register('failsWhileTold', {
      execute: () => {
        if (failing.on) throw new Error('told to fail');
      },
    });
}

describe('call activities (Camunda CallActivityTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const failing = { on: true };

  beforeAll(async () => {
    runtime = await startTestRuntime({ registry: camundaDelegates(failing) });
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  async function deploy(resources: Record<string, string>): Promise<{ id: string; deployedProcessDefinitions: Record<string, { id: string; key: string; version: number }> }> {
    const deployed = await api.deploy(resources);
    expect(deployed.status).toBe(200);
    return deployed.body;
  }
  const start = async (key: string, body: unknown = {}) => {
    const started = await api.post(`/process-definition/key/${key}/start`, body);
    expect(started.status).toBe(200);
    return started.body.id as string;
  };
  const tasksOf = async (processInstanceId: string) => (await api.get(`/task?processInstanceId=${processInstanceId}`)).body as { id: string; name: string; taskDefinitionKey: string }[];
  const onlyTask = async (processInstanceId: string) => {
    const tasks = await tasksOf(processInstanceId);
    expect(tasks).toHaveLength(1);
    return tasks[0]!;
  };
  const complete = async (taskId: string, variables: Record<string, unknown> = {}) => expect((await api.post(`/task/${taskId}/complete`, { variables })).status).toBe(204);
  const calledBy = async (processInstanceId: string) =>
    (await api.get(`/process-instance?superProcessInstance=${processInstanceId}`)).body as { id: string; definitionId: string; businessKey: string | null }[];
  const onlyCalled = async (processInstanceId: string) => {
    const called = await calledBy(processInstanceId);
    expect(called).toHaveLength(1);
    return called[0]!;
  };
  const variable = async (processInstanceId: string, name: string) => (await api.get(`/process-instance/${processInstanceId}/variables/${name}`)).body;
  const isRunning = async (processInstanceId: string) => (await api.get(`/process-instance/${processInstanceId}`)).status === 200;
  const historic = async (processInstanceId: string) => (await api.get(`/history/process-instance/${processInstanceId}`)).body;

  it('testCallSimpleSubProcess: the called instance runs, both are linked, and its end continues the caller', async () => {
    // given
    await deploy({
      'CallActivity.testCallSimpleSubProcess.bpmn20.xml': fixture('CallActivity.testCallSimpleSubProcess.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml'),
    });
    const parent = await start('callSimpleSubProcess');
    await complete((await onlyTask(parent)).id);

    // when the call activity is reached
    const sub = await onlyCalled(parent);

    // then the called instance waits in its task, linked both ways
    expect((await onlyTask(sub.id)).name).toBe('Task in subprocess');
    expect((await api.get(`/process-instance?subProcessInstance=${sub.id}`)).body.map((p: { id: string }) => p.id)).toEqual([parent]);
    const tree = (await api.get(`/process-instance/${parent}/activity-instances`)).body;
    expect(tree.childActivityInstances).toEqual([expect.objectContaining({ activityId: 'callSubProcess', activityType: 'callActivity', childActivityInstances: [] })]);
    expect(await historic(sub.id)).toMatchObject({ superProcessInstanceId: parent, rootProcessInstanceId: parent, state: 'ACTIVE' });
    expect((await api.get(`/process-instance?rootProcessInstances=true&processDefinitionKey=simpleSubProcess`)).body).toEqual([]);
    expect((await api.get(`/process-instance?leafProcessInstances=true&rootProcessInstanceId=${parent}`)).body.map((p: { id: string }) => p.id)).toEqual([sub.id]);

    // when the called instance ends
    await complete((await onlyTask(sub.id)).id);

    // then the caller goes on past the call activity, and the history keeps the link
    expect((await onlyTask(parent)).name).toBe('Task after subprocess');
    expect(await isRunning(sub.id)).toBe(false);
    expect(await historic(sub.id)).toMatchObject({ state: 'COMPLETED', superProcessInstanceId: parent });
    expect((await api.get(`/history/process-instance?superProcessInstanceId=${parent}`)).body.map((h: { id: string }) => h.id)).toEqual([sub.id]);
    expect((await api.get(`/history/process-instance?subProcessInstanceId=${sub.id}`)).body.map((h: { id: string }) => h.id)).toEqual([parent]);
    await complete((await onlyTask(parent)).id);
    expect(await historic(parent)).toMatchObject({ state: 'COMPLETED', superProcessInstanceId: null, rootProcessInstanceId: parent });
  });

  it('testCallSimpleSubProcessWithExpressions: the called element is an expression', async () => {
    // given
    await deploy({ 'expr.bpmn20.xml': fixture('CallActivity.testCallSimpleSubProcessWithExpressions.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('callSimpleSubProcess', { variables: { simpleSubProcessExpression: { value: 'simpleSubProcess', type: 'String' } } });

    // when
    await complete((await onlyTask(parent)).id);

    // then
    expect((await onlyCalled(parent)).definitionId).toMatch(/^simpleSubProcess:/);
  });

  it('calls by version and by deployment: the named version, not the latest', async () => {
    // given version 1 of simpleSubProcess deployed with the deployment-bound caller, then version 2 alone
    const first = await deploy({
      'byDeployment.bpmn20.xml': fixture('CallActivity.testCallSimpleSubProcessFromSameDeployment.bpmn20.xml'),
      'byVersion.bpmn20.xml': fixture('CallActivity.testCallSimpleSubProcessWithVersion.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml'),
    });
    const ownVersion = Object.values(first.deployedProcessDefinitions).find((d) => d.key === 'simpleSubProcess')!;
    await deploy({ 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml').replace('Task in subprocess', 'Task in subprocess, changed') });
    const versionOne = (await api.get('/process-definition?key=simpleSubProcess&version=1')).body[0];

    // when
    const byDeployment = await start('callSimpleSubProcessFromSameDeployment');
    await complete((await onlyTask(byDeployment)).id);
    const byVersion = await start('callSimpleSubProcessWithVersion');
    await complete((await onlyTask(byVersion)).id);

    // then
    expect((await onlyCalled(byDeployment)).definitionId).toBe(ownVersion.id);
    expect((await onlyCalled(byVersion)).definitionId).toBe(versionOne.id);
  });

  it('testSubProcessWithDataInputOutput: in and out by name and by expression', async () => {
    // given
    await deploy({ 'data.bpmn20.xml': fixture('CallActivity.testSubProcessDataInputOutput.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('subProcessDataInputOutput', { variables: { superVariable: { value: 'Hello from the super process.', type: 'String' } } });
    const sub = await onlyCalled(parent);
    expect((await variable(sub.id, 'subVariable')).value).toBe('Hello from the super process.');

    // when the called instance changes its variable and ends
    expect((await api.put(`/process-instance/${sub.id}/variables/subVariable`, { value: 'Hello from sub process.', type: 'String' })).status).toBe(204);
    expect((await variable(parent, 'superVariable')).value).toBe('Hello from the super process.');
    await complete((await onlyTask(sub.id)).id);

    // then the caller has it back under its own name
    expect((await onlyTask(parent)).name).toBe('Task in super process');
    expect((await variable(parent, 'superVariable')).value).toBe('Hello from sub process.');

    // when the second call maps expressions: y = x + 5 in, z = y + 5 out
    await complete((await onlyTask(parent)).id, { x: { value: 5, type: 'Long' } });
    const second = await onlyCalled(parent);
    expect((await variable(second.id, 'y')).value).toBe(10);
    await complete((await onlyTask(second.id)).id);

    // then
    expect((await variable(parent, 'z')).value).toBe(15);
  });

  it('testSubProcessLocalInputAllVariables / LocalOutputSingleVariable: local reads only the call activity’s own variables, local out writes there', async () => {
    // given
    await deploy({
      'localIn.bpmn20.xml': fixture('CallActivity.testSubProcessLocalInputAllVariables.bpmn20.xml'),
      'localOut.bpmn20.xml': fixture('CallActivity.testSubProcessLocalOutputSingleVariable.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml'),
    });
    const localIn = await start('subProcessLocalInputAllVariables', { variables: { callingProcessVar1: { value: 'val1', type: 'String' } } });
    await complete((await onlyTask(localIn)).id, { callingProcessVar2: { value: 'val2', type: 'String' } });

    // then only the call activity's input parameter reaches the called instance
    const sub = await onlyCalled(localIn);
    expect(Object.keys((await api.get(`/process-instance/${sub.id}/variables`)).body)).toEqual(['inputParameter']);

    // given the local out mapping
    const localOut = await start('subProcessLocalOutputSingleVariable', { variables: { callingProcessVar1: { value: 'val1', type: 'String' } } });
    await complete((await onlyTask(localOut)).id);
    const sub2 = await onlyCalled(localOut);
    await api.put(`/process-instance/${sub2.id}/variables/calledProcessVar1`, { value: 42, type: 'Long' });

    // when
    await complete((await onlyTask(sub2.id)).id);

    // then outVar lived only on the call activity; its output parameter passed outVar + 1 on
    expect((await api.get(`/process-instance/${localOut}/variables/outVar`)).status).toBe(404);
    expect(Object.keys((await api.get(`/process-instance/${localOut}/variables`)).body).sort()).toEqual(['callingProcessVar1', 'outputParameter']);
    expect((await variable(localOut, 'outputParameter')).value).toBe(43);
  });

  it('testSubProcessBusinessKeyInput: the business key goes to the called instance', async () => {
    // given
    await deploy({ 'bk.bpmn20.xml': fixture('CallActivity.testSubProcessBusinessKeyInput.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('subProcessBusinessKeyInput', { businessKey: 'myBusinessKey' });

    // when
    await complete((await onlyTask(parent)).id);

    // then
    expect((await onlyCalled(parent)).businessKey).toBe('myBusinessKey');
  });

  it('CallActivityDelegateMappingTest: the variable mapping delegate maps both ways', async () => {
    // given
    await deploy({
      'mapping.bpmn20.xml': fixture('CallActivityDelegateMappingTest.testCallSimpleSubProcessDelegateVarMapping.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml'),
    });
    const parent = await start('callSimpleSubProcess');

    // when
    const sub = await onlyCalled(parent);
    expect((await variable(sub.id, 'TestInputVar')).value).toBe('inValue');
    await complete((await onlyTask(sub.id)).id);

    // then
    expect((await variable(parent, 'TestOutputVar')).value).toBe('outValue');
  });

  it('testSubProcessDataOutputOnError / OnThrownError: an error the called instance does not catch is caught on the call activity, with the outputs passed first', async () => {
    // given
    for (const [caller, called] of [
      ['CallActivity.testSubProcessDataOutputOnError.bpmn', 'subProcessWithError.bpmn'],
      ['CallActivity.testSubProcessDataOutputOnThrownError.bpmn', 'subProcessWithThrownError.bpmn'],
    ]) {
      // Both callers are process Process_1, as in Camunda's two tests: each run uses the latest.
      await deploy({ [caller!]: fixture(caller!), [called!]: fixture(called!) });
      const parent = await start('Process_1');
      const sub = await onlyCalled(parent);
      expect((await onlyTask(sub.id)).name).toBe('SubTask');
      await api.put(`/process-instance/${sub.id}/variables/subVariable`, { value: 'Hello from Subprocess', type: 'String' });

      // when
      await complete((await onlyTask(sub.id)).id);

      // then
      expect((await onlyTask(parent)).name).toBe('Task after error');
      expect((await variable(parent, 'subVariable')).value).toBe('Hello from Subprocess');
      expect(await isRunning(sub.id)).toBe(false);
      expect((await historic(sub.id)).state).toBe('INTERNALLY_TERMINATED');
    }
  });

  it('an escalation the called instance throws reaches a non-interrupting boundary on the call activity, and both go on', async () => {
    // given
    const child = bpmnXml(
      'escalatingChild',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="raise"/>
       <intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="esc"/></intermediateThrowEvent>
       <sequenceFlow id="f2" sourceRef="raise" targetRef="afterThrow"/><userTask id="afterThrow"/>`,
      '<escalation id="esc" escalationCode="up"/>',
    );
    const parent = bpmnXml(
      'escalationCaller',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/><callActivity id="call" calledElement="escalatingChild"/>
       <boundaryEvent id="caught" attachedToRef="call" cancelActivity="false"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>
       <sequenceFlow id="f2" sourceRef="caught" targetRef="afterCatch"/><userTask id="afterCatch"/>`,
      '<escalation id="esc" escalationCode="up"/>',
    );
    await deploy({ 'child.bpmn': child, 'parent.bpmn': parent });

    // when
    const caller = await start('escalationCaller');

    // then
    const sub = await onlyCalled(caller);
    expect((await onlyTask(sub.id)).taskDefinitionKey).toBe('afterThrow');
    expect((await onlyTask(caller)).taskDefinitionKey).toBe('afterCatch');
  });

  it('testTimerOnCallActivity: an interrupting timer on the call activity deletes the called instance', async () => {
    // given
    await deploy({ 'timer.bpmn20.xml': fixture('CallActivity.testTimerOnCallActivity.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('timerOnCallActivity');
    const sub = await onlyCalled(parent);
    const [timer] = (await api.get(`/job?processInstanceId=${parent}`)).body;

    // when
    expect((await api.post(`/job/${timer.id}/execute`)).status).toBe(204);

    // then
    expect((await onlyTask(parent)).name).toBe('Escalated Task');
    expect(await isRunning(sub.id)).toBe(false);
    expect((await historic(sub.id)).state).toBe('INTERNALLY_TERMINATED');
  });

  it('testDeleteProcessInstanceInCallActivity: deleting the called instance deletes its caller upward, two levels up', async () => {
    // given
    await deploy({
      'simple.bpmn20.xml': fixture('CallActivity.testCallSimpleSubProcess.bpmn20.xml'),
      'nested.bpmn20.xml': fixture('CallActivity.testNestedCallActivity.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml'),
    });
    const top = await start('nestedCallActivity');
    await complete((await onlyTask(top)).id);
    const middle = await onlyCalled(top);
    await complete((await onlyTask(middle.id)).id);
    const leaf = await onlyCalled(middle.id);
    expect(await historic(leaf.id)).toMatchObject({ rootProcessInstanceId: top, superProcessInstanceId: middle.id });

    // when
    expect((await api.delete(`/process-instance/${leaf.id}`)).status).toBe(204);

    // then
    for (const id of [top, middle.id, leaf.id]) {
      expect(await isRunning(id)).toBe(false);
      expect((await historic(id)).state).toBe('EXTERNALLY_TERMINATED');
    }
  });

  it('testSingleDeletionWithTwoSubProcesses: the upward deletion stops at a caller with something else running', async () => {
    // given
    await deploy({ 'two.bpmn20.xml': fixture('CallActivity.testTwoSubProcesses.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('callTwoSubProcesses');
    const [first, second] = await calledBy(parent);

    // when
    expect((await api.delete(`/process-instance/${first!.id}`)).status).toBe(204);

    // then
    expect(await isRunning(parent)).toBe(true);
    expect((await calledBy(parent)).map((p) => p.id)).toEqual([second!.id]);
    expect((await api.get(`/process-instance/${parent}/activity-instances`)).body.childActivityInstances).toHaveLength(1);
  });

  it('deleting the caller deletes the called instances, unless skipSubprocesses', async () => {
    // given
    await deploy({ 'two.bpmn20.xml': fixture('CallActivity.testTwoSubProcesses.bpmn20.xml'), 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const parent = await start('callTwoSubProcesses');
    const called = await calledBy(parent);
    const kept = await start('callTwoSubProcesses');
    const keptCalled = await calledBy(kept);

    // when
    expect((await api.delete(`/process-instance/${parent}`)).status).toBe(204);
    expect((await api.delete(`/process-instance/${kept}?skipSubprocesses=true`)).status).toBe(204);

    // then
    for (const sub of called) {
      expect(await isRunning(sub.id)).toBe(false);
      expect((await historic(sub.id)).state).toBe('EXTERNALLY_TERMINATED');
    }
    for (const sub of keptCalled) {
      // Camunda detaches them: they run on as roots of their own.
      expect(await isRunning(sub.id)).toBe(true);
      expect(await historic(sub.id)).toMatchObject({ state: 'ACTIVE', superProcessInstanceId: null });
      expect((await api.get(`/process-instance?subProcessInstance=${sub.id}`)).body).toEqual([]);
    }
    expect((await api.get(`/history/process-instance?superProcessInstanceId=${kept}`)).body).toEqual([]);
  });

  it('a missing called definition is Camunda’s error at the moment of the call, and nothing is started', async () => {
    // given
    const caller = bpmnXml('callsNothing', `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/><callActivity id="call" calledElement="noSuchProcess"/>`);
    const deployed = await deploy({ 'callsNothing.bpmn': caller });
    const definitionId = Object.values(deployed.deployedProcessDefinitions)[0]!.id;

    // when
    const started = await api.post('/process-definition/key/callsNothing/start', {});

    // then
    expect(started.status).toBe(500);
    expect(started.body).toEqual({
      type: 'RestException',
      message: `Cannot instantiate process definition ${definitionId}: no processes deployed with key 'noSuchProcess' and tenant-id 'null': processDefinition is null`,
      code: 0,
    });
    expect((await api.get('/process-instance?processDefinitionKey=callsNothing')).body).toEqual([]);
    expect((await api.get('/history/process-instance?processDefinitionKey=callsNothing')).body).toEqual([]);
  });

  it('testCallProcessByVersionTag: calls the version with the tag; two versions with it are Camunda’s ENGINE-03045', async () => {
    // given a caller bound by version tag, and one definition with the tag (then a later version without it)
    const caller = bpmnXml(
      'versionTagCaller',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
       <callActivity id="call" calledElement="subProcess" camunda:calledElementBinding="versionTag" camunda:calledElementVersionTag="ver_tag_1"/>
       <sequenceFlow id="f2" sourceRef="call" targetRef="e"/><endEvent id="e"/>`,
    );
    const tagged = await deploy({ 'caller.bpmn': caller, 'subProcessWithVersionTag.bpmn20.xml': fixture('subProcessWithVersionTag.bpmn20.xml') });
    const taggedId = Object.values(tagged.deployedProcessDefinitions).find((d) => d.key === 'subProcess')!.id;
    await deploy({ 'untagged.bpmn20.xml': fixture('subProcessWithVersionTag.bpmn20.xml').replace(' camunda:versionTag="ver_tag_1"', '') });
    expect((await api.get(`/process-definition/${taggedId}`)).body.versionTag).toBe('ver_tag_1');

    // when
    const parent = await start('versionTagCaller');

    // then
    expect((await onlyCalled(parent)).definitionId).toBe(taggedId);

    // when a second version carries the same tag
    await deploy({ 'subProcessWithVersionTag2.bpmn20.xml': fixture('subProcessWithVersionTag2.bpmn20.xml') });
    const refused = await api.post('/process-definition/key/versionTagCaller/start', {});

    // then
    expect(refused.status).toBe(500);
    expect(refused.body.message).toContain("ENGINE-03045 There are '2' results for a process definition with key 'subProcess', versionTag 'ver_tag_1' and tenant-id '{}'.");
  });

  it('calls a definition of the tenant camunda:calledElementTenantId names, and by default of the caller’s own', async () => {
    // given the same key deployed for tenants t1 and t2, a caller of t2 calling t1's explicitly and its own by default
    const callee = (name: string) => bpmnXml('tenantCallee', `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t" name="${name}"/>`);
    const caller = bpmnXml(
      'tenantCaller',
      `<startEvent id="s"/><parallelGateway id="fork"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
       <sequenceFlow id="f1" sourceRef="fork" targetRef="other"/><callActivity id="other" calledElement="tenantCallee" camunda:calledElementTenantId="t1"/>
       <sequenceFlow id="f2" sourceRef="fork" targetRef="own"/><callActivity id="own" calledElement="tenantCallee"/>`,
    );
    expect((await api.deploy({ 'callee.bpmn': callee('of t1') }, { 'tenant-id': 't1' })).status).toBe(200);
    expect((await api.deploy({ 'callee.bpmn': callee('of t2'), 'caller.bpmn': caller }, { 'tenant-id': 't2' })).status).toBe(200);

    // when
    const started = await api.post('/process-definition/key/tenantCaller/tenant-id/t2/start', {});
    expect(started.status, JSON.stringify(started.body)).toBe(200);

    // then
    const names = await Promise.all((await calledBy(started.body.id)).map(async (c) => (await onlyTask(c.id)).name));
    expect(names.sort()).toEqual(['of t1', 'of t2']);
  });

  it('async before the call activity and async after the called process’s end: the job executor carries both', async () => {
    // given
    const child = bpmnXml('asyncEndChild', `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="e"/><endEvent id="e" camunda:asyncAfter="true"/>`);
    const parent = bpmnXml(
      'asyncCaller',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/><callActivity id="call" calledElement="asyncEndChild" camunda:asyncBefore="true"/>
       <sequenceFlow id="f2" sourceRef="call" targetRef="after"/><userTask id="after"/>`,
    );
    await deploy({ 'child.bpmn': child, 'parent.bpmn': parent });

    // when
    const caller = await start('asyncCaller');

    // then (the start returned before the call: its job runs on the job queue) the caller goes on once the child's end job ran
    await expect.poll(async () => (await tasksOf(caller)).map((t) => t.taskDefinitionKey), { timeout: 10_000 }).toEqual(['after']);
    const [sub] = (await api.get(`/history/process-instance?superProcessInstanceId=${caller}`)).body;
    expect(sub.state).toBe('COMPLETED');
  });

  it('a process that calls itself recurses as far as its own logic goes, and unwinds', async () => {
    // given: calls itself while depth < 3, passing depth + 1; the innermost waits in a task
    const recursive = bpmnXml(
      'recursive',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="gw"/><exclusiveGateway id="gw" default="toTask"/>
       <sequenceFlow id="toCall" sourceRef="gw" targetRef="call"><conditionExpression>\${depth &lt; 3}</conditionExpression></sequenceFlow>
       <sequenceFlow id="toTask" sourceRef="gw" targetRef="bottom"/><userTask id="bottom"/>
       <callActivity id="call" calledElement="recursive"><extensionElements><camunda:in sourceExpression="\${depth + 1}" target="depth"/><camunda:out source="depth" target="reached"/></extensionElements></callActivity>
       <sequenceFlow id="f2" sourceRef="call" targetRef="e"/><sequenceFlow id="f3" sourceRef="bottom" targetRef="e"/><endEvent id="e"/>`,
    );
    await deploy({ 'recursive.bpmn': recursive });
    const top = await start('recursive', { variables: { depth: { value: 0, type: 'Integer' } } });
    expect((await api.get(`/process-instance?rootProcessInstanceId=${top}`)).body).toHaveLength(4);
    const levels = [{ id: top }];
    for (let called = await calledBy(top); called.length > 0; called = await calledBy(called[0]!.id)) levels.push(called[0]!);
    expect(levels).toHaveLength(4);
    const bottom = (await api.get(`/process-instance?leafProcessInstances=true&rootProcessInstanceId=${top}`)).body[0].id;
    expect(bottom).toBe(levels[3]!.id);
    expect((await variable(bottom, 'depth')).value).toBe(3);

    // when
    await complete((await onlyTask(bottom)).id);

    // then every level ended, innermost first
    for (const level of levels) expect((await historic(level.id)).state).toBe('COMPLETED');
    const ends = await Promise.all(levels.map(async (level) => Date.parse((await historic(level.id)).endTime)));
    expect(ends.every((end, i) => i === 0 || end <= ends[i - 1]!)).toBe(true);
  });

  it('a parallel multi-instance call activity starts one instance per inner activity, each with its loop counter, and goes on when all ended', async () => {
    // given
    const parent = bpmnXml(
      'multiCaller',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
       <callActivity id="call" calledElement="simpleSubProcess"><extensionElements><camunda:in source="loopCounter" target="item"/></extensionElements>
         <multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></callActivity>
       <sequenceFlow id="f2" sourceRef="call" targetRef="after"/><userTask id="after"/>`,
    );
    await deploy({ 'multi.bpmn': parent, 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });
    const caller = await start('multiCaller');

    // when
    const called = await calledBy(caller);
    expect(called).toHaveLength(3);
    expect((await Promise.all(called.map(async (c) => (await variable(c.id, 'item')).value))).sort()).toEqual([0, 1, 2]);
    for (const sub of called) await complete((await onlyTask(sub.id)).id);

    // then
    expect((await onlyTask(caller)).taskDefinitionKey).toBe('after');
  });

  it('a wide parallel multi-instance call activity (100 calls in one step) starts, and deletes, every called instance', async () => {
    // given more calls than one transaction holds hand-overs for: they are stored as groups with the caller
    const parent = bpmnXml(
      'wideCaller',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
       <callActivity id="call" calledElement="simpleSubProcess"><multiInstanceLoopCharacteristics><loopCardinality>100</loopCardinality></multiInstanceLoopCharacteristics></callActivity>`,
    );
    await deploy({ 'wide.bpmn': parent, 'simpleSubProcess.bpmn20.xml': fixture('simpleSubProcess.bpmn20.xml') });

    // when
    const caller = await start('wideCaller');

    // then
    const called = await calledBy(caller);
    expect(called).toHaveLength(100);
    expect(new Set(called.map((c) => c.id)).size).toBe(100);

    // when
    expect((await api.delete(`/process-instance/${caller}`)).status).toBe(204);

    // then
    expect((await api.get('/process-instance?processDefinitionKey=simpleSubProcess&rootProcessInstanceId=' + caller)).body).toEqual([]);
    expect((await api.get(`/history/process-instance?superProcessInstanceId=${caller}&state=EXTERNALLY_TERMINATED`)).body).toHaveLength(100);
  });

  it('an incident in the called instance shows on the caller’s call activity, and goes when it is resolved', async () => {
    // given a called process whose async service task fails
    const child = bpmnXml(
      'failingChild',
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><serviceTask id="work" camunda:asyncBefore="true" camunda:class="failsWhileTold"/>
       <sequenceFlow id="f2" sourceRef="work" targetRef="wait"/><userTask id="wait"/>`,
    );
    const parent = bpmnXml('incidentCaller', `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/><callActivity id="call" calledElement="failingChild"/>`);
    await deploy({ 'child.bpmn': child, 'parent.bpmn': parent });
    failing.on = true;
    const caller = await start('incidentCaller');
    const sub = await onlyCalled(caller);

    // when the job runs out of retries (the job executor runs it three times; slow on a loaded machine)
    const incidents = async (id: string) => (await api.get(`/incident?processInstanceId=${id}`)).body as Record<string, unknown>[];
    await expect.poll(async () => (await incidents(caller)).length, { timeout: 20_000 }).toBe(1);

    // then the caller's incident stands for the called instance's
    const [own] = await incidents(sub.id);
    const [mirrored] = await incidents(caller);
    expect(own).toMatchObject({ activityId: 'work', incidentType: 'failedJob', causeIncidentId: own!.id, rootCauseIncidentId: own!.id });
    expect(mirrored).toMatchObject({ activityId: 'call', incidentType: 'failedJob', causeIncidentId: own!.id, rootCauseIncidentId: own!.id, configuration: null, incidentMessage: null });
    expect((await api.get(`/process-instance/${caller}/activity-instances`)).body.childActivityInstances[0].incidentIds).toEqual([mirrored!.id]);

    // when the job gets retries again and succeeds
    failing.on = false;
    const [job] = (await api.get(`/job?processInstanceId=${sub.id}`)).body;
    expect((await api.put(`/job/${job.id}/retries`, { retries: 1 })).status).toBe(204);

    // then both incidents are gone
    await expect.poll(async () => (await incidents(caller)).length, { timeout: 10_000 }).toBe(0);
    expect(await incidents(sub.id)).toEqual([]);
  });
});
