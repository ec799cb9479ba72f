import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { drain, stopAll } from '../support/batch-driving.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { needsVariableModel } from './inline-bpmn.ts';

type Json = Record<string, any>;

/**
 * The batch failure report and skipEndedInstances (extensions, docs/api.md): which instances of a
 * batch failed and why, which ended before their job and were skipped, and the counts of both in
 * the batch statistics.
 */
describe('the batch failure report', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;

  const start = async () => (await api.post('/process-definition/key/p1/start', {})).body.id as string;
  const failures = async (batchId: string, query = '') => {
    const response = await api.get(`/batch/${batchId}/failures${query}`);
    expect(response.status).toBe(200);
    return response.body as Json[];
  };
  const statistics = async (batchId: string) => (await api.get(`/batch/statistics?batchId=${batchId}`)).body[0] as Json;
  /** Starts user2: fails on an instance without the variable `needed`. */
  const startUser2 = { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] };

  beforeAll(async () => {
    // Workers off: the tests drive the batches, so an instance can end between creation and run.
    runtime = await startTestRuntime({ startWorkers: false, config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': needsVariableModel('p1') })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/p1')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('reports the instance that failed, skips the one that ended, and counts both in the statistics', async () => {
    // given an instance with the variable (modifiable), one without (its job fails), one that ends after the batch is created
    const withVariable = (await api.post('/process-definition/key/p1/start', { variables: { needed: { value: 'yes', type: 'String' } } })).body.id as string;
    const without = await start();
    const ending = await start();
    const created = await api.post('/modification/executeAsync', { processDefinitionId: definitionId, processInstanceIds: [withVariable, without, ending], ...startUser2, skipEndedInstances: true });
    expect(created.status).toBe(200);
    const batch = created.body as Json;
    expect((await api.delete(`/process-instance/${ending}`)).status).toBe(204);

    // when the batch has run (its failing job out of retries)
    await drain(runtime);
    const report = await failures(batch.id);
    expect(report.length).toBe(2);

    // then
    const byInstance = Object.fromEntries(report.map((entry) => [entry.processInstanceId, entry]));
    expect(byInstance[without]).toMatchObject({
      elementId: without,
      outcome: 'failed',
      jobId: expect.any(String),
      retriesLeft: 0,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      exceptionMessage: expect.stringContaining('needed'),
    });
    expect(byInstance[ending]).toMatchObject({ outcome: 'skipped', retriesLeft: 0, exceptionMessage: expect.stringContaining('ENGINE-13036') });
    expect(byInstance[withVariable]).toBeUndefined();
    expect(await statistics(batch.id)).toMatchObject({ failedJobs: 1, instancesModified: 1, instancesSkipped: 1, instancesFailed: 1 });
    // the failing instance's job is the one the report names
    const [failedJob] = (await api.get(`/job?jobDefinitionId=${batch.batchJobDefinitionId}`)).body as Json[];
    expect(failedJob!.id).toBe(byInstance[without]!.jobId);
    // paged
    expect((await failures(batch.id, '?firstResult=1&maxResults=1')).length).toBe(1);

    // when the failure is mended and the job given retries again
    expect((await api.put(`/process-instance/${without}/variables/needed`, { value: 'now', type: 'String' })).status).toBe(204);
    expect((await api.put(`/job/${failedJob!.id}/retries`, { retries: 1 })).status).toBe(204);

    // then the batch completes, its failure cleared and its skip kept in the history
    await drain(runtime);
    await eventually(async () => {
      await drain(runtime);
      return (await api.get(`/batch/${batch.id}`)).status === 404;
    }, 30_000);
    const historic = await api.get(`/history/batch/${batch.id}/failures`);
    expect(historic.status).toBe(200);
    expect(historic.body.map((entry: Json) => [entry.processInstanceId, entry.outcome])).toEqual([[ending, 'skipped']]);

    // and it goes with the batch's history
    expect((await api.delete(`/history/batch/${batch.id}`)).status).toBe(204);
    expect((await api.get(`/history/batch/${batch.id}/failures`)).status).toBe(404);
  });

  it('fails the job of an instance that ended when the batch does not skip them, and reports it', async () => {
    // given
    const ending = await start();
    const created = await api.post(`/process-instance/${ending}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });
    expect(created.status).toBe(200);
    expect((await api.delete(`/process-instance/${ending}`)).status).toBe(204);

    // when
    await drain(runtime);

    // then
    expect(await failures(created.body.id)).toEqual([
      expect.objectContaining({ processInstanceId: ending, outcome: 'failed', retriesLeft: 0, exceptionMessage: expect.stringContaining('ENGINE-13036') }),
    ]);
    expect(await statistics(created.body.id)).toMatchObject({ failedJobs: 1, instancesModified: 0, instancesSkipped: 0, instancesFailed: 1 });
    expect((await api.delete(`/batch/${created.body.id}?cascade=true`)).status).toBe(204);
  });

  it('answers an unknown batch with 404 and bad paging with 400', async () => {
    expect(await api.get('/batch/no-such-batch/failures')).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: "Batch with id 'no-such-batch' does not exist" } });
    expect(await api.get('/history/batch/no-such-batch/failures')).toMatchObject({ status: 404, body: { message: "Historic batch with id 'no-such-batch' does not exist" } });
    expect((await api.get('/batch/no-such-batch/failures?maxResults=many')).status).toBe(400);
  });
});
