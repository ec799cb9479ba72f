import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import { drain, stopAll } from '../support/batch-driving.ts';
import { asUser, basicAuth, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, userTaskChain } from './inline-bpmn.ts';

/**
 * The user operation log (Camunda's UserOperationLogQueryTest and UserOperationLogRestServiceQueryTest
 * scenarios): what an authenticated user did, one entry per changed property, readable by
 * definition or by category, annotated per operation.
 */

type Json = Record<string, any>;
type Client = ReturnType<typeof asUser>;
type Grant = { resource: ResourceName; permissions: string[]; resourceId?: string };

const ASYNC_JOB = bpmnXml(
  'jobProcess',
  `<startEvent id="start"/>
   <serviceTask id="work" camunda:asyncBefore="true" camunda:expression="\${true}"/>
   <userTask id="wait"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
   <sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>`,
);

describe('the user operation log', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let admin: Client;
  let definitionId: string;
  let authorizations = 0;

  const entries = async (client: Client, query: string) => {
    const response = await client.get(`/history/user-operation?${query}`);
    expect(response.status).toBe(200);
    return response.body as Json[];
  };
  const start = async (key = 'p1') => {
    const response = await admin.post(`/process-definition/key/${key}/start`, {});
    expect(response.status).toBe(200);
    return response.body.id as string;
  };
  const taskOf = async (pi: string) => (await admin.get(`/task?processInstanceId=${pi}`)).body[0] as Json;

  async function user(id: string, grants: Grant[]): Promise<Client> {
    const identities = runtime.services.identities;
    await identities.saveUser({ id, firstName: id, lastName: null, email: null, passwordHash: hashPassword(id) }, false);
    for (const g of grants) {
      authorizations += 1;
      await identities.saveAuthorization({
        id: `uol-auth-${authorizations}`,
        type: AUTHORIZATION_TYPES.GRANT,
        permissions: g.permissions,
        userId: id,
        groupId: null,
        resourceType: RESOURCE_TYPES[g.resource],
        resourceId: g.resourceId ?? '*',
      });
    }
    return asUser(api, id, id);
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    api = restClient(runtime.url);
    admin = asUser(api, 'demo', 'demo');
    const form = new FormData();
    form.set('deployment-name', 'uol');
    for (const [name, xml] of Object.entries({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']), 'jobs.bpmn': ASYNC_JOB })) form.append(name, new Blob([xml], { type: 'application/xml' }), name);
    const response = await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form, headers: { authorization: basicAuth('demo', 'demo') } });
    expect(response.status).toBe(200);
    definitionId = (await admin.get('/process-definition/key/p1')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('logs a modification with its instance, user and annotation, in the instance’s own write', async () => {
    // given
    const pi = await start();

    // when
    const modified = await admin.post(`/process-instance/${pi}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }], annotation: 'fixing ticket 42' });
    expect(modified.status).toBe(204);

    // then
    const logged = await entries(admin, `processInstanceId=${pi}&operationType=ModifyProcessInstance`);
    expect(logged).toEqual([
      expect.objectContaining({
        operationType: 'ModifyProcessInstance',
        entityType: 'ProcessInstance',
        category: 'Operator',
        userId: 'demo',
        processInstanceId: pi,
        rootProcessInstanceId: pi,
        processDefinitionId: definitionId,
        processDefinitionKey: 'p1',
        property: null,
        orgValue: null,
        newValue: null,
        annotation: 'fixing ticket 42',
        batchId: null,
        caseInstanceId: null,
        removalTime: null,
        id: expect.any(String),
        operationId: expect.any(String),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/),
      }),
    ]);
    // and starting it was logged too
    expect((await entries(admin, `processInstanceId=${pi}&operationType=Create`)).map((e) => e.entityType)).toEqual(['ProcessInstance']);
  });

  it('logs a modification of many instances as one operation: their count and that it ran asynchronously', async () => {
    // given
    const instances = [await start(), await start()];

    // when
    const response = await admin.post('/modification/executeAsync', {
      processDefinitionId: definitionId,
      processInstanceIds: instances,
      instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      annotation: 'bulk',
    });
    expect(response.status).toBe(200);

    // then two entries of one operation, naming the definition but no instance (as Camunda), and the batch (the trace extension)
    const logged = await entries(admin, `processDefinitionId=${definitionId}&operationType=ModifyProcessInstance&property=nrOfInstances`);
    const operationId = logged.at(-1)!.operationId;
    const operation = await entries(admin, `operationId=${operationId}`);
    expect(operation.map((e) => [e.property, e.orgValue, e.newValue])).toEqual([
      ['nrOfInstances', null, '2'],
      ['async', null, 'true'],
    ]);
    expect(operation.every((e) => e.processInstanceId === null && e.batchId === response.body.id && e.annotation === 'bulk' && e.processDefinitionKey === 'p1')).toBe(true);

    // when the batch runs
    await drain(runtime);

    // then each instance's log names the batch that changed it, with the batch's creator (the trace extension)
    for (const pi of instances) {
      const traced = await entries(admin, `processInstanceId=${pi}&batchId=${response.body.id}`);
      expect(traced).toEqual([expect.objectContaining({ operationType: 'ModifyProcessInstance', entityType: 'ProcessInstance', userId: 'demo', processInstanceId: pi, batchId: response.body.id })]);
    }
    expect((await entries(admin, `batchId=${response.body.id}`)).length).toBe(4);
  });

  it('logs task work as TaskWorker entries, one per property that changed, and none when nothing did', async () => {
    // given
    const pi = await start();
    const task = await taskOf(pi);

    // when
    expect((await admin.post(`/task/${task.id}/claim`, { userId: 'demo' })).status).toBe(204);
    expect((await admin.post(`/task/${task.id}/assignee`, { userId: 'demo' })).status).toBe(204);
    expect((await admin.post(`/task/${task.id}/complete`, {})).status).toBe(204);

    // then
    const logged = await entries(admin, `taskId=${task.id}&sortBy=timestamp&sortOrder=asc`);
    expect(logged.map((e) => [e.operationType, e.property, e.orgValue, e.newValue])).toEqual([
      ['Claim', 'assignee', null, 'demo'],
      ['Complete', 'delete', 'false', 'true'],
    ]);
    expect(logged.every((e) => e.entityType === 'Task' && e.category === 'TaskWorker' && e.processInstanceId === pi && e.executionId !== null)).toBe(true);
  });

  it('logs variable, job and deletion operations with what they name', async () => {
    // given
    const pi = await start('jobProcess');
    const job = (await admin.get(`/job?processInstanceId=${pi}`)).body[0] as Json;

    // when
    expect((await admin.put(`/process-instance/${pi}/variables/amount`, { value: 5, type: 'Integer' })).status).toBe(204);
    expect((await admin.put(`/job/${job.id}/retries`, { retries: 7 })).status).toBe(204);
    expect((await admin.delete(`/process-instance/${pi}`)).status).toBe(204);

    // then
    const logged = await entries(admin, `processInstanceId=${pi}&sortBy=timestamp&sortOrder=asc`);
    expect(logged.map((e) => [e.operationType, e.entityType, e.property, e.orgValue, e.newValue])).toEqual([
      ['Create', 'ProcessInstance', null, null, null],
      ['SetVariable', 'Variable', null, null, null],
      ['SetJobRetries', 'Job', 'retries', '3', '7'],
      ['Delete', 'ProcessInstance', null, null, null],
    ]);
    expect(logged[2]).toMatchObject({ jobId: job.id, jobDefinitionId: expect.stringContaining('#work#') });
  });

  it('filters by entity types, categories and exclusive time bounds, counts, pages and sorts by timestamp', async () => {
    // given
    const pi = await start();
    const task = await taskOf(pi);
    await admin.post(`/task/${task.id}/claim`, { userId: 'demo' });
    const all = await entries(admin, `processInstanceId=${pi}&sortBy=timestamp&sortOrder=asc`);
    expect(all.map((e) => e.operationType)).toEqual(['Create', 'Claim']);

    // then
    expect((await entries(admin, `processInstanceId=${pi}&entityTypeIn=Task,Variable`)).map((e) => e.operationType)).toEqual(['Claim']);
    expect((await entries(admin, `processInstanceId=${pi}&categoryIn=Operator`)).map((e) => e.operationType)).toEqual(['Create']);
    expect((await entries(admin, `processInstanceId=${pi}&afterTimestamp=${encodeURIComponent(all[0]!.timestamp)}`)).every((e) => e.timestamp !== all[0]!.timestamp)).toBe(true);
    expect((await entries(admin, `processInstanceId=${pi}&beforeTimestamp=${encodeURIComponent(all[0]!.timestamp)}`)).length).toBe(0);
    expect((await entries(admin, `processInstanceId=${pi}&sortBy=timestamp&sortOrder=desc&maxResults=1`)).map((e) => e.operationType)).toEqual(['Claim']);
    expect((await admin.get(`/history/user-operation/count?processInstanceId=${pi}`)).body).toEqual({ count: 2 });
    expect((await admin.get(`/history/user-operation?caseInstanceId=x&processInstanceId=${pi}`)).body).toEqual([]);
    // and bad input gets Camunda's 400s
    const badSort = await admin.get('/history/user-operation?sortBy=operationType&sortOrder=asc');
    expect(badSort.status).toBe(400);
    expect(badSort.body.type).toBe('InvalidRequestException');
    const badDate = await admin.get('/history/user-operation?afterTimestamp=yesterday');
    expect(badDate.status).toBe(400);
  });

  it('sets and clears the annotation of every entry of an operation, and logs that it did', async () => {
    // given
    const instances = [await start(), await start()];
    await admin.post('/modification/execute', { processDefinitionId: definitionId, processInstanceIds: instances, instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });
    const [first] = await entries(admin, `processDefinitionId=${definitionId}&property=async&sortBy=timestamp&sortOrder=desc&maxResults=1`);
    const operationId = first!.operationId as string;

    // when
    expect((await admin.put(`/history/user-operation/${operationId}/set-annotation`, { annotation: 'approved by ops' })).status).toBe(204);

    // then
    expect((await entries(admin, `operationId=${operationId}`)).map((e) => [e.property, e.newValue, e.annotation])).toEqual([
      ['nrOfInstances', '2', 'approved by ops'],
      ['async', 'false', 'approved by ops'],
    ]);
    const noted = await entries(admin, 'operationType=SetAnnotation&entityType=OperationLog');
    expect(noted.at(-1)).toMatchObject({ property: 'operationId', newValue: operationId, category: 'Operator', userId: 'demo' });

    // when cleared
    expect((await admin.put(`/history/user-operation/${operationId}/clear-annotation`, {})).status).toBe(204);

    // then
    expect((await entries(admin, `operationId=${operationId}`)).map((e) => e.annotation)).toEqual([null, null]);
    expect((await entries(admin, 'operationType=ClearAnnotation')).at(-1)).toMatchObject({ newValue: operationId });
  });

  it('logs identity changes in the Admin category, a membership as its two ids', async () => {
    // when
    expect((await admin.post('/group/create', { id: 'uol-group', name: 'Auditors' })).status).toBe(204);
    expect((await admin.put('/group/uol-group/members/demo', {})).status).toBe(204);
    expect((await admin.delete('/group/uol-group')).status).toBe(204);

    // then
    const logged = await entries(admin, 'category=Admin&sortBy=timestamp&sortOrder=asc');
    const mine = logged.filter((e) => e.newValue === 'uol-group' || e.entityType === 'Group membership');
    expect(mine.map((e) => [e.operationType, e.entityType, e.property, e.newValue])).toEqual([
      ['Create', 'Group', 'groupId', 'uol-group'],
      ['Create', 'Group membership', 'userId', 'demo'],
      ['Create', 'Group membership', 'groupId', 'uol-group'],
      ['Delete', 'Group', 'groupId', 'uol-group'],
    ]);
  });

  it('refuses to annotate an operation that does not exist (BadUserRequestException)', async () => {
    const response = await admin.put('/history/user-operation/no-such-operation/set-annotation', { annotation: 'x' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'BadUserRequestException', message: 'operation is null', code: 0 });
    expect((await admin.put('/history/user-operation/no-such-operation/clear-annotation', {})).status).toBe(400);
  });

  it('shows an entry to READ_HISTORY on its definition or READ on its category, and lets UPDATE annotate it', async () => {
    // given an operation on p1, one on a deployment (no definition key) and one of task work
    const pi = await start();
    await admin.post(`/process-instance/${pi}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });
    const historian = await user('historian', [{ resource: 'ProcessDefinition', permissions: ['READ_HISTORY'], resourceId: 'p1' }]);
    const taskAuditor = await user('taskAuditor', [{ resource: 'OperationLogCatgeory', permissions: ['READ'], resourceId: 'TaskWorker' }]);
    const stranger = await user('logStranger', []);

    // then
    const seenByHistorian = await entries(historian, 'maxResults=1000');
    expect(seenByHistorian.length).toBeGreaterThan(0);
    expect(seenByHistorian.every((e) => e.processDefinitionKey === 'p1')).toBe(true);
    expect(seenByHistorian.some((e) => e.entityType === 'Deployment')).toBe(false);
    const seenByAuditor = await entries(taskAuditor, 'maxResults=1000');
    expect(seenByAuditor.length).toBeGreaterThan(0);
    expect(seenByAuditor.every((e) => e.category === 'TaskWorker')).toBe(true);
    expect(await entries(stranger, 'maxResults=1000')).toEqual([]);
    expect((await stranger.get('/history/user-operation/count')).body).toEqual({ count: 0 });
    // and the admin sees the deployment's entry, which names no definition
    expect((await entries(admin, 'entityType=Deployment')).map((e) => [e.property, e.newValue])).toEqual([['duplicateFilterEnabled', 'false']]);

    // when the historian annotates without UPDATE_HISTORY
    const [modification] = await entries(admin, `processInstanceId=${pi}&operationType=ModifyProcessInstance`);
    const refused = await historian.put(`/history/user-operation/${modification!.operationId}/set-annotation`, { annotation: 'mine' });

    // then Camunda's disjunctive 403
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      "The user with id 'historian' does not have one of the following permissions: 'UPDATE_HISTORY' permission on resource 'p1' of type 'ProcessDefinition' or 'UPDATE' permission on resource 'Operator' of type 'OperationLogCatgeory'",
    );
    // and with UPDATE_HISTORY it may
    const editor = await user('historyEditor', [{ resource: 'ProcessDefinition', permissions: ['UPDATE_HISTORY'], resourceId: 'p1' }]);
    expect((await editor.put(`/history/user-operation/${modification!.operationId}/set-annotation`, { annotation: 'checked' })).status).toBe(204);
  });
});

describe('the user operation log without authentication', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
  });
  afterAll(() => stopAll(runtime));

  it('stays empty, as Camunda logs only what an authenticated user did', async () => {
    // given
    const api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
    const pi = (await api.post('/process-definition/key/p1/start', {})).body.id as string;

    // when
    expect((await api.post(`/process-instance/${pi}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] })).status).toBe(204);

    // then
    expect((await api.get('/history/user-operation/count')).body).toEqual({ count: 0 });
  });
});
