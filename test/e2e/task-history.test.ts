import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** review (candidate group `accounting`) → approve → end, in a process with a name. */
const approval = bpmnXml(
  'approval',
  `<startEvent id="start"/>
   <userTask id="review" name="Review invoice" camunda:candidateGroups="accounting" camunda:priority="70"/>
   <userTask id="approve" name="Approve invoice"/>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
   <sequenceFlow id="f2" sourceRef="review" targetRef="approve"/>
   <sequenceFlow id="f3" sourceRef="approve" targetRef="end"/>`,
).replace('<process id="approval" isExecutable="true">', '<process id="approval" name="Invoice approval" isExecutable="true">');

describe('historic task instances (HistoricTaskInstanceRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let first: string;
  let second: string;
  const history = async (query: string) => (await api.get(`/history/task?${query}`)).body as Record<string, unknown>[];
  const count = async (query: string) => (await api.get(`/history/task/count?${query}`)).body.count as number;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'approval.bpmn': approval })).status).toBe(200);
    first = (await api.post('/process-definition/key/approval/start', { businessKey: 'invoice-1' })).body.id;
    second = (await api.post('/process-definition/key/approval/start', { businessKey: 'invoice-2' })).body.id;
  });
  afterAll(() => runtime?.stop());

  it('keeps a task from its creation through its changes to its completion', async () => {
    // given
    const [review] = (await api.get(`/task?processInstanceId=${first}`)).body;
    expect(await history(`processInstanceId=${first}`)).toEqual([
      expect.objectContaining({ id: review.id, name: 'Review invoice', taskDefinitionKey: 'review', priority: 70, taskState: 'Created', endTime: null, deleteReason: null, assignee: null }),
    ]);

    // when
    expect((await api.post(`/task/${review.id}/claim`, { userId: 'fozzie' })).status).toBe(204);

    // then
    expect(await history(`taskId=${review.id}`)).toEqual([expect.objectContaining({ assignee: 'fozzie', taskState: 'Updated', endTime: null })]);

    // when
    expect((await api.post(`/task/${review.id}/complete`, {})).status).toBe(204);

    // then
    const done = (await history(`taskId=${review.id}`))[0]!;
    expect(done).toMatchObject({
      processInstanceId: first,
      processDefinitionKey: 'approval',
      rootProcessInstanceId: first,
      executionId: expect.stringContaining(first),
      assignee: 'fozzie',
      deleteReason: 'completed',
      taskState: 'Completed',
      parentTaskId: null,
      caseInstanceId: null,
    });
    expect(done.endTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
    expect(done.duration).toEqual(expect.any(Number));
    expect(await history(`processInstanceId=${first}&sortBy=startTime&sortOrder=asc`)).toEqual([
      expect.objectContaining({ taskDefinitionKey: 'review', taskState: 'Completed' }),
      expect.objectContaining({ taskDefinitionKey: 'approve', taskState: 'Created' }),
    ]);
  });

  it('ends the tasks of a deleted instance as deleted, and keeps them', async () => {
    // when
    expect((await api.delete(`/process-instance/${second}`)).status).toBe(204);

    // then
    expect(await history(`processInstanceId=${second}`)).toEqual([
      expect.objectContaining({ taskDefinitionKey: 'review', deleteReason: 'deleted', taskState: 'Deleted', endTime: expect.any(String) }),
    ]);
  });

  it('filters as Camunda’s query does', async () => {
    expect(await count('finished=true')).toBe(2);
    expect(await count('unfinished=true')).toBe(1);
    expect(await count('taskAssignee=fozzie')).toBe(1);
    expect(await count('assigned=true')).toBe(1);
    expect(await count('taskHadCandidateGroup=accounting')).toBe(2);
    expect(await count('taskInvolvedGroup=accounting&taskDefinitionKey=review')).toBe(2);
    expect(await count('withoutCandidateGroups=true')).toBe(1);
    expect(await count('processInstanceBusinessKey=invoice-2')).toBe(1);
    expect(await count('processInstanceBusinessKeyLike=invoice%25')).toBe(3);
    expect(await count('taskNameLike=%25invoice&taskDeleteReason=completed')).toBe(1);
    expect(await count('processDefinitionName=Invoice%20approval')).toBe(3);
    expect(await count('processFinished=true')).toBe(1);
    expect(await count('processUnfinished=true')).toBe(2);
    expect(await count('taskPriority=70')).toBe(2);
    expect(await count('caseInstanceId=any')).toBe(0);
    expect(await count('startedAfter=2999-01-01T00:00:00.000%2B0000')).toBe(0);
    const body = await api.post('/history/task?firstResult=0&maxResults=1', { taskDefinitionKey: 'review', sorting: [{ sortBy: 'taskId', sortOrder: 'desc' }] });
    expect(body.status).toBe(200);
    expect(body.body).toHaveLength(1);
    expect((await api.post('/history/task/count', { finished: true, taskDeleteReasonLike: 'del%' })).body).toEqual({ count: 1 });
  });

  it('filters by the task’s and its process’s variables, from the variable history', async () => {
    // given
    expect((await api.put(`/process-instance/${first}/variables/amount`, { value: 50, type: 'Integer' })).status).toBe(204);
    const [approve] = (await api.get(`/task?processInstanceId=${first}`)).body;
    expect((await api.put(`/task/${approve.id}/localVariables/decision`, { value: 'ok', type: 'String' })).status).toBe(204);

    // then
    expect((await api.post('/history/task/count', { processVariables: [{ name: 'amount', operator: 'gt', value: 10 }] })).body).toEqual({ count: 2 });
    expect((await api.post('/history/task/count', { processVariables: [{ name: 'amount', operator: 'lt', value: 10 }] })).body).toEqual({ count: 0 });
    expect(await count('taskVariables=decision_eq_ok')).toBe(1);
    expect(await count('taskVariables=DECISION_eq_OK&variableNamesIgnoreCase=true&variableValuesIgnoreCase=true')).toBe(1);
    // A task variable is not a process variable.
    expect(await count('processVariables=decision_eq_ok')).toBe(0);
  });

  it("answers Camunda's errors for bad input", async () => {
    expect((await api.get('/history/task?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
    expect((await api.get('/history/task?finished=maybe')).status).toBe(400);
    expect(await api.get('/history/task?taskVariables=amount_gt_5')).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'Invalid variable comparator specified: gt' } });
    expect(await api.get('/history/task?processVariables=amount_between_5')).toMatchObject({ status: 400, body: { message: 'Invalid process variable comparator specified: between' } });
  });
});
