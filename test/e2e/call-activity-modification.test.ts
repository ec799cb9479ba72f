import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { completed } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/**
 * Modification across a call hierarchy, synchronous and in batches: Camunda's call-activity
 * scenarios of SingleProcessInstanceModificationAsyncTest (testCancelCallActivityInstance),
 * ProcessInstanceModificationCancellationTest and ProcessInstanceModificationSubProcessTest, over
 * Camunda's models, plus starting and cancelling call activities in the caller.
 */

const modificationFixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-models/${name}`, import.meta.url), 'utf8');
const callFixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-callactivity/${name}`, import.meta.url), 'utf8');

interface Tree {
  id: string;
  activityId: string;
  childActivityInstances: Tree[];
}

describe('modification of call activities and of called instances', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    const deployed = await api.deploy({
      'parent.bpmn': modificationFixture('ProcessInstanceModificationTest.testCancelCallActivityParentProcess.bpmn'),
      'child.bpmn': modificationFixture('ProcessInstanceModificationTest.testCancelCallActivityChildProcess.bpmn'),
      'simple.bpmn20.xml': callFixture('CallActivity.testCallSimpleSubProcess.bpmn20.xml'),
      'two.bpmn20.xml': callFixture('CallActivity.testTwoSubProcesses.bpmn20.xml'),
      'simpleSubProcess.bpmn20.xml': callFixture('simpleSubProcess.bpmn20.xml'),
      'ends.bpmn20.xml': callFixture('CallActivity.testSubProcessEndsSuperProcess.bpmn20.xml'),
      'scoped.bpmn': bpmnXml(
        'scopedCaller',
        `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="scope"/>
         <subProcess id="scope"><startEvent id="ss"/><sequenceFlow id="sf1" sourceRef="ss" targetRef="inner"/><userTask id="inner"/>
           <callActivity id="call" calledElement="simpleSubProcess"/></subProcess>`,
      ),
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  const start = async (key: string) => (await api.post(`/process-definition/key/${key}/start`, {})).body.id as string;
  const tree = async (id: string) => (await api.get(`/process-instance/${id}/activity-instances`)).body as Tree;
  const instanceOf = async (processInstanceId: string, activityId: string) => {
    const found: Tree[] = [];
    const visit = (node: Tree) => {
      if (node.activityId === activityId) found.push(node);
      for (const child of node.childActivityInstances) visit(child);
    };
    visit(await tree(processInstanceId));
    return found;
  };
  const calledBy = async (id: string) => ((await api.get(`/process-instance?superProcessInstance=${id}`)).body as { id: string }[]).map((p) => p.id);
  const isRunning = async (id: string) => (await api.get(`/process-instance/${id}`)).status === 200;
  const state = async (id: string) => (await api.get(`/history/process-instance/${id}`)).body.state as string;
  const modify = async (id: string, instructions: unknown[]) => {
    const response = await api.post(`/process-instance/${id}/modification`, { instructions });
    expect(response.status, JSON.stringify(response.body)).toBe(204);
  };
  const completeOnlyTask = async (id: string) => {
    const [task] = (await api.get(`/task?processInstanceId=${id}`)).body as { id: string }[];
    expect((await api.post(`/task/${task!.id}/complete`, {})).status).toBe(204);
  };

  for (const mode of ['sync', 'async'] as const) {
    it(`testCancelCallActivityInstance (${mode}): ending the called instance's branch and cancelling its task deletes it and its caller`, async () => {
      // given
      const parent = await start('parentprocess');
      const [sub] = await calledBy(parent);
      const [innerTask] = await instanceOf(sub!, 'innerTask');
      const instructions = [
        { type: 'startBeforeActivity', activityId: 'childEnd', ancestorActivityInstanceId: sub },
        { type: 'cancel', activityInstanceId: innerTask!.id },
      ];

      // when
      if (mode === 'sync') await modify(sub!, instructions);
      else {
        const batch = await api.post(`/process-instance/${sub}/modification-async`, { instructions });
        expect(batch.status, JSON.stringify(batch.body)).toBe(200);
        await completed(api, batch.body.id);
      }

      // then
      expect(await isRunning(sub!)).toBe(false);
      expect(await isRunning(parent)).toBe(false);
    });
  }

  it('testCancellationInCallActivitySubProcess: cancelling the called instance’s only task deletes caller and called', async () => {
    // given
    const parent = await start('callSimpleSubProcess');
    await completeOnlyTask(parent);
    const [sub] = await calledBy(parent);
    const [task] = await instanceOf(sub!, 'task');

    // when
    await modify(sub!, [{ type: 'cancel', activityInstanceId: task!.id }]);

    // then
    expect(await isRunning(parent)).toBe(false);
    expect(await state(parent)).toBe('EXTERNALLY_TERMINATED');
  });

  it('testCancellationAndRestartInCallActivitySubProcess: cancel and restart in one modification leaves both running', async () => {
    // given
    const parent = await start('callSimpleSubProcess');
    await completeOnlyTask(parent);
    const [sub] = await calledBy(parent);
    const [task] = await instanceOf(sub!, 'task');

    // when
    await modify(sub!, [
      { type: 'cancel', activityInstanceId: task!.id },
      { type: 'startBeforeActivity', activityId: 'task' },
    ]);

    // then
    expect(await isRunning(parent)).toBe(true);
    expect(await calledBy(parent)).toEqual([sub]);
  });

  it('testSingleCancellationWithTwoSubProcess: the caller keeps its other call', async () => {
    // given
    const parent = await start('callTwoSubProcesses');
    const [first, second] = await calledBy(parent);
    const [task] = await instanceOf(first!, 'task');

    // when
    await modify(first!, [{ type: 'cancel', activityInstanceId: task!.id }]);

    // then
    expect(await isRunning(parent)).toBe(true);
    expect(await calledBy(parent)).toEqual([second]);
    expect((await tree(parent)).childActivityInstances).toHaveLength(1);
  });

  it('shouldContinueParentProcess: a modification that completes the called instance continues its caller', async () => {
    // given
    const parent = await start('callSimpleSubProcess');
    await completeOnlyTask(parent);
    const [sub] = await calledBy(parent);

    // when
    await modify(sub!, [
      { type: 'cancel', activityId: 'task' },
      { type: 'startAfterActivity', activityId: 'task' },
    ]);

    // then
    expect(await state(sub!)).toBe('COMPLETED');
    expect((await tree(parent)).childActivityInstances.map((c) => c.activityId)).toEqual(['taskAfterSubProcess']);
  });

  it('shouldCompleteParentProcess: a modification that completes the called instance completes a caller that ends after the call', async () => {
    // given
    const parent = await start('subProcessEndsSuperProcess');
    const [sub] = await calledBy(parent);

    // when
    await modify(sub!, [
      { type: 'cancel', activityId: 'task' },
      { type: 'startAfterActivity', activityId: 'task' },
    ]);

    // then
    expect(await state(sub!)).toBe('COMPLETED');
    expect(await state(parent)).toBe('COMPLETED');
  });

  it('cancelling a call activity instance in the caller deletes the called instance (externally terminated)', async () => {
    // given
    const parent = await start('parentprocess');
    const [sub] = await calledBy(parent);
    const [call] = await instanceOf(parent, 'callActivity');

    // when
    await modify(parent, [
      { type: 'startBeforeActivity', activityId: 'outerTask' },
      { type: 'cancel', activityInstanceId: call!.id },
    ]);

    // then
    expect(await isRunning(sub!)).toBe(false);
    expect(await state(sub!)).toBe('EXTERNALLY_TERMINATED');
    expect((await tree(parent)).childActivityInstances.map((c) => c.activityId)).toEqual(['outerTask']);
  });

  it('startBeforeActivity on a call activity starts another called instance, also under a given ancestor', async () => {
    // given a caller with two instances of a sub-process scope
    const parent = await start('scopedCaller');
    await modify(parent, [{ type: 'startBeforeActivity', activityId: 'scope' }]);
    const scopes = await instanceOf(parent, 'scope');
    expect(scopes).toHaveLength(2);

    // when
    await modify(parent, [{ type: 'startBeforeActivity', activityId: 'call', ancestorActivityInstanceId: scopes[1]!.id }]);

    // then one called instance, waiting under the second scope instance
    const called = await calledBy(parent);
    expect(called).toHaveLength(1);
    const after = (await tree(parent)).childActivityInstances;
    const second = after.find((s) => s.id === scopes[1]!.id)!;
    expect(second.childActivityInstances.map((c) => c.activityId).sort()).toEqual(['call', 'inner']);
    expect(after.find((s) => s.id === scopes[0]!.id)!.childActivityInstances.map((c) => c.activityId)).toEqual(['inner']);
    expect((await api.get(`/task?processInstanceId=${called[0]}`)).body).toHaveLength(1);
  });

  it('startAfterActivity on a call activity goes past it without calling anything', async () => {
    // given
    const parent = await start('parentprocess');
    const before = await calledBy(parent);

    // when
    await modify(parent, [{ type: 'startAfterActivity', activityId: 'callActivity' }]);

    // then
    expect(await calledBy(parent)).toEqual(before);
    expect((await tree(parent)).childActivityInstances.map((c) => c.activityId).sort()).toEqual(['callActivity', 'outerTask']);
  });

  it('a batch modification that starts a call activity again starts one more called instance per caller', async () => {
    // given
    const parents = [await start('parentprocess'), await start('parentprocess')];
    const definitionId = (await api.get(`/process-instance/${parents[0]}`)).body.definitionId;

    // when
    const batch = await api.post('/modification/executeAsync', {
      processDefinitionId: definitionId,
      processInstanceIds: parents,
      instructions: [{ type: 'startBeforeActivity', activityId: 'callActivity' }],
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    await completed(api, batch.body.id);

    // then
    for (const parent of parents) {
      expect(await calledBy(parent)).toHaveLength(2);
      expect(await instanceOf(parent, 'callActivity')).toHaveLength(2);
    }
  });

  it('a batch modification of callers cancels their call activities and deletes every called instance', async () => {
    // given
    const parents = [await start('parentprocess'), await start('parentprocess'), await start('parentprocess')];
    const subs = (await Promise.all(parents.map(calledBy))).flat();
    expect(subs).toHaveLength(3);
    const definitionId = (await api.get(`/process-instance/${parents[0]}`)).body.definitionId;

    // when
    const batch = await api.post('/modification/executeAsync', {
      processDefinitionId: definitionId,
      processInstanceIds: parents,
      instructions: [
        { type: 'startBeforeActivity', activityId: 'outerTask' },
        { type: 'cancel', activityId: 'callActivity' },
      ],
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    await completed(api, batch.body.id);

    // then
    for (const sub of subs) expect(await isRunning(sub)).toBe(false);
    for (const parent of parents) expect((await tree(parent)).childActivityInstances.map((c) => c.activityId)).toEqual(['outerTask']);
  });

  it('shouldContinueParentProcessWithMultiInstance: a batch modification of called instances completes them and their callers go on', async () => {
    // given
    const parents = [await start('parentprocess'), await start('parentprocess')];
    const subs = (await Promise.all(parents.map(calledBy))).flat();
    const definitionId = (await api.get(`/process-instance/${subs[0]}`)).body.definitionId;

    // when
    const batch = await api.post('/modification/executeAsync', {
      processDefinitionId: definitionId,
      processInstanceIds: subs,
      instructions: [
        { type: 'cancel', activityId: 'innerTask' },
        { type: 'startAfterActivity', activityId: 'innerTask' },
      ],
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    await completed(api, batch.body.id);

    // then
    for (const sub of subs) expect(await state(sub)).toBe('COMPLETED');
    for (const parent of parents) expect((await tree(parent)).childActivityInstances.map((c) => c.activityId)).toEqual(['outerTask']);
  });
});
