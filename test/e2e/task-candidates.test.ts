import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { recordDynamoDbCalls } from '../support/dynamodb-calls.ts';
import { bpmnXml, userTaskChain } from './inline-bpmn.ts';

/** A user task offered to kermit, to the sales group and to the group named by the `dept` variable. */
const MODEL = bpmnXml(
  'offeredProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
   <userTask id="review" camunda:candidateUsers="kermit" camunda:candidateGroups="sales, \${dept}"/>
   <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
   <endEvent id="end"/>`,
);

describe('task queries by candidate user and group (camunda:candidateUsers / candidateGroups)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const taskIds: string[] = [];
  const ids = async (query: string) => ((await api.get(`/task?${query}`)).body as { id: string }[]).map((t) => t.id);

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    expect((await api.deploy({ 'offered.bpmn': MODEL })).status).toBe(200);
    // fozzie may claim what the sales group may
    expect((await api.post('/user/create', { profile: { id: 'fozzie' }, credentials: { password: 'secret1' } })).status).toBe(204);
    expect((await api.post('/group/create', { id: 'sales', name: 'Sales' })).status).toBe(204);
    expect((await api.put('/group/sales/members/fozzie')).status).toBe(204);
    for (const dept of ['accounting', 'marketing', 'accounting', 'marketing', 'accounting', 'marketing']) {
      const started = await api.post('/process-definition/key/offeredProcess/start', { variables: { dept: { value: dept, type: 'String' } } });
      expect(started.status).toBe(200);
      taskIds.push(((await api.get(`/task?processInstanceId=${started.body.id}`)).body as { id: string }[])[0]!.id);
    }
  });
  afterAll(() => runtime?.stop());

  it('finds the tasks of a candidate group, of any of several, and of a candidate user directly or through a group, in creation order', async () => {
    expect(await ids('candidateGroup=sales')).toEqual(taskIds);
    expect(await ids('candidateGroup=accounting')).toEqual([taskIds[0], taskIds[2], taskIds[4]]);
    expect(await ids('candidateGroups=accounting,marketing')).toEqual(taskIds);
    expect(await ids('candidateUser=kermit')).toEqual(taskIds);
    expect(await ids('candidateUser=fozzie')).toEqual(taskIds);
    expect(await ids('candidateUser=gonzo')).toEqual([]);
    expect(await ids('candidateGroup=marketing&firstResult=1&maxResults=1')).toEqual([taskIds[3]]);
    expect(await ids(`candidateGroup=sales&processInstanceId=${(await api.get(`/task/${taskIds[5]}`)).body.processInstanceId}`)).toEqual([taskIds[5]]);
  });

  it('leaves out assigned tasks unless includeAssignedTasks, as Camunda does, and counts the same way', async () => {
    expect((await api.post(`/task/${taskIds[1]}/claim`, { userId: 'kermit' })).status).toBe(204);
    const unassigned = taskIds.filter((id) => id !== taskIds[1]);
    expect(await ids('candidateGroup=sales')).toEqual(unassigned);
    expect(await ids('candidateUser=fozzie')).toEqual(unassigned);
    expect(await ids('candidateGroup=sales&includeAssignedTasks=true')).toEqual(taskIds);
    expect((await api.get('/task/count?candidateGroup=sales')).body).toEqual({ count: 5 });
    expect((await api.get('/task/count?candidateGroups=marketing&includeAssignedTasks=true')).body).toEqual({ count: 3 });
    expect((await api.post(`/task/${taskIds[1]}/unclaim`)).status).toBe(204);
    expect(await ids('candidateGroup=sales')).toEqual(taskIds);
  });

  it('reads the lookup partitions of the candidates, never the partitions of all tasks', async () => {
    // given thirty more tasks offered to nobody
    expect((await api.deploy({ 'plain.bpmn': userTaskChain('plainProcess', ['work']) })).status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await api.post('/process-definition/key/plainProcess/start', {})).status).toBe(200);
    const recorder = recordDynamoDbCalls();
    try {
      // when a page of the candidate group's tasks is asked for
      expect(await ids('candidateGroup=accounting&maxResults=2')).toEqual([taskIds[0], taskIds[2]]);
      // then only that group's lookup partitions were queried, and a few items read (the timer sweeper's queries of due jobs aside)
      const partitionOf = (call: { input: Record<string, unknown> }) => (call.input.ExpressionAttributeValues as Record<string, string>)[':pk']!;
      const queries = recorder.take().filter((call) => call.command === 'Query' && partitionOf(call).startsWith('TASK'));
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) expect(partitionOf(query)).toMatch(/^TASK#CANDGROUP#accounting@\d+$/);
      expect(queries.reduce((n, call) => n + call.itemsRead, 0)).toBeLessThanOrEqual(3);
    } finally {
      recorder.stop();
    }
  });

  it('refuses a candidate user together with a candidate group, as Camunda’s task query does', async () => {
    const both = await api.get('/task?candidateUser=kermit&candidateGroup=sales');
    expect(both.status).toBe(500);
    expect(both.body).toMatchObject({ type: 'ProcessEngineException', message: 'Invalid query usage: cannot set both candidateUser and candidateGroup' });
  });

  it('drops the candidate lookups with the task', async () => {
    expect((await api.post(`/task/${taskIds[0]}/complete`, {})).status).toBe(204);
    expect(await ids('candidateGroup=accounting')).toEqual([taskIds[2], taskIds[4]]);
    expect(await ids('candidateUser=kermit')).toEqual(taskIds.slice(1));
  });
});
