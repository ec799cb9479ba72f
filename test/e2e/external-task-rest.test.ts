import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** One external task of topic `billing` (priority 10) or `shipping` (priority from a variable). */
const MODEL = bpmnXml(
  'extRest',
  `<startEvent id="start"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
   <exclusiveGateway id="split"/>
   <sequenceFlow id="toBilling" sourceRef="split" targetRef="bill"><conditionExpression xsi:type="tFormalExpression">\${kind == 'billing'}</conditionExpression></sequenceFlow>
   <sequenceFlow id="toShipping" sourceRef="split" targetRef="ship"><conditionExpression xsi:type="tFormalExpression">\${kind == 'shipping'}</conditionExpression></sequenceFlow>
   <serviceTask id="bill" camunda:type="external" camunda:topic="billing" camunda:taskPriority="10"/>
   <serviceTask id="ship" camunda:type="external" camunda:topic="shipping" camunda:taskPriority="\${prio}"/>
   <sequenceFlow id="f1" sourceRef="bill" targetRef="end"/>
   <sequenceFlow id="f2" sourceRef="ship" targetRef="end"/>
   <endEvent id="end"/>`,
);

type Task = { id: string; topicName: string; priority: number; retries: number | null; workerId: string | null; processInstanceId: string };

describe('the external task resource (ExternalTaskService: query, topics, retries, priority, lock, error details)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  async function start(kind: 'billing' | 'shipping', prio = 0): Promise<Task> {
    const started = await api.post('/process-definition/key/extRest/start', { variables: { kind: { value: kind }, prio: { value: prio, type: 'Long' } } });
    expect(started.status).toBe(200);
    const [task] = (await api.get(`/external-task?processInstanceId=${started.body.id}`)).body as Task[];
    return task!;
  }
  const ids = (tasks: Task[]) => tasks.map((t) => t.id);

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'ext-rest.bpmn': MODEL })).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('queries every external task by Camunda’s filters, in creation order or sorted, as GET and as POST, and counts', async () => {
    const billing = await start('billing');
    const low = await start('shipping', 3);
    const high = await start('shipping', 70);
    const all = [billing.id, low.id, high.id];

    expect(ids((await api.get('/external-task')).body).filter((id: string) => all.includes(id))).toEqual(all);
    expect(ids((await api.get('/external-task?topicName=shipping&priorityHigherThanOrEquals=50')).body)).toEqual([high.id]);
    expect(ids((await api.get(`/external-task?externalTaskIdIn=${billing.id},${high.id}&sortBy=taskPriority&sortOrder=desc`)).body)).toEqual([high.id, billing.id]);
    expect(ids((await api.post('/external-task', { processInstanceIdIn: [low.processInstanceId, high.processInstanceId], sorting: [{ sortBy: 'taskPriority', sortOrder: 'asc' }] })).body)).toEqual([
      low.id,
      high.id,
    ]);
    expect(ids((await api.post('/external-task?firstResult=1&maxResults=1', { topicName: 'shipping', priorityLowerThanOrEquals: 70 })).body)).toHaveLength(1);
    expect((await api.get(`/external-task/count?activityIdIn=ship&processInstanceIdIn=${low.processInstanceId},${high.processInstanceId}`)).body).toEqual({ count: 2 });
    expect((await api.post('/external-task/count', { externalTaskId: billing.id, notLocked: true, withRetriesLeft: true })).body).toEqual({ count: 1 });
    expect((await api.get('/external-task?sortBy=nonsense&sortOrder=asc')).body).toEqual({
      type: 'InvalidRequestException',
      message: "Cannot set query parameter 'sortBy' to value 'nonsense'",
      code: null,
    });
  });

  it('takes the priority from camunda:taskPriority, else the process’s, with Camunda’s errors for what is no integer', async () => {
    const processDefault = bpmnXml(
      'extPrio',
      `<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="t"/>
       <serviceTask id="t" camunda:type="external" camunda:topic="prio"/>
       <sequenceFlow id="b" sourceRef="t" targetRef="e"/><endEvent id="e"/>`,
    ).replace('isExecutable="true"', 'isExecutable="true" camunda:taskPriority="7"');
    expect((await api.deploy({ 'ext-prio.bpmn': processDefault })).status).toBe(200);
    const started = await api.post('/process-definition/key/extPrio/start', {});
    expect((await api.get(`/external-task?processInstanceId=${started.body.id}`)).body[0].priority).toBe(7);

    const notANumber = MODEL.replace('camunda:taskPriority="10"', 'camunda:taskPriority="ten"');
    const refused = await api.deploy({ 'bad-prio.bpmn': notANumber });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("Value 'ten' for attribute 'taskPriority' is not a valid number");

    const text = await api.post('/process-definition/key/extRest/start', { variables: { kind: { value: 'shipping' }, prio: { value: 'high' } } });
    expect(text.status).toBe(500);
    expect(text.body.message).toContain(': Priority value is not an Integer');
  });

  it('names the topics, with Camunda’s flags each narrowing the tasks they come from', async () => {
    const billing = await start('billing');
    await start('shipping', 1);
    expect((await api.post(`/external-task/${billing.id}/lock`, { workerId: 'w1', lockDuration: 60_000 })).status).toBe(204);

    // (Other tests of this file leave tasks of the topics `billing`, `shipping` and `prio` about.)
    const topics = await api.get('/external-task/topic-names');
    expect(topics.body).toEqual(expect.arrayContaining(['billing', 'shipping']));
    expect((await api.get('/external-task/topic-names?withLockedTasks=true')).body).toEqual(['billing']);
    expect((await api.get('/external-task/topic-names?withUnlockedTasks=true&withRetriesLeft=true')).body).toEqual(expect.arrayContaining(['billing', 'shipping']));
    expect((await api.get('/external-task/topic-names?withLockedTasks=true&withUnlockedTasks=true')).body).toEqual([]);
  });

  it('takes the last retries away with a failedExternalTask incident, and gives them back resolving it (setRetriesAndManageIncidents)', async () => {
    const task = await start('billing');
    expect((await api.put(`/external-task/${task.id}/retries`, { retries: 0 })).status).toBe(204);
    const [incident] = (await api.get(`/incident?processInstanceId=${task.processInstanceId}`)).body;
    expect(incident).toMatchObject({ incidentType: 'failedExternalTask', configuration: task.id, activityId: 'bill', annotation: null });
    expect((await api.get(`/external-task/${task.id}`)).body.retries).toBe(0);
    expect((await api.get(`/external-task/count?noRetriesLeft=true&externalTaskId=${task.id}`)).body).toEqual({ count: 1 });

    // The incident is readable alone, annotated and un-annotated; it cannot be resolved by DELETE.
    expect((await api.get(`/incident/${incident.id}`)).body).toEqual(incident);
    expect((await api.put(`/incident/${incident.id}/annotation`, { annotation: 'waiting for the billing team' })).status).toBe(204);
    expect((await api.get(`/incident/${incident.id}`)).body.annotation).toBe('waiting for the billing team');
    expect((await api.delete(`/incident/${incident.id}/annotation`)).status).toBe(204);
    expect((await api.get(`/incident/${incident.id}`)).body.annotation).toBeNull();
    expect(await api.delete(`/incident/${incident.id}`)).toEqual({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Cannot resolve an incident of type failedExternalTask', code: null },
    });

    expect((await api.put(`/external-task/${task.id}/retries`, { retries: 2 })).status).toBe(204);
    expect((await api.get(`/incident?processInstanceId=${task.processInstanceId}`)).body).toEqual([]);
    expect(await api.get(`/incident/${incident.id}`)).toEqual({ status: 404, body: { type: 'InvalidRequestException', message: `No matching incident with id ${incident.id}`, code: null } });
  });

  it('refuses bad retries as Camunda does, the count checked before the task', async () => {
    const task = await start('billing');
    expect(await api.put('/external-task/nope/retries', {})).toEqual({ status: 400, body: { type: 'InvalidRequestException', message: 'The number of retries cannot be null.', code: null } });
    expect(await api.put('/external-task/nope/retries', { retries: -1 })).toEqual({
      status: 400,
      body: { type: 'BadUserRequestException', message: 'The number of retries cannot be negative: retries is not greater than or equal to 0', code: 0 },
    });
    expect(await api.put('/external-task/nope/retries', { retries: 1 })).toEqual({ status: 404, body: { type: 'RestException', message: 'External task with id nope does not exist', code: null } });
    expect(await api.put('/external-task/nope/priority', { priority: 1 })).toEqual({ status: 404, body: { type: 'RestException', message: 'External task with id nope does not exist', code: null } });
    expect((await api.put(`/external-task/${task.id}/priority`, { priority: 42 })).status).toBe(204);
    expect((await api.get(`/external-task/${task.id}`)).body.priority).toBe(42);
  });

  it('locks for a worker: refused while another worker holds it, renewed by the same worker', async () => {
    const task = await start('shipping', 5);
    expect((await api.post(`/external-task/${task.id}/lock`, { workerId: 'w1', lockDuration: 60_000 })).status).toBe(204);
    expect((await api.get(`/external-task/${task.id}`)).body.workerId).toBe('w1');
    expect(await api.post(`/external-task/${task.id}/lock`, { workerId: 'w2', lockDuration: 60_000 })).toEqual({
      status: 400,
      body: { type: 'RestException', message: `External Task ${task.id} cannot be locked by worker 'w2'. It is locked by worker 'w1'.`, code: 0 },
    });
    expect((await api.post(`/external-task/${task.id}/lock`, { workerId: 'w1', lockDuration: 1000 })).status).toBe(204);
    expect(await api.post(`/external-task/${task.id}/lock`, { workerId: 'w1', lockDuration: 0 })).toEqual({
      status: 400,
      body: { type: 'RestException', message: 'lockDuration is not greater than 0', code: null },
    });
    expect(await api.post(`/external-task/${task.id}/lock`, { lockDuration: 100 })).toEqual({ status: 500, body: { type: 'NullValueException', message: 'workerId is null', code: 0 } });
    expect(await api.post('/external-task/nope/lock', { workerId: 'w1', lockDuration: 100 })).toEqual({
      status: 404,
      body: { type: 'RestException', message: 'External task with id nope does not exist', code: null },
    });
  });

  it('gives the error details a worker reported as text, and no content without any', async () => {
    const task = await start('billing');
    const raw = async (path: string) => {
      const response = await fetch(`${runtime.url}${path}`);
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    expect(await raw(`/external-task/${task.id}/errorDetails`)).toMatchObject({ status: 204, text: '' });

    await api.post('/external-task/fetchAndLock', { workerId: 'w1', maxTasks: 10, topics: [{ topicName: 'billing', lockDuration: 60_000 }] });
    const failed = await api.post(`/external-task/${task.id}/failure`, { workerId: 'w1', errorMessage: 'boom', errorDetails: 'stack\n  at line 1', retries: 3, retryTimeout: 0 });
    expect(failed.status).toBe(204);
    expect(await raw(`/external-task/${task.id}/errorDetails`)).toEqual({ status: 200, type: expect.stringContaining('text/plain'), text: 'stack\n  at line 1' });
    expect((await api.get('/external-task/nope/errorDetails')).status).toBe(404);
  });

  it('sets the retries of many tasks at once: ids, instances and queries together (SetExternalTasksRetriesCmd)', async () => {
    const a = await start('billing');
    const b = await start('shipping', 8);
    const c = await start('shipping', 9);
    const put = await api.put('/external-task/retries', {
      retries: 4,
      externalTaskIds: [a.id],
      processInstanceIds: [b.processInstanceId],
      externalTaskQuery: { externalTaskId: c.id },
    });
    expect(put.status).toBe(204);
    for (const task of [a, b, c]) expect((await api.get(`/external-task/${task.id}`)).body.retries).toBe(4);

    const refused = async (body: unknown) => (await api.put('/external-task/retries', body)).body.message;
    expect(await refused({ externalTaskIds: [a.id] })).toBe('The number of retries cannot be null.');
    expect(await refused({ retries: 1, externalTaskIds: [null] })).toBe('External task id cannot be null: externalTaskIds contains null value');
    expect(await refused({ retries: 1 })).toBe('externalTaskIds is empty');
    expect(await refused({ retries: -1, externalTaskIds: [a.id] })).toBe('The number of retries cannot be negative: retries is not greater than or equal to 0');
    expect(await api.put('/external-task/retries', { retries: 1, externalTaskIds: ['nope'] })).toEqual({
      status: 404,
      body: { type: 'InvalidRequestException', message: 'Cannot find external task with id nope: externalTask is null', code: null },
    });
  });
});
