import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** A user task, an external task and an async continuation, side by side. */
const MODEL = bpmnXml(
  'suspendable',
  `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="review"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="work"/>
   <sequenceFlow id="f3" sourceRef="fork" targetRef="later"/>
   <userTask id="review"/>
   <serviceTask id="work" camunda:type="external" camunda:topic="suspensionTopic"/>
   <userTask id="later" camunda:asyncBefore="true"/>
   <intermediateCatchEvent id="wait"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
   <sequenceFlow id="f4" sourceRef="review" targetRef="wait"/>`,
  '<message id="m" name="suspensionMessage"/>',
);

describe('suspension of instances, jobs and definitions (ProcessInstanceSuspensionTest, JobSuspensionTest, ProcessDefinitionSuspensionTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;

  const start = async () => (await api.post('/process-definition/key/suspendable/start', {})).body.id as string;
  const taskOf = async (instance: string) => (await api.get(`/task?processInstanceId=${instance}`)).body[0].id as string;
  const fetch = () => api.post('/external-task/fetchAndLock', { workerId: 'w', maxTasks: 10, topics: [{ topicName: 'suspensionTopic', lockDuration: 60000 }] });

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    definitionId = Object.keys((await api.deploy({ 's.bpmn': MODEL })).body.deployedProcessDefinitions)[0]!;
  });
  afterAll(() => runtime?.stop());

  it('suspends an instance: its task, external task and job refuse or wait; its variables still change; activation resumes it', async () => {
    const instance = await start();
    const task = await taskOf(instance);
    expect((await api.put(`/process-instance/${instance}/suspended`, { suspended: true })).status).toBe(204);

    expect((await api.get(`/process-instance/${instance}`)).body.suspended).toBe(true);
    expect((await api.get(`/process-instance?suspended=true&processDefinitionKey=suspendable`)).body.map((p: { id: string }) => p.id)).toEqual([instance]);
    expect((await api.get(`/process-instance/count?active=true&processInstanceIds=${instance}`)).body).toEqual({ count: 0 });
    expect((await api.get(`/history/process-instance/${instance}`)).body.state).toBe('SUSPENDED');
    // Its executions are suspended with it.
    expect((await api.get(`/execution/count?processInstanceId=${instance}&suspended=true`)).body.count).toBeGreaterThan(0);
    expect((await api.get(`/execution/count?processInstanceId=${instance}&active=true`)).body).toEqual({ count: 0 });
    expect((await api.get(`/task/${task}`)).body.suspended).toBe(true);
    const [job] = (await api.get(`/job?processInstanceId=${instance}`)).body;
    expect(job.suspended).toBe(true);
    expect((await api.get(`/external-task?processInstanceId=${instance}`)).body[0].suspended).toBe(true);

    expect(await api.post(`/task/${task}/complete`, {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: `Cannot complete task ${task}: ENGINE-03043 task with id '${task}' is suspended.` },
    });
    expect(await api.post(`/task/${task}/claim`, { userId: 'anna' })).toMatchObject({
      status: 400,
      body: { type: 'SuspendedEntityInteractionException', message: `ENGINE-03043 task with id '${task}' is suspended.` },
    });
    expect((await fetch()).body).toEqual([]);
    expect(await api.post(`/job/${job.id}/execute`, {})).toMatchObject({ status: 404, body: { message: expect.stringMatching(/^ENGINE-03043 Execution with id '.+' is suspended\.$/) } });
    expect(await api.post(`/process-instance/${instance}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'review' }] })).toMatchObject({
      status: 400,
      body: { type: 'SuspendedEntityInteractionException', message: `ENGINE-03043 Execution with id '${instance}' is suspended.` },
    });
    // Variables may change, as in Camunda.
    expect((await api.put(`/process-instance/${instance}/variables/note`, { value: 'while suspended', type: 'String' })).status).toBe(204);
    // An unknown instance is no error (Camunda's bulk update finds nothing).
    expect((await api.put('/process-instance/nope/suspended', { suspended: true })).status).toBe(204);

    expect((await api.put(`/process-instance/${instance}/suspended`, { suspended: false })).status).toBe(204);
    expect((await api.get(`/process-instance/${instance}`)).body.suspended).toBe(false);
    expect((await api.get(`/history/process-instance/${instance}`)).body.state).toBe('ACTIVE');
    expect((await api.get(`/job/${job.id}`)).body.suspended).toBe(false);
    expect((await fetch()).body.map((t: { processInstanceId: string }) => t.processInstanceId)).toContain(instance);
    expect((await api.post(`/task/${task}/complete`, {})).status).toBe(204);
  });

  it('suspends one job or the jobs of an instance; refuses a body that names two targets', async () => {
    const instance = await start();
    const [job] = (await api.get(`/job?processInstanceId=${instance}`)).body;
    expect((await api.put(`/job/${job.id}/suspended`, { suspended: true })).status).toBe(204);
    expect((await api.get(`/job/${job.id}`)).body.suspended).toBe(true);
    // The instance itself is not suspended: its task still completes.
    expect((await api.post(`/task/${await taskOf(instance)}/complete`, {})).status).toBe(204);
    expect((await api.put('/job/suspended', { processInstanceId: instance, suspended: false })).status).toBe(204);
    expect((await api.get(`/job/${job.id}`)).body.suspended).toBe(false);

    expect(await api.put(`/job/${job.id}/suspended`, { suspended: true, processInstanceId: instance })).toMatchObject({
      status: 400,
      body: { message: 'Only one of jobId, jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey should be set to update the suspension state.' },
    });
    expect(await api.put('/job/suspended', { suspended: true })).toMatchObject({
      status: 400,
      body: { message: 'Either jobId, jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey should be set to update the suspension state.' },
    });
    expect(await api.put('/job/suspended', { jobId: job.id, suspended: true })).toMatchObject({
      status: 400,
      body: { message: 'Either jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey can be set to update the suspension state.' },
    });
  });

  it('suspends the instances of a definition or a group, with Camunda’s validation', async () => {
    const [a, b] = [await start(), await start()];
    expect((await api.put('/process-instance/suspended', { processInstanceIds: [a], suspended: true })).status).toBe(204);
    expect((await api.get(`/process-instance/${a}`)).body.suspended).toBe(true);
    expect((await api.get(`/process-instance/${b}`)).body.suspended).toBe(false);
    expect((await api.put('/process-instance/suspended', { processDefinitionKey: 'suspendable', suspended: true })).status).toBe(204);
    expect((await api.get(`/process-instance/${b}`)).body.suspended).toBe(true);
    expect((await api.put('/process-instance/suspended', { processInstanceQuery: { processInstanceIds: [a, b] }, suspended: false })).status).toBe(204);
    expect((await api.get(`/process-instance/count?suspended=true&processInstanceIds=${a},${b}`)).body).toEqual({ count: 0 });

    expect(await api.put('/process-instance/suspended', { suspended: true })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Either processDefinitionId or processDefinitionKey should be set to update the suspension state.' },
    });
    expect(await api.put('/process-instance/suspended', { processDefinitionId: definitionId, processDefinitionKey: 'suspendable' })).toMatchObject({
      status: 400,
      body: { message: 'Only one of processDefinitionId or processDefinitionKey should be set to update the suspension state.' },
    });
    expect(await api.put('/process-instance/suspended', { processDefinitionKey: 'suspendable', processInstanceIds: [a] })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^Choose either a single processInstance/) },
    });
    expect(await api.put('/process-instance/suspended', { processInstanceIds: [] })).toMatchObject({
      status: 400,
      body: { type: 'BadUserRequestException', message: 'No process instance ids given: Process Instance ids is empty' },
    });
  });

  it('suspends a definition: no instance starts from it until it is activated; with its instances when asked', async () => {
    const running = await start();
    expect((await api.put('/process-definition/key/suspendable/suspended', { suspended: true, includeProcessInstances: true })).status).toBe(204);
    expect((await api.get(`/process-definition/${definitionId}`)).body.suspended).toBe(true);
    expect((await api.get(`/process-instance/${running}`)).body.suspended).toBe(true);
    expect(await api.post(`/process-definition/${definitionId}/start`, {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: `Cannot instantiate process definition ${definitionId}: ENGINE-03043 Process Definition with id '${definitionId}' is suspended.` },
    });

    expect((await api.put('/process-definition/suspended', { processDefinitionKey: 'suspendable', suspended: false })).status).toBe(204);
    expect((await api.get(`/process-definition/${definitionId}`)).body.suspended).toBe(false);
    // Without includeProcessInstances the instances stay as they are.
    expect((await api.get(`/process-instance/${running}`)).body.suspended).toBe(true);
    expect((await api.post(`/process-definition/${definitionId}/start`, {})).status).toBe(200);

    expect(await api.put('/process-definition/suspended', { processDefinitionId: definitionId, suspended: true })).toMatchObject({
      status: 400,
      body: { message: 'Only processDefinitionKey can be set to update the suspension state.' },
    });
    expect(await api.put('/process-definition/suspended', { suspended: true })).toMatchObject({
      status: 400,
      body: { message: 'Either processDefinitionId or processDefinitionKey should be set to update the suspension state.' },
    });
    expect(await api.put(`/process-definition/${definitionId}/suspended`, { suspended: true, executionDate: 'a' })).toMatchObject({
      status: 400,
      body: { message: `The suspension state of Process Definition with id ${definitionId} could not be updated due to: Invalid format: "a"` },
    });
    expect((await api.put('/process-definition/nope/suspended', { suspended: true })).status).toBe(204);
    expect((await api.put('/process-definition/key/nope/suspended', { suspended: true })).status).toBe(404);
  });
});
