import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** A user task with a non-interrupting reminder cycle, beside an async service step. */
const MODEL = bpmnXml(
  'jobsProcess',
  `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="review"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="later"/>
   <userTask id="review"/>
   <boundaryEvent id="reminder" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeCycle>R3/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
   <sequenceFlow id="f3" sourceRef="reminder" targetRef="remind"/>
   <userTask id="remind"/>
   <userTask id="later" camunda:asyncBefore="true"/>`,
);

type Job = { id: string; dueDate: string | null; priority: number; createTime: string };
const HOUR = 3_600_000;

describe('job due dates and priorities (JobRestServiceInteractionTest, ManagementServiceTest#setJobDuedate, #recalculateJobDuedate, #setJobPriority)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let instance: string;
  let timer: Job;
  let continuation: Job;

  const job = async (id: string): Promise<Job> => (await api.get(`/job/${id}`)).body;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'jobs.bpmn': MODEL });
    instance = (await api.post('/process-definition/key/jobsProcess/start', {})).body.id;
    const jobs = (await api.get(`/job?processInstanceId=${instance}`)).body as (Job & { dueDate: string | null })[];
    timer = jobs.find((j) => j.dueDate !== null)!;
    continuation = jobs.find((j) => j.dueDate === null)!;
    expect(timer && continuation).toBeTruthy();
  });
  afterAll(() => runtime?.stop());

  it('sets a due date, and with cascade moves the later runs of a cycle as much', async () => {
    const due = Date.parse(timer.dueDate!);
    const later = new Date(due + 2 * HOUR).toISOString().replace('Z', '+0000');
    expect((await api.put(`/job/${timer.id}/duedate`, { duedate: later, cascade: true })).status).toBe(204);
    expect(Date.parse((await job(timer.id)).dueDate!)).toBe(due + 2 * HOUR);

    // The run fires now; the next one is an hour after it, plus the two hours the cascade added.
    const before = Date.now();
    expect((await api.post(`/job/${timer.id}/execute`, {})).status).toBe(204);
    const [next] = ((await api.get(`/job?processInstanceId=${instance}`)).body as Job[]).filter((j) => j.dueDate !== null);
    expect(next!.id).not.toBe(timer.id);
    expect(Date.parse(next!.dueDate!)).toBeGreaterThanOrEqual(before + 3 * HOUR - 1000);
    expect(Date.parse(next!.dueDate!)).toBeLessThanOrEqual(Date.now() + 3 * HOUR + 1000);

    // Without cascade only this run moves: the one after is an hour after it fires.
    const moved = new Date(Date.parse(next!.dueDate!) + HOUR).toISOString().replace('Z', '+0000');
    expect((await api.put(`/job/${next!.id}/duedate`, { duedate: moved })).status).toBe(204);
    const start = Date.now();
    expect((await api.post(`/job/${next!.id}/execute`, {})).status).toBe(204);
    const [third] = ((await api.get(`/job?processInstanceId=${instance}`)).body as Job[]).filter((j) => j.dueDate !== null);
    expect(Date.parse(third!.dueDate!) - start).toBeGreaterThanOrEqual(3 * HOUR - 1000);
    timer = third!;
  });

  it('recalculates a timer from its creation or from now; only timers', async () => {
    const far = new Date(Date.now() + 100 * HOUR).toISOString().replace('Z', '+0000');
    expect((await api.put(`/job/${timer.id}/duedate`, { duedate: far })).status).toBe(204);
    const created = Date.parse((await job(timer.id)).createTime);
    expect((await api.post(`/job/${timer.id}/duedate/recalculate`, {})).status).toBe(204);
    expect(Date.parse((await job(timer.id)).dueDate!)).toBe(created + 3 * HOUR);
    const now = Date.now();
    expect((await api.post(`/job/${timer.id}/duedate/recalculate?creationDateBased=false`, {})).status).toBe(204);
    expect(Date.parse((await job(timer.id)).dueDate!)).toBeGreaterThanOrEqual(now + 3 * HOUR - 1000);

    expect(await api.post(`/job/${continuation.id}/duedate/recalculate`, {})).toMatchObject({
      status: 500,
      body: { type: 'InvalidRequestException', message: `Only timer jobs can be recalculated, but the job with id '${continuation.id}' is of type 'async-continuation'.` },
    });
    expect(await api.post('/job/nope/duedate/recalculate', {})).toMatchObject({ status: 404, body: { message: "No job found with id 'nope': job is null" } });
  });

  it('sets and shows a priority; refuses none', async () => {
    expect((await job(continuation.id)).priority).toBe(0);
    expect((await api.put(`/job/${continuation.id}/priority`, { priority: 42 })).status).toBe(204);
    expect((await job(continuation.id)).priority).toBe(42);
    expect(await api.put(`/job/${continuation.id}/priority`, {})).toMatchObject({ status: 400, body: { type: 'RestException', message: `Priority for job '${continuation.id}' cannot be null.` } });
    expect(await api.put('/job/nope/priority', { priority: 1 })).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: "No job found with id 'nope': job is null" } });
  });

  it('makes a job due at once with a null due date; refuses an unknown job and an unreadable date', async () => {
    expect((await api.put(`/job/${timer.id}/duedate`, { duedate: null })).status).toBe(204);
    expect((await job(timer.id)).dueDate).toBeNull();
    expect((await api.get(`/job/count?processInstanceId=${instance}&executable=true`)).body.count).toBe(2);
    expect(await api.put('/job/nope/duedate', { duedate: null })).toMatchObject({ status: 500, body: { type: 'InvalidRequestException', message: "No job found with id 'nope'." } });
    expect(await api.put(`/job/${timer.id}/duedate`, { duedate: 'tomorrow' })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: '' } });
  });
});
