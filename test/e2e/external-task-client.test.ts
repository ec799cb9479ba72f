import { Client, type Task, Variables } from 'camunda-external-task-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape } from './inline-bpmn.ts';

const externalTaskModel = (processId: string, topic: string) =>
  bpmnXml(
    processId,
    `<startEvent id="start"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
     <serviceTask id="work" name="Work" camunda:type="external" camunda:topic="${topic}"/>
     <sequenceFlow id="f2" sourceRef="work" targetRef="review"/>
     <userTask id="review"/>
     <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
     <endEvent id="end"/>`,
  );

describe('an external task worker built with camunda-external-task-client-js', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let client: Client;
  const seen: Task[] = [];
  const failures: { taskId: string; attempt: number }[] = [];

  const start = async (key: string, body: unknown) => {
    const response = await api.post(`/process-definition/key/${key}/start`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  };
  const shape = async (id: string) => treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode);

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    const deployed = await api.deploy({
      'charge.bpmn': externalTaskModel('chargeProcess', 'charge'),
      'refund.bpmn': externalTaskModel('refundProcess', 'refund'),
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);

    client = new Client({ baseUrl: runtime.url, workerId: 'e2e-worker', asyncResponseTimeout: 2000, interval: 100, lockDuration: 10_000 });
    client.subscribe('charge', async ({ task, taskService }) => {
      seen.push(task);
      const amount = task.variables.get('amount') as number;
      const variables = new Variables()
        .set('charged', true)
        .set('chargedAmount', amount * 2)
        .set('receipt', `R-${task.businessKey}`)
        .set('ratio', 0.5)
        .set('details', { card: 'visa', last4: '4242' })
        .set('chargedAt', new Date('2026-02-03T04:05:06.789Z'));
      await taskService.complete(task, variables);
    });
    client.subscribe('refund', async ({ task, taskService }) => {
      const attempt = failures.filter((f) => f.taskId === task.id).length + 1;
      failures.push({ taskId: task.id, attempt });
      await taskService.handleFailure(task, { errorMessage: `refund failed (attempt ${attempt})`, errorDetails: 'stack trace', retries: attempt === 1 ? 1 : 0, retryTimeout: 100 });
    });
  });
  afterAll(async () => {
    client?.stop();
    await runtime?.stop();
  });

  it('completes the external task with the worker’s variables and moves the instance to the user task', async () => {
    // given
    const id = await start('chargeProcess', { businessKey: 'order-42', variables: { amount: { value: 21, type: 'Integer' } } });

    // when the worker fetches, locks and completes the task
    await eventually(async () => (await shape(id)) === 'root{review}', 30_000);

    // then
    const task = seen.find((t) => t.processInstanceId === id);
    expect(task).toMatchObject({ topicName: 'charge', businessKey: 'order-42', activityId: 'work', processDefinitionKey: 'chargeProcess', workerId: 'e2e-worker' });
    expect(task!.variables.get('amount')).toBe(21);
    const variables = (await api.get(`/process-instance/${id}/variables`)).body;
    expect(variables).toEqual({
      amount: { type: 'Integer', value: 21, valueInfo: {} },
      charged: { type: 'Boolean', value: true, valueInfo: {} },
      chargedAmount: { type: 'Integer', value: 42, valueInfo: {} },
      receipt: { type: 'String', value: 'R-order-42', valueInfo: {} },
      ratio: { type: 'Double', value: 0.5, valueInfo: {} },
      details: { type: 'Json', value: '{"card":"visa","last4":"4242"}', valueInfo: {} },
      chargedAt: { type: 'Date', value: '2026-02-03T04:05:06.789+0000', valueInfo: {} },
    });
    const tasks = (await api.get(`/task?processInstanceId=${id}`)).body;
    expect(tasks.map((t: { taskDefinitionKey: string }) => t.taskDefinitionKey)).toEqual(['review']);
    expect((await api.get(`/external-task?processInstanceId=${id}`)).body).toEqual([]);
    expect((await api.get(`/external-task/${task!.id}`)).status).toBe(404);
  }, 60_000);

  it('serves several instances, each task to the worker exactly once', async () => {
    // given
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => start('chargeProcess', { businessKey: `batch-${n}`, variables: { amount: { value: n, type: 'Integer' } } })));

    // when
    await eventually(async () => (await Promise.all(ids.map(shape))).every((s) => s === 'root{review}'), 45_000);

    // then
    for (const [i, id] of ids.entries()) {
      expect(seen.filter((t) => t.processInstanceId === id)).toHaveLength(1);
      expect((await api.get(`/process-instance/${id}/variables/chargedAmount`)).body.value).toBe((i + 1) * 2);
    }
  }, 60_000);

  it('records handleFailure: retried while retries are left, then an incident at 0 retries', async () => {
    // given
    const id = await start('refundProcess', { businessKey: 'refund-1' });

    // when the worker fails twice, the second time with retries 0
    const incidents = await eventually(async () => {
      const found = (await api.get(`/incident?processInstanceId=${id}`)).body;
      return found.length > 0 ? found : undefined;
    }, 30_000);

    // then
    const [externalTask] = (await api.get(`/external-task?processInstanceId=${id}`)).body;
    expect(externalTask).toMatchObject({
      processInstanceId: id,
      topicName: 'refund',
      activityId: 'work',
      retries: 0,
      errorMessage: 'refund failed (attempt 2)',
      workerId: 'e2e-worker',
      businessKey: 'refund-1',
    });
    expect(failures.filter((f) => f.taskId === externalTask.id).map((f) => f.attempt)).toEqual([1, 2]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ incidentType: 'failedExternalTask', processInstanceId: id, activityId: 'work', configuration: externalTask.id, incidentMessage: 'refund failed (attempt 2)' });
    const tree = (await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode & { childActivityInstances: { incidentIds: string[] }[] };
    expect(treeShape(tree)).toBe('root{work}');
    expect(tree.childActivityInstances[0]!.incidentIds).toEqual([incidents[0].id]);

    // and a task without retries is not handed out again
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(failures.filter((f) => f.taskId === externalTask.id)).toHaveLength(2);
    const fetched = await api.post('/external-task/fetchAndLock', { workerId: 'another-worker', maxTasks: 10, topics: [{ topicName: 'refund', lockDuration: 1000 }] });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual([]);
  }, 60_000);
});
