import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → gateway → task → end, with a second task cancelled by deletion in another instance. */
const MODEL = bpmnXml(
  'traced',
  `<startEvent id="start" name="Start"/><sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <exclusiveGateway id="fork"/><sequenceFlow id="f1" sourceRef="fork" targetRef="work"/>
   <userTask id="work" name="Work" camunda:assignee="anna"/><sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
   <endEvent id="end"/>`,
);

type Activity = {
  id: string;
  activityId: string;
  activityType: string;
  activityName: string | null;
  endTime: string | null;
  canceled: boolean;
  taskId: string | null;
  assignee: string | null;
  durationInMillis: number | null;
  executionId: string;
};

describe('historic activity instances (HistoricActivityInstanceTest, HistoricActivityInstanceRestServiceQueryTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let completed: string;
  let deleted: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 't.bpmn': MODEL });
    completed = (await api.post('/process-definition/key/traced/start', {})).body.id;
    const task = (await api.get(`/task?processInstanceId=${completed}`)).body[0].id;
    expect((await api.post(`/task/${task}/complete`, {})).status).toBe(204);
    deleted = (await api.post('/process-definition/key/traced/start', {})).body.id;
    expect((await api.delete(`/process-instance/${deleted}`)).status).toBe(204);
  });
  afterAll(() => runtime?.stop());

  it('records every activity an instance passed, in order, with its end', async () => {
    const trail = (await api.get(`/history/activity-instance?processInstanceId=${completed}&sortBy=startTime&sortOrder=asc`)).body as Activity[];
    expect(trail.map((a) => `${a.activityId}:${a.activityType}`)).toEqual(['start:startEvent', 'fork:exclusiveGateway', 'work:userTask', 'end:noneEndEvent']);
    expect(trail.every((a) => a.endTime !== null && a.durationInMillis !== null && !a.canceled)).toBe(true);
    const work = trail.find((a) => a.activityId === 'work')!;
    expect(work).toMatchObject({ activityName: 'Work', assignee: 'anna', taskId: expect.any(String), executionId: expect.stringContaining(`${completed}.`) });
    expect((await api.get(`/history/activity-instance/${work.id}`)).body).toEqual(work);
    // The history outlives the instance.
    expect((await api.get(`/process-instance/${completed}`)).status).toBe(404);
  });

  it('marks what a deletion ended as canceled; filters and counts as Camunda does', async () => {
    const [work] = (await api.get(`/history/activity-instance?processInstanceId=${deleted}&activityId=work`)).body as Activity[];
    expect(work).toMatchObject({ canceled: true, endTime: expect.any(String) });
    expect((await api.get('/history/activity-instance/count?activityType=userTask')).body).toEqual({ count: 2 });
    expect((await api.get('/history/activity-instance/count?canceled=true')).body).toEqual({ count: 1 });
    expect((await api.get('/history/activity-instance/count?taskAssignee=anna&finished=true')).body).toEqual({ count: 2 });
    expect((await api.get('/history/activity-instance/count?unfinished=true')).body).toEqual({ count: 0 });
    expect((await api.post('/history/activity-instance/count', { processInstanceId: completed, activityType: 'noneEndEvent' })).body).toEqual({ count: 1 });
    const page = (await api.post('/history/activity-instance?firstResult=1&maxResults=2', { processInstanceId: completed, sorting: [{ sortBy: 'activityId', sortOrder: 'desc' }] })).body as Activity[];
    // work, start, fork, end: the second and third.
    expect(page.map((a) => a.activityId)).toEqual(['start', 'fork']);
    expect(await api.get('/history/activity-instance/nope')).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: "Historic activity instance with id 'nope' does not exist" },
    });
    expect(await api.get('/history/activity-instance?sortBy=name&sortOrder=asc')).toMatchObject({ status: 400 });
  });
});
