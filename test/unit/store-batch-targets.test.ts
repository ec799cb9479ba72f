import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TARGET_CHUNK_SIZE } from '../../shared/batch/batch.ts';
import { BatchRepository } from '../../shared/store/batch-repository.ts';

describe("a batch's instance-id chunks", () => {
  it('are read once per container: every later seed run of the batch takes its ids from memory (a chunk never changes)', async () => {
    // given a store holding two chunks of a batch's ids
    const reads: string[] = [];
    const doc = {
      send: async (command: { input: { Key: { sk: string } } }) => {
        reads.push(command.input.Key.sk);
        const n = Number(command.input.Key.sk.slice('TARGETS#'.length));
        return { Item: { ids: Array.from({ length: TARGET_CHUNK_SIZE }, (_, i) => `pi-${n}-${i}`) } };
      },
    } as unknown as DynamoDBDocumentClient;
    const repository = new BatchRepository(doc, 'table', { shards: 4 });
    const batch = { id: 'b1', targetIds: undefined };

    // when ten seed runs read the first chunk and one reads across the border into the second
    for (let run = 0; run < 10; run++) expect((await repository.targets(batch, [0])).ids[run * 100]).toBe(`pi-0-${run * 100}`);
    const across = await repository.targets(batch, [0, 1]);

    // then each chunk was read once, and the ids are the stored ones, in order
    expect(reads).toEqual(['TARGETS#000000', 'TARGETS#000001']);
    expect(across).toMatchObject({ offset: 0 });
    expect(across.ids[TARGET_CHUNK_SIZE]).toBe('pi-1-0');
  });
});
