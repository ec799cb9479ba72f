import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** Due date from a variable, follow-up as a duration, priority from an expression, the documentation as description. */
const MODEL = bpmnXml(
  'datedTask',
  `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="approve"/>
   <userTask id="approve" name="Approve" camunda:dueDate="\${dueDate}" camunda:followUpDate="P2D" camunda:priority="\${urgent ? 90 : 10}">
     <documentation>Approve the order of \${customer}</documentation>
   </userTask>
   <sequenceFlow id="f1" sourceRef="approve" targetRef="end"/><endEvent id="end"/>`,
);

describe('task attributes and PUT /task/{id} (UserTaskActivityBehavior, TaskRestServiceInteractionTest#testUpdateTask)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const start = async (variables: Record<string, { value: unknown; type: string }>) => {
    const response = await api.post('/process-definition/key/datedTask/start', { variables });
    return response;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'd.bpmn': MODEL });
  });
  afterAll(() => runtime?.stop());

  it('evaluates camunda:dueDate, followUpDate, priority and the documentation when the task is created', async () => {
    const before = Date.now();
    const instance = (await start({ dueDate: { value: '2027-01-15T12:00:00.000+0000', type: 'String' }, urgent: { value: true, type: 'Boolean' }, customer: { value: 'ACME', type: 'String' } })).body
      .id;
    const [task] = (await api.get(`/task?processInstanceId=${instance}`)).body;
    expect(task).toMatchObject({ name: 'Approve', priority: 90, description: 'Approve the order of ACME' });
    expect(Date.parse(task.due)).toBe(Date.parse('2027-01-15T12:00:00Z'));
    expect(Date.parse(task.followUp) - before).toBeGreaterThanOrEqual(2 * 86_400_000 - 1000);
    expect(Date.parse(task.followUp) - Date.now()).toBeLessThanOrEqual(2 * 86_400_000 + 1000);
  });

  it('refuses to create the task when an attribute does not evaluate to its type', async () => {
    const failed = await start({ dueDate: { value: 5, type: 'Integer' }, urgent: { value: false, type: 'Boolean' }, customer: { value: 'x', type: 'String' } });
    expect(failed).toMatchObject({ status: 500, body: { message: expect.stringContaining('Due date expression does not resolve to a Date or Date string: ${dueDate}') } });
  });

  it('replaces every field PUT /task/{id} names; nulls clear', async () => {
    const instance = (await start({ dueDate: { value: '2027-01-15T12:00:00.000+0000', type: 'String' }, urgent: { value: false, type: 'Boolean' }, customer: { value: 'ACME', type: 'String' } })).body
      .id;
    const [task] = (await api.get(`/task?processInstanceId=${instance}`)).body;
    const changed = { ...task, name: 'Approve quickly', description: null, priority: 70, assignee: 'anna', owner: 'olaf', due: '2027-02-01T08:00:00.000+0000', followUp: null };
    expect((await api.put(`/task/${task.id}`, changed)).status).toBe(204);
    const after = (await api.get(`/task/${task.id}`)).body;
    expect(after).toMatchObject({ name: 'Approve quickly', description: null, priority: 70, assignee: 'anna', owner: 'olaf', followUp: null, taskState: 'Updated' });
    expect(Date.parse(after.due)).toBe(Date.parse('2027-02-01T08:00:00Z'));
    expect((await api.get('/task?assignee=anna')).body.map((t: { id: string }) => t.id)).toContain(task.id);
    // Camunda's TaskDto has an int priority: a body without one sets 0.
    expect((await api.put(`/task/${task.id}`, { name: 'Approve quickly' })).status).toBe(204);
    expect((await api.get(`/task/${task.id}`)).body).toMatchObject({ priority: 0, assignee: null, owner: null, due: null });

    expect(await api.put(`/task/${task.id}`, { delegationState: 'waiting' })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: "Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', but was 'waiting'" },
    });
    expect(await api.put(`/task/${task.id}`, { parentTaskId: 'other' })).toMatchObject({ status: 400 });
    expect(await api.put('/task/nope', { name: 'x' })).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: 'No matching task with id nope' } });
  });
});
