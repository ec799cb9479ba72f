import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError, isConditionalFailure, isTransactionConflict } from '../../shared/store/errors.ts';
import { BatchRepository } from '../../shared/store/batch-repository.ts';
import { InstanceRepository } from '../../shared/store/instance-repository.ts';
import { InstanceDriver, loadModel } from '../support/engine-harness.ts';

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing right then.
 * The emulator never produces that (it runs requests one after another), so the AWS error is faked
 * here, exactly as the SDK raises it.
 */
function cancelled(...codes: string[]) {
  return Object.assign(new Error(`Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

describe('write conflicts reported by DynamoDB', () => {
  it('tells a failed condition from a conflicting transaction', () => {
    expect(isConditionalFailure(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    expect(isTransactionConflict(cancelled('None', 'ConditionalCheckFailed'))).toBe(false);
    expect(isTransactionConflict(cancelled('TransactionConflict', 'None'))).toBe(true);
    expect(isConditionalFailure(cancelled('TransactionConflict', 'None'))).toBe(false);
    expect(isTransactionConflict(Object.assign(new Error('conflict'), { name: 'TransactionConflictException' }))).toBe(true);
    expect(isTransactionConflict(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }))).toBe(false);
  });

  it.each([
    ['its version condition failed', cancelled('ConditionalCheckFailed', 'None')],
    ['another transaction was writing one of its items', cancelled('None', 'TransactionConflict')],
  ])('reports an instance write as a lost race (retried by the caller) when %s', async (_case, error) => {
    // given a repository whose transaction is cancelled
    const doc = { send: async () => Promise.reject(error) } as unknown as DynamoDBDocumentClient;
    const repository = new InstanceRepository(doc, 'table', { shards: 4 });
    const driver = InstanceDriver.start(await loadModel('oneTaskProcess.bpmn20.xml'));

    // when / then
    await expect(repository.save({ state: driver.state, version: 3 }, driver.state, driver.model)).rejects.toBeInstanceOf(ConcurrentModificationError);
  });

  it('passes every other failure on unchanged', async () => {
    const throttled = Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' });
    const doc = { send: async () => Promise.reject(throttled) } as unknown as DynamoDBDocumentClient;
    const driver = InstanceDriver.start(await loadModel('oneTaskProcess.bpmn20.xml'));
    await expect(new InstanceRepository(doc, 'table', { shards: 4 }).save({ state: driver.state, version: 3 }, driver.state, driver.model)).rejects.toBe(throttled);
  });
});

describe('a batch completion count that meets a seed transaction on the batch item', () => {
  const conflict = () => Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });

  it('is sent again (it was not applied) and counts once', async () => {
    // given DynamoDB answering the first update with the conflict the SDK does not retry
    const sent: unknown[] = [];
    const doc = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        if (sent.length === 1) throw conflict();
        return { Attributes: { executionStartTime: 5, jobsCompleted: 10 } };
      },
    } as unknown as DynamoDBDocumentClient;

    // when / then
    await expect(new BatchRepository(doc, 'table', { shards: 4 }).recordCompletions('b1', 10, 5)).resolves.toEqual({ executionStartTime: 5, jobsCompleted: 10 });
    expect(sent).toHaveLength(2);
  });

  it('gives up after a few tries, failing the run so SQS delivers its records again', async () => {
    let sends = 0;
    const doc = {
      send: async () => {
        sends++;
        throw conflict();
      },
    } as unknown as DynamoDBDocumentClient;
    await expect(new BatchRepository(doc, 'table', { shards: 4 }).recordCompletions('b1', 10, 5)).rejects.toMatchObject({ name: 'TransactionConflictException' });
    expect(sends).toBe(5);
  });
});
