import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → bill (external, topic billing, priority 10) → done. */
const MODEL = bpmnXml(
  'billing',
  `<startEvent id="start"/>
   <serviceTask id="bill" camunda:type="external" camunda:topic="billing" camunda:taskPriority="10"/>
   <userTask id="done"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="bill"/>
   <sequenceFlow id="f2" sourceRef="bill" targetRef="done"/>`,
);

describe('the historic external task log (HistoricExternalTaskLogRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const log = async (query: string) => {
    const response = await api.get(`/history/external-task-log?${query}`);
    expect(response.status).toBe(200);
    return response.body as Record<string, any>[];
  };
  const fetchOne = async () => {
    const response = await api.post('/external-task/fetchAndLock', { workerId: 'worker-1', maxTasks: 1, topics: [{ topicName: 'billing', lockDuration: 60_000 }] });
    expect(response.status).toBe(200);
    return response.body[0] as Record<string, any>;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'billing.bpmn': MODEL })).status).toBe(200);
  });
  afterAll(() => stopAll(runtime));

  it('logs a task’s creation, its worker’s failure with message and details, and its success', async () => {
    // given
    const pi = (await api.post('/process-definition/key/billing/start', {})).body.id as string;
    const task = await fetchOne();
    expect(task.processInstanceId).toBe(pi);

    // when the worker fails once, then completes
    expect((await api.post(`/external-task/${task.id}/failure`, { workerId: 'worker-1', errorMessage: 'card declined', errorDetails: 'stack line 1', retries: 2, retryTimeout: 0 })).status).toBe(204);
    await fetchOne();
    expect((await api.post(`/external-task/${task.id}/complete`, { workerId: 'worker-1' })).status).toBe(204);

    // then
    const entries = await log(`processInstanceId=${pi}`);
    expect(entries.map((e) => [e.creationLog, e.failureLog, e.successLog, e.deletionLog])).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
    ]);
    expect(entries[1]).toMatchObject({
      externalTaskId: task.id,
      topicName: 'billing',
      workerId: 'worker-1',
      priority: 10,
      retries: 2,
      errorMessage: 'card declined',
      activityId: 'bill',
      processDefinitionKey: 'billing',
      rootProcessInstanceId: pi,
    });
    expect(entries[0]).toMatchObject({ workerId: null, retries: null, errorMessage: null });
    const details = await fetch(`${runtime.url}/history/external-task-log/${entries[1]!.id}/error-details`);
    expect(details.status).toBe(200);
    expect(await details.text()).toBe('stack line 1');
    expect((await fetch(`${runtime.url}/history/external-task-log/${entries[0]!.id}/error-details`)).status).toBe(204);
    expect((await api.get(`/history/external-task-log/${entries[2]!.id}`)).body).toMatchObject({ id: entries[2]!.id, successLog: true });

    // and the queries
    expect((await log(`processInstanceId=${pi}&failureLog=true`)).map((e) => e.id)).toEqual([entries[1]!.id]);
    expect((await api.post('/history/external-task-log', { externalTaskId: task.id, sorting: [{ sortBy: 'timestamp', sortOrder: 'desc' }] })).body.map((e: any) => e.id)).toEqual(
      [...entries].reverse().map((e) => e.id),
    );
    expect((await api.get(`/history/external-task-log/count?externalTaskId=${task.id}&priorityHigherThanOrEquals=11`)).body).toEqual({ count: 0 });
    expect((await api.post('/history/external-task-log/count', { externalTaskId: task.id, activityIdIn: ['bill'] })).body).toEqual({ count: 3 });
  });

  it('logs a task whose instance was deleted as deleted, and forgets its log with the instance’s history', async () => {
    // given
    const pi = (await api.post('/process-definition/key/billing/start', {})).body.id as string;

    // when
    expect((await api.delete(`/process-instance/${pi}`)).status).toBe(204);

    // then
    expect((await log(`processInstanceId=${pi}`)).map((e) => [e.creationLog, e.deletionLog])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect((await api.delete(`/history/process-instance/${pi}`)).status).toBe(204);
    expect(await log(`processInstanceId=${pi}`)).toEqual([]);
  });

  it('answers unknown entries and bad input as Camunda does', async () => {
    const missing = await api.get('/history/external-task-log/no-such-log');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'InvalidRequestException', message: 'Historic external task log with id no-such-log does not exist' });
    expect((await api.get('/history/external-task-log/no-such-log/error-details')).status).toBe(404);
    expect((await api.get('/history/external-task-log?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
    expect((await api.get('/history/external-task-log?priorityLowerThanOrEquals=high')).status).toBe(400);
  });
});
