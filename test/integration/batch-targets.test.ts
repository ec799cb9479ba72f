import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { createBatch, historicBatchOf, planSeed, seedChunkNumbers } from '../../shared/batch/batch.ts';
import { batchKeys } from '../../shared/store/batch-repository.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { startTestRuntime } from '../support/runtime.ts';

/** A batch over these ids, as the API creates it (nothing else is read from the table here). */
function newBatch(name: string, ids: string[]) {
  return createBatch({
    id: `${name}-${randomUUID()}`,
    jobDefinitionIds: ['s', 'm', 'e'],
    configuration: { processDefinitionId: 'p:1', processInstanceIds: ids, instructions: [{ type: 'cancel', activityId: 'a' }], skipCustomListeners: false, skipIoMappings: false },
    tenantId: null,
    createUserId: null,
    now: Date.now(),
    settings: { batchJobsPerSeed: 100, invocationsPerBatchJob: 1 },
    singleInstance: false,
  });
}

/** A batch's process instance ids live in chunk items beside it, written, read and removed with it. */
describe('the instance ids of a large batch in the table', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('keeps the ids of a small batch on the batch item: one item beside the history, removed with it', async () => {
    const repository = runtime.services.batches.repository;
    const ids = ['pi-1', 'pi-2', 'pi-3'];
    const batch = newBatch('small', ids);
    await repository.create(batch, historicBatchOf(batch), ids);
    const doc = createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    const partition = async () =>
      (await doc.send(new QueryCommand({ TableName: runtime.config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `BATCH#${batch.id}` } }))).Items ?? [];
    expect((await partition()).map((item) => [item.sk, item.targetIds])).toEqual([['BATCH', ids]]);
    const stored = (await repository.get(batch.id))!;
    expect((await repository.targets(stored, seedChunkNumbers(stored))).ids).toEqual(ids);
    await repository.remove(stored, Date.now(), true);
    expect(await partition()).toEqual([]);
  });

  it('stores 2,500 ids in three chunks, seeds across a chunk border from them, and removes them with the batch', async () => {
    // given a batch over 2,500 ids, written as the API writes it
    const repository = runtime.services.batches.repository;
    const ids = Array.from({ length: 2_500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const batch = newBatch('large', ids);
    await repository.create(batch, historicBatchOf(batch), ids);
    const doc = createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    const table = runtime.config.tableName;

    // then the batch item holds no ids, and three chunk items do
    const { Item: stored } = await doc.send(new GetCommand({ TableName: table, Key: batchKeys.batch(batch.id) }));
    expect(stored?.configuration).toEqual(batch.configuration);
    expect(JSON.stringify(stored).length).toBeLessThan(2_000);
    const partition = async () => (await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `BATCH#${batch.id}` } }))).Items ?? [];
    expect((await partition()).map((item) => item.sk)).toEqual(['BATCH', 'TARGETS#000000', 'TARGETS#000001', 'TARGETS#000002']);

    // when a seed run straddles the first chunk border
    const seeded = { ...(await repository.get(batch.id))!, jobsCreated: 950 };
    const plan = planSeed(seeded, await repository.targets(seeded, seedChunkNumbers(seeded)), Date.now(), 3);

    // then its jobs get the ids at their positions
    expect(plan.jobs.map((job) => job.processInstanceIds[0])).toEqual(ids.slice(950, 1_050));

    // when the batch is removed
    await repository.remove(seeded, Date.now(), true);

    // then its ids are gone with it
    expect(await partition()).toEqual([]);
  });
});
