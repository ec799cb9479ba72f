/**
 * Process-level message and timer start events over the REST API, end to end: POST /message starts
 * instances (Camunda's correlation rules and errors), timer start jobs are created at deployment,
 * listed by GET /job, run by the job executor, replaced on redeployment and removed with their
 * deployment; modification keeps both (ProcessInstanceModificationEventTest).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { readFixture } from '../support/engine-harness.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape } from './inline-bpmn.ts';

const messageStarted = (processId: string, messageName: string, extra = '') =>
  bpmnXml(
    processId,
    `<startEvent id="byMessage"><messageEventDefinition messageRef="msg"/></startEvent>
     <sequenceFlow id="f1" sourceRef="byMessage" targetRef="work"/><userTask id="work"/>${extra}`,
    `<message id="msg" name="${messageName}"/>`,
  );

const timerStarted = (processId: string, timer: string) =>
  bpmnXml(
    processId,
    `<startEvent id="byTimer"><timerEventDefinition>${timer}</timerEventDefinition></startEvent>
     <sequenceFlow id="f1" sourceRef="byTimer" targetRef="work"/><userTask id="work"/>`,
  );

interface JobDto {
  id: string;
  processInstanceId: string | null;
  processDefinitionId: string;
  processDefinitionKey: string;
  dueDate: string;
  retries: number;
}

describe('process-level message and timer start events over REST', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const instancesOf = async (key: string) => (await api.get(`/process-instance?processDefinitionKey=${key}`)).body as { id: string; businessKey: string | null; definitionId: string }[];
  const jobsOf = async (key: string) => (await api.get(`/job?processDefinitionKey=${key}`)).body as JobDto[];
  const deployOk = async (resources: Record<string, string>) => {
    const deployed = await api.deploy(resources);
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    return deployed.body as { id: string; deployedProcessDefinitions: Record<string, { id: string; version: number }> };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  describe('POST /message and message start events', () => {
    it('starts an instance at the message start event, with the business key and variables, and answers it with resultEnabled', async () => {
      // given
      await deployOk({ 'orders.bpmn': messageStarted('orderProcess', 'orderPlaced') });

      // when
      const response = await api.post('/message', {
        messageName: 'orderPlaced',
        businessKey: 'order-17',
        processVariables: { amount: { value: 42, type: 'Integer' } },
        resultEnabled: true,
      });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toHaveLength(1);
      const [result] = response.body;
      expect(result).toMatchObject({ resultType: 'ProcessDefinition', execution: null, processInstance: { businessKey: 'order-17', ended: false, tenantId: null } });
      const id = result.processInstance.id as string;
      expect(treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode)).toBe('root{work}');
      expect((await api.get(`/process-instance/${id}/variables/amount`)).body).toMatchObject({ value: 42, type: 'Integer' });
      expect((await api.get(`/history/process-instance/${id}`)).body).toMatchObject({ startActivityId: 'byMessage' });
    });

    it('correlates to a waiting instance first; with all=true it also starts an instance', async () => {
      // given: the process both starts on and waits for "ping"
      await deployOk({
        'ping.bpmn': messageStarted(
          'pingProcess',
          'ping',
          `<sequenceFlow id="f2" sourceRef="work" targetRef="waitForPing"/>
           <intermediateCatchEvent id="waitForPing"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
           <sequenceFlow id="f3" sourceRef="waitForPing" targetRef="pinged"/><userTask id="pinged"/>`,
        ),
      });
      const started = await api.post('/message', { messageName: 'ping', resultEnabled: true });
      const firstId = started.body[0].processInstance.id as string;
      const task = ((await api.get(`/task?processInstanceId=${firstId}`)).body as { id: string }[])[0]!;
      await api.post(`/task/${task.id}/complete`, {});

      // when: one waiting instance matches, so no new instance starts
      const single = await api.post('/message', { messageName: 'ping', resultEnabled: true });

      // then
      expect(single.body).toEqual([expect.objectContaining({ resultType: 'Execution', processInstance: null })]);
      expect(await instancesOf('pingProcess')).toHaveLength(1);

      // when
      const all = await api.post('/message', { messageName: 'ping', all: true, resultEnabled: true });

      // then: nothing waits any more, the start event starts one
      expect(all.body.map((r: { resultType: string }) => r.resultType)).toEqual(['ProcessDefinition']);
      expect(await instancesOf('pingProcess')).toHaveLength(2);
    });

    it('a redeployment moves the message start event to the new version', async () => {
      // given
      await deployOk({ 'versioned.bpmn': messageStarted('versionedStart', 'versionedGo') });
      const second = await deployOk({ 'versioned.bpmn': messageStarted('versionedStart', 'versionedGo').replace('<userTask id="work"/>', '<userTask id="work" name="v2"/>') });
      const secondId = Object.keys(second.deployedProcessDefinitions)[0]!;

      // when
      const response = await api.post('/message', { messageName: 'versionedGo', resultEnabled: true });

      // then
      expect(response.body[0].processInstance.definitionId).toBe(secondId);
    });

    it("refuses a second process listening to the same message name, with Camunda's message", async () => {
      // given
      await deployOk({ 'first.bpmn': messageStarted('firstListener', 'sharedName') });

      // when
      const second = await api.deploy({ 'second.bpmn': messageStarted('secondListener', 'sharedName') });

      // then
      expect(second.status).toBe(400);
      expect(second.body.message).toBe("Cannot deploy process definition 'second.bpmn': there already is a message event subscription for the message with name 'sharedName'.");
      expect((await api.get('/process-definition?key=secondListener')).body).toEqual([]);
    });

    it('answers 400 MismatchingMessageCorrelationException when nothing matches, and refuses tenantId with withoutTenantId', async () => {
      // when
      const none = await api.post('/message', { messageName: 'nobodyListens' });
      const both = await api.post('/message', { messageName: 'orderPlaced', tenantId: 't1', withoutTenantId: true });
      const otherTenant = await api.post('/message', { messageName: 'orderPlaced', tenantId: 'someTenant' });

      // then
      expect(none.status).toBe(400);
      expect(none.body).toEqual({
        type: 'MismatchingMessageCorrelationException',
        message: "Cannot correlate message 'nobodyListens': No process definition or execution matches the parameters",
        code: 0,
      });
      expect(both.status).toBe(400);
      expect(otherTenant.status).toBe(400);
    });

    it('startBefore the message start event runs on from it and the message start event keeps listening (testStartBeforeMessageStartEvent)', async () => {
      // given
      await deployOk({ 'messageStart.bpmn20.xml': readFixture('ProcessInstanceModificationTest.messageStart.bpmn20.xml') });
      const started = await api.post('/message', { messageName: 'startMessage', resultEnabled: true });
      const id = started.body[0].processInstance.id as string;

      // when
      const modified = await api.post(`/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'theStart' }] });

      // then
      expect(modified.status).toBe(204);
      expect(treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode)).toBe('root{task, task}');
      const again = await api.post('/message', { messageName: 'startMessage', resultEnabled: true });
      expect(again.body[0].resultType).toBe('ProcessDefinition');
    });
  });

  describe('timer start events', () => {
    it('deployment creates the timer start job; GET /job lists it without an instance; executing it starts an instance and removes it', async () => {
      // given
      const deployed = await deployOk({ 'timerStart.bpmn20.xml': readFixture('ProcessInstanceModificationTest.timerStart.bpmn20.xml') });
      const definitionId = Object.keys(deployed.deployedProcessDefinitions)[0]!;
      const [job] = await jobsOf('process');

      // then: this version of key 'process' replaced the message start event of the model above
      expect(job).toMatchObject({ processInstanceId: null, processDefinitionId: definitionId, retries: 3 });
      expect((await api.post('/message', { messageName: 'startMessage' })).status).toBe(400);
      const dueIn = Date.parse(job!.dueDate.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) - Date.now();
      expect(dueIn).toBeGreaterThan(4 * 60_000);
      expect(dueIn).toBeLessThanOrEqual(5 * 60_000);

      // when
      const executed = await api.post(`/job/${job!.id}/execute`, {});

      // then (the message start model above has the same key: only this version's instances count)
      expect(executed.status).toBe(204);
      const instances = (await instancesOf('process')).filter((instance) => instance.definitionId === definitionId);
      expect(instances).toHaveLength(1);
      expect((await api.get(`/history/process-instance/${instances[0]!.id}`)).body).toMatchObject({ startActivityId: 'theStart' });
      expect(await jobsOf('process')).toEqual([]);
    });

    it('startBefore the timer start event of an instance started by key keeps the one timer start job (testStartBeforeTimerStartEvent)', async () => {
      // given
      await deployOk({ 'keyed.bpmn': timerStarted('keyedTimer', '<timeDuration>PT1H</timeDuration>') });
      const [timerJob] = await jobsOf('keyedTimer');
      const started = await api.post('/process-definition/key/keyedTimer/start', {});
      expect(started.status).toBe(200);

      // when
      const modified = await api.post(`/process-instance/${started.body.id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'byTimer' }] });

      // then
      expect(modified.status).toBe(204);
      expect(treeShape((await api.get(`/process-instance/${started.body.id}/activity-instances`)).body as TreeNode)).toBe('root{work, work}');
      expect((await jobsOf('keyedTimer')).map((job) => job.id)).toEqual([timerJob!.id]);
    });

    it('a due cycle runs through the sweeper: R2 starts two instances, then the job is gone', async () => {
      // given
      await deployOk({ 'cycle.bpmn': timerStarted('cycleStarted', '<timeCycle>R2/2020-01-01T00:00:00Z/PT0.2S</timeCycle>') });

      // then
      await eventually(async () => (await instancesOf('cycleStarted')).length === 2, 15_000);
      await eventually(async () => (await jobsOf('cycleStarted')).length === 0, 15_000);
      expect(await instancesOf('cycleStarted')).toHaveLength(2);
    });

    it('a redeployment replaces the timer start job of the previous version; deleting the deployment falls back to it', async () => {
      // given
      const first = await deployOk({ 'replaced.bpmn': timerStarted('replacedTimer', '<timeDuration>PT1H</timeDuration>') });
      const [firstJob] = await jobsOf('replacedTimer');
      const second = await deployOk({ 'replaced.bpmn': timerStarted('replacedTimer', '<timeDuration>PT2H</timeDuration>') });

      // then
      const jobs = await jobsOf('replacedTimer');
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.id).not.toBe(firstJob!.id);
      expect(jobs[0]!.processDefinitionId).toBe(Object.keys(second.deployedProcessDefinitions)[0]);

      // when
      const deleted = await api.delete(`/deployment/${second.id}`);

      // then
      expect(deleted.status).toBe(204);
      const restored = await jobsOf('replacedTimer');
      expect(restored).toHaveLength(1);
      expect(restored[0]!.processDefinitionId).toBe(Object.keys(first.deployedProcessDefinitions)[0]);
    });

    it('a timer expression that cannot be evaluated without an instance refuses the deployment', async () => {
      // when
      const refused = await api.deploy({ 'broken.bpmn': timerStarted('brokenTimer', '<timeDuration>${notThere}</timeDuration>') });

      // then
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.body.message).toContain('notThere');
      expect((await api.get('/process-definition?key=brokenTimer')).body).toEqual([]);
    });
  });
});
