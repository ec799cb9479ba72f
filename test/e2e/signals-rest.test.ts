/**
 * Signals across instances over the REST API, end to end: POST /signal (every subscription, signal
 * start events, variables, executionId, tenants, bad input) and signal throw events whose broadcast
 * job reaches the other instances and starts processes after the thrower is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape } from './inline-bpmn.ts';

const signalDefinition = (name: string) => `<signal id="sig" name="${name}"/>`;

const waiting = (processId: string, signalName: string) =>
  bpmnXml(
    processId,
    `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
     <intermediateCatchEvent id="wait"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>
     <sequenceFlow id="f2" sourceRef="wait" targetRef="received"/><userTask id="received"/>`,
    signalDefinition(signalName),
  );

const startedBySignal = (processId: string, signalName: string) =>
  bpmnXml(
    processId,
    `<startEvent id="bySignal"><signalEventDefinition signalRef="sig"/></startEvent>
     <sequenceFlow id="f1" sourceRef="bySignal" targetRef="started"/><userTask id="started"/>`,
    signalDefinition(signalName),
  );

const throwing = (processId: string, signalName: string) =>
  bpmnXml(
    processId,
    `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="go"/><userTask id="go"/>
     <sequenceFlow id="f2" sourceRef="go" targetRef="shout"/>
     <intermediateThrowEvent id="shout"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>
     <sequenceFlow id="f3" sourceRef="shout" targetRef="afterShout"/><userTask id="afterShout"/>`,
    signalDefinition(signalName),
  );

describe('signals over REST', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const start = async (key: string, tenant?: string) => {
    const response = await api.post(tenant ? `/process-definition/key/${key}/tenant-id/${tenant}/start` : `/process-definition/key/${key}/start`, {});
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  };
  const shape = async (id: string) => treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode);
  const instancesOf = async (key: string) => (await api.get(`/process-instance?processDefinitionKey=${key}`)).body as { id: string; tenantId: string | null }[];
  const deployOk = async (resources: Record<string, string>, fields: Record<string, string> = {}) => {
    const deployed = await api.deploy(resources, fields);
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  it('POST /signal reaches every waiting instance and starts each process with a signal start event, with the variables', async () => {
    // given
    await deployOk({ 'a.bpmn': waiting('waitsA', 'go'), 'b.bpmn': waiting('waitsB', 'go'), 'c.bpmn': startedBySignal('startsC', 'go') });
    const a = await start('waitsA');
    const b = await start('waitsB');

    // when
    const response = await api.post('/signal', { name: 'go', variables: { reason: { value: 'test', type: 'String' } } });

    // then
    expect(response.status, JSON.stringify(response.body)).toBe(204);
    expect(await shape(a)).toBe('root{received}');
    expect(await shape(b)).toBe('root{received}');
    const started = await instancesOf('startsC');
    expect(started).toHaveLength(1);
    expect((await api.get(`/process-instance/${started[0]!.id}/variables/reason`)).body).toMatchObject({ value: 'test' });
    expect((await api.get(`/process-instance/${a}/variables/reason`)).body).toMatchObject({ value: 'test' });
  });

  it('a signal throw event reaches the other instances and starts processes through its broadcast job', async () => {
    // given
    await deployOk({ 'thrower.bpmn': throwing('thrower', 'broadcast'), 'w.bpmn': waiting('waitsForBroadcast', 'broadcast'), 's.bpmn': startedBySignal('startsOnBroadcast', 'broadcast') });
    const waiter = await start('waitsForBroadcast');
    const thrower = await start('thrower');
    const task = ((await api.get(`/task?processInstanceId=${thrower}`)).body as { id: string }[])[0]!;

    // when
    expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);

    // then: the thrower went on at once; the others receive it through the job executor
    expect(await shape(thrower)).toBe('root{afterShout}');
    await eventually(async () => (await shape(waiter)) === 'root{received}');
    await eventually(async () => (await instancesOf('startsOnBroadcast')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await instancesOf('startsOnBroadcast')).toHaveLength(1);
    expect((await api.get('/job?processDefinitionKey=thrower')).body).toEqual([]);
  });

  it('with an executionId only that execution receives the signal; an execution without such a subscription is a 500 as in Camunda', async () => {
    // given
    await deployOk({ 'x.bpmn': waiting('waitsX', 'targeted') });
    const first = await start('waitsX');
    const second = await start('waitsX');
    const executionId = ((await api.get(`/process-instance/${first}/activity-instances`)).body as TreeNode & { childActivityInstances: { executionIds: string[] }[] }).childActivityInstances[0]!
      .executionIds[0]!;

    // when
    const targeted = await api.post('/signal', { name: 'targeted', executionId });
    const unknown = await api.post('/signal', { name: 'targeted', executionId: 'no-such-execution' });

    // then
    expect(targeted.status).toBe(204);
    expect(await shape(first)).toBe('root{received}');
    expect(await shape(second)).toBe('root{wait}');
    expect(unknown.status).toBe(500);
    expect(unknown.body).toEqual({ type: 'RestException', message: "Execution 'no-such-execution' has not subscribed to a signal event with name 'targeted'.", code: null });
  });

  it('tenantId reaches only that tenant; withoutTenantId only instances without one', async () => {
    // given
    await deployOk({ 't.bpmn': waiting('tenantWaits', 'tenantSignal') }, { 'tenant-id': 'tenantOne' });
    await deployOk({ 't.bpmn': waiting('tenantWaits', 'tenantSignal') });
    const ofTenant = await start('tenantWaits', 'tenantOne');
    const withoutTenant = await start('tenantWaits');

    // when
    const response = await api.post('/signal', { name: 'tenantSignal', withoutTenantId: true });

    // then
    expect(response.status).toBe(204);
    expect(await shape(withoutTenant)).toBe('root{received}');
    expect(await shape(ofTenant)).toBe('root{wait}');

    // when
    await api.post('/signal', { name: 'tenantSignal', tenantId: 'tenantOne' });

    // then
    expect(await shape(ofTenant)).toBe('root{received}');
  });

  it('answers bad input as Camunda does', async () => {
    // when
    const noName = await api.post('/signal', { variables: {} });
    const both = await api.post('/signal', { name: 'x', tenantId: 't', withoutTenantId: true });
    const executionAndTenant = await api.post('/signal', { name: 'x', executionId: 'e', tenantId: 't' });
    const badVariable = await api.post('/signal', { name: 'x', variables: { v: { value: 1, type: 'Nope' } } });
    const nobody = await api.post('/signal', { name: 'nobody-listens' });

    // then
    expect(noName.status).toBe(400);
    expect(noName.body).toEqual({ type: 'InvalidRequestException', message: 'No signal name given', code: null });
    expect(both.status).toBe(400);
    expect(executionAndTenant.status).toBe(400);
    expect(executionAndTenant.body.message).toBe('Cannot specify a tenant-id when deliver a signal to a single execution.');
    expect(badVariable.status).toBe(400);
    // A signal nobody listens to is not an error.
    expect(nobody.status).toBe(204);
  });
});
