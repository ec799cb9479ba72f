import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → work (asynchronous, its expression given by `work`) → wait. */
const asyncProcess = (key: string, work: string) =>
  bpmnXml(
    key,
    `<startEvent id="start"/>
     <serviceTask id="work" camunda:asyncBefore="true" camunda:expression="${work}"/>
     <userTask id="wait"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
     <sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>`,
  );

describe('the historic job log (HistoricJobLogRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const log = async (query: string) => (await api.get(`/history/job-log?${query}`)).body as Record<string, unknown>[];
  const jobOf = async (processInstanceId: string) => (await api.get(`/job?processInstanceId=${processInstanceId}`)).body[0] as { id: string };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'good.bpmn': asyncProcess('goodJob', '${true}'), 'bad.bpmn': asyncProcess('badJob', '${noSuchBean.call()}') });
    expect(deployed.status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('logs a job’s creation and its successful execution', async () => {
    // given
    const instance = (await api.post('/process-definition/key/goodJob/start', {})).body.id;
    const job = await jobOf(instance);

    // when
    expect((await api.post(`/job/${job.id}/execute`, {})).status).toBe(204);

    // then
    const entries = await log(`processInstanceId=${instance}&sortBy=occurrence&sortOrder=asc`);
    expect(entries.map((entry) => [entry.creationLog, entry.successLog, entry.failureLog, entry.deletionLog])).toEqual([
      [true, false, false, false],
      [false, true, false, false],
    ]);
    const definitionId = (await api.get('/process-definition/key/goodJob')).body.id;
    expect(entries[0]).toMatchObject({
      jobId: job.id,
      jobRetries: 3,
      jobPriority: 0,
      activityId: 'work',
      executionId: expect.stringContaining(instance),
      processInstanceId: instance,
      processDefinitionId: definitionId,
      processDefinitionKey: 'goodJob',
      deploymentId: expect.any(String),
      jobDefinitionId: `${definitionId}#work#async-before`,
      jobDefinitionType: 'async-continuation',
      jobDefinitionConfiguration: 'async-before',
      failedActivityId: null,
      hostname: null,
    });
    expect(entries[0]!.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
  });

  it('logs each failure with its retries and message, which the stacktrace resource answers', async () => {
    // given
    const instance = (await api.post('/process-definition/key/badJob/start', {})).body.id;
    const job = await jobOf(instance);

    // when
    await api.post(`/job/${job.id}/execute`, {});
    await api.post(`/job/${job.id}/execute`, {});

    // then
    const failures = await log(`processInstanceId=${instance}&failureLog=true&sortBy=timestamp&sortOrder=asc`);
    // Camunda logs the retries a job had when its run failed (HistoricJobLogTest#testFailedJobEvents).
    expect(failures.map((entry) => entry.jobRetries)).toEqual([3, 2]);
    expect(failures[0]).toMatchObject({ failedActivityId: 'work', jobExceptionMessage: expect.stringContaining('noSuchBean') });
    const trace = await api.get(`/history/job-log/${failures[0]!.id}/stacktrace`);
    expect(trace.status).toBe(200);
    expect(trace.body).toContain('noSuchBean');
    // New retries given by hand are no failure.
    expect((await api.put(`/job/${job.id}/retries`, { retries: 1 })).status).toBe(204);
    expect(await log(`processInstanceId=${instance}&failureLog=true`)).toHaveLength(2);
    const [creation] = await log(`processInstanceId=${instance}&creationLog=true`);
    expect((await api.get(`/history/job-log/${creation!.id}/stacktrace`)).status).toBe(204);
  });

  it('logs the deletion of a job whose instance is deleted, and keeps the log', async () => {
    // given
    const instance = (await api.post('/process-definition/key/goodJob/start', {})).body.id;

    // when
    expect((await api.delete(`/process-instance/${instance}`)).status).toBe(204);

    // then
    expect(await log(`processInstanceId=${instance}&deletionLog=true`)).toEqual([expect.objectContaining({ deletionLog: true, activityId: 'work' })]);
  });

  it('filters, counts and sorts as Camunda’s query does, and answers Camunda’s errors', async () => {
    expect((await api.get('/history/job-log/count?processDefinitionKey=badJob&failureLog=true')).body).toEqual({ count: 2 });
    expect((await api.get('/history/job-log/count?successLog=true')).body).toEqual({ count: 1 });
    expect((await api.get('/history/job-log/count?activityIdIn=work&jobPriorityLowerThanOrEquals=0')).body.count).toBeGreaterThanOrEqual(6);
    expect((await api.get('/history/job-log/count?hostname=any')).body).toEqual({ count: 0 });
    expect((await api.post('/history/job-log/count', { failedActivityIdIn: ['work'] })).body).toEqual({ count: 2 });
    expect((await api.post('/history/job-log?maxResults=1', { sorting: [{ sortBy: 'jobRetries', sortOrder: 'asc' }] })).body).toEqual([expect.objectContaining({ jobRetries: 2 })]);
    expect(await api.get('/history/job-log/no-such-log')).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: 'Historic job log with id no-such-log does not exist' } });
    expect(await api.get('/history/job-log/no-such-log/stacktrace')).toMatchObject({ status: 404, body: { message: 'No historic job log found with id no-such-log: historicJobLog is null' } });
    expect((await api.get('/history/job-log?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
  });
});
