import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** A receive task waiting for `payment`, a signal catch waiting for `alarm`, and an async service step. */
const MODEL = bpmnXml(
  'subscriber',
  `<startEvent id="start"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="waitPayment"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="waitAlarm"/>
   <sequenceFlow id="f3" sourceRef="fork" targetRef="later"/>
   <receiveTask id="waitPayment" messageRef="payment"/>
   <intermediateCatchEvent id="waitAlarm"><signalEventDefinition signalRef="alarm"/></intermediateCatchEvent>
   <userTask id="later" camunda:asyncBefore="true"/>
   <sequenceFlow id="f4" sourceRef="waitPayment" targetRef="end1"/>
   <sequenceFlow id="f5" sourceRef="waitAlarm" targetRef="end2"/>
   <sequenceFlow id="f6" sourceRef="later" targetRef="end3"/>
   <endEvent id="end1"/><endEvent id="end2"/><endEvent id="end3"/>`,
  '<message id="payment" name="payment"/><signal id="alarm" name="alarm"/>',
);

describe('query endpoints added for issue 16: event subscriptions, POST job/group/history queries, job stack traces, password policy', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const instances: string[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'subscriber.bpmn': MODEL })).status).toBe(200);
    for (const businessKey of ['b1', 'b2']) instances.push((await api.post('/process-definition/key/subscriber/start', { businessKey })).body.id);
  });
  afterAll(() => runtime?.stop());

  it('lists the event subscriptions of running instances, filtered, sorted and counted (EventSubscriptionQuery)', async () => {
    const all = (await api.get(`/event-subscription?processInstanceId=${instances[0]}`)).body;
    expect(all.map((s: { eventType: string; eventName: string; activityId: string }) => [s.eventType, s.eventName, s.activityId]).sort()).toEqual([
      ['message', 'payment', 'waitPayment'],
      ['signal', 'alarm', 'waitAlarm'],
    ]);
    expect(all[0]).toMatchObject({ processInstanceId: instances[0], tenantId: null, createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const signals = (await api.get('/event-subscription?eventType=signal&eventName=alarm&sortBy=created&sortOrder=desc')).body;
    expect(signals.map((s: { processInstanceId: string }) => s.processInstanceId)).toEqual([...instances].reverse());
    expect((await api.get('/event-subscription/count?eventName=payment')).body).toEqual({ count: 2 });
    expect((await api.get(`/event-subscription?eventSubscriptionId=${all[0].id}`)).body).toEqual([all[0]]);
    expect((await api.get('/event-subscription?sortBy=eventName&sortOrder=asc')).status).toBe(400);

    // A delivered message removes its subscription.
    expect((await api.post('/message', { messageName: 'payment', businessKey: 'b1' })).status).toBe(204);
    expect((await api.get('/event-subscription/count?eventName=payment')).body).toEqual({ count: 1 });
  });

  it('queries jobs with a JSON body, and gives a failed job’s message as its stack trace', async () => {
    const listed = await api.post('/job?maxResults=1', { processInstanceId: instances[1] });
    expect(listed.body).toHaveLength(1);
    const job = listed.body[0];
    expect((await api.post('/job/count', { processDefinitionKey: 'subscriber' })).body).toEqual({ count: 2 });
    expect((await api.get(`/job/${job.id}/stacktrace`)).status).toBe(204);
    expect(await api.get('/job/nope/stacktrace')).toEqual({ status: 404, body: { type: 'InvalidRequestException', message: 'No job found with id nope: job is null', code: null } });
  });

  it('queries historic process instances and groups with a JSON body', async () => {
    const history = await api.post('/history/process-instance', { processDefinitionKey: 'subscriber', sorting: [{ sortBy: 'businessKey', sortOrder: 'desc' }] });
    expect(history.body.map((h: { businessKey: string }) => h.businessKey)).toEqual(['b2', 'b1']);
    expect((await api.post('/history/process-instance/count', { processInstanceBusinessKey: 'b1' })).body).toEqual({ count: 1 });

    for (const [id, type] of [
      ['qa', 'WORKFLOW'],
      ['qb', 'SYSTEM'],
    ]) {
      expect((await api.post('/group/create', { id, name: `Group ${id}`, type })).status).toBe(204);
    }
    expect((await api.post('/group', { idIn: ['qa', 'qb'], sortBy: 'id', sortOrder: 'desc' })).body.map((g: { id: string }) => g.id)).toEqual(['qb', 'qa']);
    expect((await api.post('/group/count', { type: 'SYSTEM', idIn: ['qa', 'qb'] })).body).toEqual({ count: 1 });
    expect((await api.post('/group', { sortBy: 'id' })).body.message).toBe('Only a single sorting parameter specified. sortBy and sortOrder required');
  });

  it('answers the password policy as Camunda does without one configured: 404, no body', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const response = await fetch(`${runtime.url}/identity/password-policy`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"password":"x"}' : undefined });
      expect([response.status, await response.text()]).toEqual([404, '']);
    }
  });

  it('reports telemetry off and takes a setting without effect, as Camunda 7.24 does', async () => {
    expect(await api.get('/telemetry/configuration')).toEqual({ status: 200, body: { enableTelemetry: false } });
    expect((await api.post('/telemetry/configuration', { enableTelemetry: true })).status).toBe(204);
    expect((await api.get('/telemetry/configuration')).body).toEqual({ enableTelemetry: false });
    expect((await api.post('/telemetry/configuration', { enableTelemetry: 'yes' })).status).toBe(400);
  });
});
