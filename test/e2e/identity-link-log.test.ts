import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

const CANDIDATES = bpmnXml(
  'candidateProcess',
  `<startEvent id="start"/>
   <userTask id="approve" camunda:candidateUsers="alice" camunda:candidateGroups="sales"/>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
   <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>`,
);

describe('the historic identity link log (HistoricIdentityLinkLogRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const log = async (query: string) => {
    const response = await api.get(`/history/identity-link-log?${query}`);
    expect(response.status).toBe(200);
    return response.body as Record<string, any>[];
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'candidates.bpmn': CANDIDATES })).status).toBe(200);
  });
  afterAll(() => stopAll(runtime));

  it('logs the links a task is created with, each assignee change as a deletion and an addition, and removed candidates', async () => {
    // given
    const pi = (await api.post('/process-definition/key/candidateProcess/start', {})).body.id as string;
    const task = (await api.get(`/task?processInstanceId=${pi}`)).body[0];

    // when
    expect((await api.post(`/task/${task.id}/claim`, { userId: 'bob' })).status).toBe(204);
    expect((await api.post(`/task/${task.id}/assignee`, { userId: 'carol' })).status).toBe(204);
    expect((await api.post(`/task/${task.id}/identity-links/delete`, { groupId: 'sales', type: 'candidate' })).status).toBe(204);
    expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);

    // then
    const entries = await log(`taskId=${task.id}`);
    expect(entries.map((e) => [e.operationType, e.type, e.userId, e.groupId])).toEqual([
      ['add', 'candidate', 'alice', null],
      ['add', 'candidate', null, 'sales'],
      ['add', 'assignee', 'bob', null],
      ['delete', 'assignee', 'bob', null],
      ['add', 'assignee', 'carol', null],
      ['delete', 'candidate', null, 'sales'],
    ]);
    const definitionId = (await api.get('/process-definition/key/candidateProcess')).body.id;
    expect(entries[0]).toMatchObject({
      taskId: task.id,
      processDefinitionId: definitionId,
      processDefinitionKey: 'candidateProcess',
      rootProcessInstanceId: pi,
      tenantId: null,
      assignerId: null,
      removalTime: null,
      time: expect.any(String),
    });

    // and the filters and count
    expect((await log(`taskId=${task.id}&operationType=delete`)).map((e) => e.type)).toEqual(['assignee', 'candidate']);
    expect((await log(`taskId=${task.id}&type=assignee&userId=carol`)).length).toBe(1);
    expect((await log(`taskId=${task.id}&groupId=sales`)).length).toBe(2);
    expect((await log(`taskId=${task.id}&assignerId=demo`)).length).toBe(0);
    expect((await log(`taskId=${task.id}&dateAfter=${encodeURIComponent(entries[0]!.time)}`)).length).toBe(6);
    expect((await log(`taskId=${task.id}&sortBy=operationType&sortOrder=desc`)).map((e) => e.operationType)).toEqual(['delete', 'delete', 'add', 'add', 'add', 'add']);
    expect((await api.get(`/history/identity-link-log/count?taskId=${task.id}&type=candidate`)).body).toEqual({ count: 3 });

    // when its history is deleted, so is its identity link log
    expect((await api.delete(`/history/process-instance/${pi}`)).status).toBe(204);
    expect(await log(`taskId=${task.id}`)).toEqual([]);
  });

  it('answers bad input with Camunda’s 400', async () => {
    expect((await api.get('/history/identity-link-log?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
    expect((await api.get('/history/identity-link-log?dateBefore=soon')).status).toBe(400);
    expect((await api.get('/history/identity-link-log?withoutTenantId=perhaps')).status).toBe(400);
  });
});
