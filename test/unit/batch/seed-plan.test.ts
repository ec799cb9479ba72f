import { describe, expect, it } from 'vitest';
import { type Batch, createBatch, planSeed, seedChunkNumbers, TARGET_CHUNK_SIZE, type TargetWindow, targetChunks } from '../../../shared/batch/batch.ts';

const ids = (count: number) => Array.from({ length: count }, (_, i) => `pi-${i}`);

function batchOf(count: number, settings: { batchJobsPerSeed: number; invocationsPerBatchJob: number }): Batch {
  return createBatch({
    id: 'b',
    jobDefinitionIds: ['seed', 'monitor', 'execution'],
    configuration: { processDefinitionId: 'p:1', processInstanceIds: ids(count), instructions: [{ type: 'cancel', activityId: 'a' }], skipCustomListeners: false, skipIoMappings: false },
    tenantId: null,
    createUserId: null,
    now: 0,
    settings,
    singleInstance: false,
  });
}

/** The window a seed run loads: the ids on the batch, or the stored chunks it names, concatenated. */
function windowFor(batch: Batch, all: string[]): TargetWindow {
  if (batch.targetIds) return { offset: 0, ids: batch.targetIds };
  const chunks = targetChunks(all);
  const numbers = seedChunkNumbers(batch);
  return { offset: (numbers[0] ?? 0) * TARGET_CHUNK_SIZE, ids: numbers.flatMap((n) => chunks[n]!) };
}

describe('seeding from instance ids stored in chunks', () => {
  it('keeps the ids out of the batch itself and counts them', () => {
    const batch = batchOf(2_500, { batchJobsPerSeed: 100, invocationsPerBatchJob: 1 });
    expect(batch.configuration).not.toHaveProperty('processInstanceIds');
    expect(batch).toMatchObject({ targetCount: 2_500, totalJobs: 2_500 });
    expect(batch).not.toHaveProperty('targetIds');
    expect(targetChunks(ids(2_500)).map((c) => c.length)).toEqual([1_000, 1_000, 500]);
  });

  it.each([
    [2_500, 100, 1],
    [2_500, 100, 7],
    [2_001, 300, 3],
    [999, 1_000, 1],
    [100, 7, 3],
  ])('creates every job with exactly its ids, seed run after seed run (%i ids, %i jobs per seed, %i per job)', (count, batchJobsPerSeed, invocationsPerBatchJob) => {
    // given
    const all = ids(count);
    let batch = batchOf(count, { batchJobsPerSeed, invocationsPerBatchJob });
    const seen: string[] = [];

    // when every seed run plans from the chunks it names
    for (let run = 0; batch.jobsCreated < batch.totalJobs; run++) {
      const plan = planSeed(batch, windowFor(batch, all), 0, 3);
      for (const job of plan.jobs) {
        // then each job holds the ids at its own positions
        expect(job.processInstanceIds).toEqual(all.slice(job.index * invocationsPerBatchJob, (job.index + 1) * invocationsPerBatchJob));
        seen.push(...job.processInstanceIds);
      }
      batch = { ...batch, jobsCreated: plan.jobsCreated };
      expect(plan.more).toBe(batch.jobsCreated < batch.totalJobs);
      expect(run).toBeLessThan(100);
    }

    // and all ids were handed out once, in order
    expect(seen).toEqual(all);
  });

  it('keeps up to 100 ids on the batch itself, which then needs no chunk', () => {
    const small = batchOf(100, { batchJobsPerSeed: 10, invocationsPerBatchJob: 1 });
    expect(small.targetIds).toEqual(ids(100));
    expect(seedChunkNumbers(small)).toEqual([]);
    expect(batchOf(101, { batchJobsPerSeed: 10, invocationsPerBatchJob: 1 })).not.toHaveProperty('targetIds');
  });

  it('names the two chunks a seed run straddles, and refuses a window that misses ids', () => {
    const all = ids(2_500);
    const batch = { ...batchOf(2_500, { batchJobsPerSeed: 100, invocationsPerBatchJob: 1 }), jobsCreated: 950 };
    expect(seedChunkNumbers(batch)).toEqual([0, 1]);
    expect(() => planSeed(batch, { offset: 1_000, ids: targetChunks(all)[1]! }, 0, 3)).toThrow(/ids 950\.\.951 of batch 'b' were not loaded/);
  });
});
