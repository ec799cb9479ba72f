import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startInstances } from '../support/instances.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';

/**
 * Batch statistics are consistent at every moment (issue #19): while seed runs create jobs, jobs
 * complete and the workers are restarted, no sample of GET /batch/statistics may count a job twice
 * (completedJobs below 0, remainingJobs above totalJobs) or lose one (completed + remaining ≠ total).
 */
describe('batch statistics while a batch runs', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    // Five jobs per seed run: fifty seed transactions for 250 instances.
    runtime = await startTestRuntime({ config: { batchJobsPerSeed: 5, invocationsPerBatchJob: 1, batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'stats.bpmn': userTaskChain('statsProcess', ['first', 'second']) })).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('never counts a job twice or loses one in any sample, through seeding, execution and a restart of the workers', async () => {
    // given 250 instances (enough for a dozen samples while the batch runs) and a batch over them
    const ids = await startInstances(api, 'statsProcess', 250);
    const definitionId = (await api.get(`/process-instance/${ids[0]}`)).body.definitionId;
    const created = await api.post('/modification/executeAsync', { processInstanceIds: ids, processDefinitionId: definitionId, instructions: [{ type: 'startBeforeActivity', activityId: 'second' }] });
    expect(created.status).toBe(200);
    const batchId = created.body.id as string;

    // when the statistics are sampled without pause until the batch is gone, the workers restarted once on the way
    const samples: { remainingJobs: number; completedJobs: number; failedJobs: number; totalJobs: number }[] = [];
    let restarted = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const stats = ((await api.get('/batch/statistics')).body as { id: string }[]).find((s) => s.id === batchId) as (typeof samples)[number] | undefined;
      if (!stats) {
        if (samples.length > 0) break;
        continue;
      }
      samples.push(stats);
      if (!restarted && stats.completedJobs > 20) {
        restarted = true;
        await Promise.all(Object.values(runtime.pollers).map((p) => p.stop()));
        for (const poller of Object.values(runtime.pollers)) poller.start();
      }
    }

    // then every sample adds up
    expect(restarted).toBe(true);
    expect(samples.length).toBeGreaterThan(10);
    for (const s of samples) {
      expect(s.completedJobs, JSON.stringify(s)).toBeGreaterThanOrEqual(0);
      expect(s.remainingJobs, JSON.stringify(s)).toBeLessThanOrEqual(s.totalJobs);
      expect(s.completedJobs + s.remainingJobs, JSON.stringify(s)).toBe(s.totalJobs);
      expect(s.failedJobs, JSON.stringify(s)).toBe(0);
    }
    // and the batch finished with every instance modified once
    expect((await api.get(`/batch/${batchId}`)).status).toBe(404);
    expect((await api.get('/task/count?taskDefinitionKey=second&processDefinitionKey=statsProcess')).body).toEqual({ count: 250 });
  }, 60_000);
});
