import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** Two branches: a receive task waiting for a message, and a user task; then a user task after the join. */
const FORKED = bpmnXml(
  'forked',
  `<startEvent id="start"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="waitForPayment"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="review"/>
   <receiveTask id="waitForPayment" messageRef="payment"/>
   <userTask id="review"/>
   <sequenceFlow id="f3" sourceRef="waitForPayment" targetRef="join"/>
   <sequenceFlow id="f4" sourceRef="review" targetRef="join"/>
   <parallelGateway id="join"/>
   <sequenceFlow id="f5" sourceRef="join" targetRef="after"/>
   <userTask id="after"/>
   <sequenceFlow id="f6" sourceRef="after" targetRef="end"/>
   <endEvent id="end"/>`,
  '<message id="payment" name="paymentReceived"/>',
);

/** One receive task (Camunda's classic signal example), then a user task. */
const SINGLE = bpmnXml(
  'single',
  `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="wait"/>
   <receiveTask id="wait"/><sequenceFlow id="f1" sourceRef="wait" targetRef="next"/>
   <userTask id="next"/><sequenceFlow id="f2" sourceRef="next" targetRef="end"/><endEvent id="end"/>`,
);

type Execution = { id: string; processInstanceId: string; ended: boolean; tenantId: string | null };

describe('executions (ExecutionRestServiceInteractionTest, ExecutionQueryTest, RuntimeServiceTest#signal)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let forked: string;
  let other: string;

  const executionAt = async (processInstanceId: string, activityId: string): Promise<Execution> => {
    const found = (await api.get(`/execution?processInstanceId=${processInstanceId}&activityId=${activityId}`)).body as Execution[];
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'forked.bpmn': FORKED, 'single.bpmn': SINGLE });
    forked = (await api.post('/process-definition/key/forked/start', { businessKey: 'order-1', variables: { amount: { value: 42, type: 'Integer' } } })).body.id;
    other = (await api.post('/process-definition/key/forked/start', { variables: { amount: { value: 7, type: 'Integer' } } })).body.id;
  });
  afterAll(() => runtime?.stop());

  it('lists the process instance and each token as executions, filtered as Camunda filters them', async () => {
    const all = (await api.get(`/execution?processInstanceId=${forked}`)).body as Execution[];
    // The instance's own execution, and one per waiting branch.
    expect(all).toHaveLength(3);
    expect(all).toContainEqual({ id: forked, processInstanceId: forked, ended: false, tenantId: null });
    expect((await api.get(`/execution/count?processInstanceId=${forked}`)).body).toEqual({ count: 3 });
    expect((await api.get('/execution/count?processDefinitionKey=forked')).body).toEqual({ count: 6 });
    expect((await api.get('/execution/count?businessKey=order-1')).body).toEqual({ count: 3 });

    const waiting = await executionAt(forked, 'waitForPayment');
    expect(waiting.processInstanceId).toBe(forked);
    expect((await api.get('/execution?messageEventSubscriptionName=paymentReceived&sortBy=instanceId&sortOrder=asc')).body.map((e: Execution) => e.processInstanceId)).toEqual([forked, other].sort());
    expect((await api.get('/execution/count?signalEventSubscriptionName=paymentReceived')).body).toEqual({ count: 0 });
    // Every execution here is active: `suspended=true` finds none, `active=true` all.
    expect((await api.get('/execution/count?processDefinitionKey=forked&suspended=true')).body).toEqual({ count: 0 });
    expect((await api.get('/execution/count?processDefinitionKey=forked&active=true')).body).toEqual({ count: 6 });
    // processVariables: any variable of the instance; eq and neq only.
    expect((await api.get('/execution/count?processVariables=amount_eq_42')).body).toEqual({ count: 0 });
    expect((await api.post('/execution/count', { processVariables: [{ name: 'amount', operator: 'eq', value: 42 }] })).body).toEqual({ count: 3 });
    expect(await api.get('/execution?processVariables=amount_gt_1')).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Invalid process variable comparator specified: gt' },
    });
    expect(await api.get('/execution?variables=amount')).toMatchObject({
      status: 400,
      body: { message: "Cannot set query parameter 'variables' to value 'amount': variable query parameter has to have format KEY_OPERATOR_VALUE." },
    });
    expect(await api.post('/execution', { variables: [{ name: 'x', operator: 'gt', value: true }] })).toMatchObject({
      status: 400,
      body: { type: 'NotValidException', message: "Booleans and null cannot be used in 'greater than' condition" },
    });
    expect(await api.get('/execution?sortBy=activityId&sortOrder=asc')).toMatchObject({ status: 400, body: { message: "Cannot set query parameter 'sortBy' to value 'activityId'" } });
    expect(await api.get('/execution?sortBy=instanceId')).toMatchObject({ status: 400, body: { message: 'Only a single sorting parameter specified. sortBy and sortOrder required' } });
    // Paging after the filters.
    expect((await api.post('/execution?firstResult=1&maxResults=1', { processInstanceId: forked })).body).toHaveLength(1);
  });

  it('reads one execution; an unknown one is a 404', async () => {
    const waiting = await executionAt(forked, 'review');
    expect(await api.get(`/execution/${waiting.id}`)).toEqual({ status: 200, body: waiting });
    expect(await api.get(`/execution/${forked}`)).toEqual({ status: 200, body: { id: forked, processInstanceId: forked, ended: false, tenantId: null } });
    expect(await api.get('/execution/nope')).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: 'Execution with id nope does not exist' } });
  });

  it('keeps local variables on the execution: set, read, filtered by, removed', async () => {
    const review = await executionAt(forked, 'review');
    expect((await api.put(`/execution/${review.id}/localVariables/note`, { value: 'check twice', type: 'String' })).status).toBe(204);
    expect((await api.post(`/execution/${review.id}/localVariables`, { modifications: { rank: { value: 3, type: 'Integer' } } })).status).toBe(204);
    expect((await api.get(`/execution/${review.id}/localVariables`)).body).toEqual({
      note: { type: 'String', value: 'check twice', valueInfo: {} },
      rank: { type: 'Integer', value: 3, valueInfo: {} },
    });
    // Local: the instance's own variables are not the execution's, and the instance does not see these.
    expect(await api.get(`/execution/${review.id}/localVariables/amount`)).toMatchObject({ status: 404, body: { message: 'execution variable with name amount does not exist' } });
    expect((await api.get(`/process-instance/${forked}/variables`)).body).not.toHaveProperty('note');
    expect((await api.get('/execution?variables=note_like_check%25')).body).toEqual([review]);
    expect((await api.post('/execution', { variables: [{ name: 'rank', operator: 'gteq', value: 3 }] })).body).toEqual([review]);
    expect((await api.post('/execution/count', { variables: [{ name: 'rank', operator: 'lt', value: 3 }] })).body).toEqual({ count: 0 });

    expect((await api.delete(`/execution/${review.id}/localVariables/note`)).status).toBe(204);
    // Removing a variable the execution does not have is no error.
    expect((await api.delete(`/execution/${review.id}/localVariables/note`)).status).toBe(204);
    expect(Object.keys((await api.get(`/execution/${review.id}/localVariables`)).body)).toEqual(['rank']);
    expect(await api.get(`/execution/${review.id}/localVariables/rank/data`)).toMatchObject({
      status: 400,
      body: { message: `Value of variable with id ${review.id} is not a binary value.` },
    });

    const unknown = `${forked}.nope`;
    expect(await api.get(`/execution/${unknown}/localVariables`)).toMatchObject({
      status: 500,
      body: { type: 'NullValueException', message: `execution ${unknown} doesn't exist: execution is null` },
    });
    expect(await api.put(`/execution/${unknown}/localVariables/x`, { value: 1, type: 'Integer' })).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: `Cannot put execution variable x: execution ${unknown} doesn't exist: execution is null` },
    });
    expect(await api.post(`/execution/${unknown}/localVariables`, { modifications: {} })).toMatchObject({
      status: 500,
      body: { message: `Cannot modify variables for execution ${unknown}: execution ${unknown} doesn't exist: execution is null` },
    });
  });

  it('shows and triggers an execution’s message subscription', async () => {
    const waiting = await executionAt(other, 'waitForPayment');
    const subscription = await api.get(`/execution/${waiting.id}/messageSubscriptions/paymentReceived`);
    expect(subscription).toMatchObject({
      status: 200,
      body: { eventType: 'message', eventName: 'paymentReceived', executionId: waiting.id, processInstanceId: other, activityId: 'waitForPayment', tenantId: null },
    });
    expect(await api.get(`/execution/${waiting.id}/messageSubscriptions/other`)).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: `Message event subscription for execution ${waiting.id} named other does not exist` },
    });

    expect((await api.post(`/execution/${waiting.id}/messageSubscriptions/paymentReceived/trigger`, { variables: { paid: { value: true, type: 'Boolean' } } })).status).toBe(204);
    // The receive task is left; the variable went to the instance (execution.setVariables).
    expect((await api.get(`/execution/count?processInstanceId=${other}&activityId=waitForPayment`)).body).toEqual({ count: 0 });
    expect((await api.get(`/process-instance/${other}/variables/paid`)).body).toMatchObject({ type: 'Boolean', value: true });

    expect(await api.post(`/execution/${waiting.id}/messageSubscriptions/paymentReceived/trigger`, {})).toMatchObject({
      status: 500,
      body: {
        type: 'RestException',
        message: `Cannot trigger message paymentReceived for execution ${waiting.id}: Execution with id '${waiting.id}' does not have a subscription to a message event with name 'paymentReceived': eventSubscriptions is empty`,
      },
    });
  });

  it('signals a waiting execution: it leaves its activity; one that waits in nothing cannot be signalled', async () => {
    const single = (await api.post('/process-definition/key/single/start', {})).body.id;
    // The instance's own execution is its single token, as in Camunda (runtimeService.signal(processInstanceId)).
    expect((await api.post(`/execution/${single}/signal`, { variables: { signalled: { value: 'yes', type: 'String' } } })).status).toBe(204);
    expect((await api.get(`/task?processInstanceId=${single}`)).body.map((t: { taskDefinitionKey: string }) => t.taskDefinitionKey)).toEqual(['next']);
    expect((await api.get(`/process-instance/${single}/variables/signalled`)).body).toMatchObject({ value: 'yes' });

    // A user task is left without completing it.
    const review = await executionAt(forked, 'review');
    expect((await api.post(`/execution/${review.id}/signal`, {})).status).toBe(204);
    expect((await api.get(`/task?processInstanceId=${forked}&taskDefinitionKey=review`)).body).toEqual([]);

    // The instance itself waits in two places at once: it has no current activity.
    expect(await api.post(`/execution/${forked}/signal`, {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: `Cannot signal execution ${forked}: cannot signal execution ${forked}: it has no current activity` },
    });
    const missing = `${forked}.nope`;
    expect(await api.post(`/execution/${missing}/signal`, {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: `Cannot signal execution ${missing}: execution ${missing} doesn't exist: execution is null` },
    });
    expect(await api.post(`/execution/${review.id}/signal`, { variables: { x: { value: 'a', type: 'Wrong' } } })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: `Cannot signal execution ${review.id}: Unsupported value type 'Wrong'` },
    });
  });

  it('creates an incident of the client’s own type on an execution, which DELETE /incident/{id} resolves', async () => {
    const waiting = await executionAt(forked, 'waitForPayment');
    const created = await api.post(`/execution/${waiting.id}/create-incident`, { incidentType: 'paymentOverdue', configuration: 'invoice-17', message: 'No payment after 30 days' });
    expect(created).toMatchObject({
      status: 200,
      body: {
        processInstanceId: forked,
        executionId: waiting.id,
        incidentType: 'paymentOverdue',
        activityId: 'waitForPayment',
        configuration: 'invoice-17',
        incidentMessage: 'No payment after 30 days',
      },
    });
    const incidentId = created.body.id as string;
    expect((await api.get(`/incident/${incidentId}`)).body).toMatchObject({ id: incidentId, incidentType: 'paymentOverdue' });
    expect((await api.get(`/execution?incidentType=paymentOverdue`)).body).toEqual([waiting]);
    expect((await api.get(`/execution/count?incidentMessageLike=No payment%25`)).body).toEqual({ count: 1 });

    expect((await api.delete(`/incident/${incidentId}`)).status).toBe(204);
    expect((await api.get(`/incident/${incidentId}`)).status).toBe(404);

    expect(await api.post(`/execution/${waiting.id}/create-incident`, { configuration: 'x' })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'incidentType is null' },
    });
    expect(await api.post('/execution/nope/create-incident', { incidentType: 'x' })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: "Cannot find an execution with executionId 'nope': execution is null" },
    });
  });
});
