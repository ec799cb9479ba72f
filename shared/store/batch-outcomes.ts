/**
 * The per-element outcomes of a batch that did not simply succeed (an extension beside Camunda's
 * API, docs/api.md "Batch failure report"): each element whose job failed, with the failure's
 * message, its job and the retries left, and each element passed by because its instance had
 * ended (`skipEndedInstances`), and each element a validation batch found the modification would
 * fail on. One item per element under the batch's partition, so the report
 * is one paged query; it outlives the runtime batch and goes with its history.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteKeys } from './delete-keys.ts';
import { queryAllPages } from './paging.ts';

const keysOf = {
  partition: (batchId: string) => `BOUT#${batchId}`,
  item: (batchId: string, elementId: string) => ({ pk: `BOUT#${batchId}`, sk: `EL#${elementId}` }),
};

export interface BatchElementOutcome {
  batchId: string;
  /** The process instance (for job and external task retries, the job or task) the outcome is of. */
  elementId: string;
  /** failed: its job failed; skipped: its instance had ended (skipEndedInstances); invalid: a validation batch found it would fail. */
  outcome: 'failed' | 'skipped' | 'invalid';
  jobId: string;
  message: string;
  time: number;
  /** The job's retries after the failure (0: it stays failed until given retries); 0 for a skip. */
  retriesLeft: number;
}

export class BatchOutcomeRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Keeps an element's latest failure (a later failure of the same element replaces the earlier). */
  async record(outcome: BatchElementOutcome): Promise<void> {
    await this.doc.send(new PutCommand(this.recordAction(outcome).Put));
  }

  /** The Put of an outcome that joins another write (a skip, with the job's progress). */
  recordAction(outcome: BatchElementOutcome) {
    return { Put: { TableName: this.tableName, Item: { ...keysOf.item(outcome.batchId, outcome.elementId), kind: 'batchOutcome', ...outcome } } };
  }

  /** The Delete that clears an element's failure once a retry succeeded for it (joins that write). */
  clearAction(batchId: string, elementId: string): Record<string, unknown> {
    return { Delete: { TableName: this.tableName, Key: keysOf.item(batchId, elementId) } };
  }

  /** A batch's outcomes in element order. */
  async list(batchId: string): Promise<BatchElementOutcome[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keysOf.partition(batchId) },
    });
    return items.map(({ pk: _pk, sk: _sk, kind: _kind, ...outcome }) => outcome as unknown as BatchElementOutcome);
  }

  /** How many of a batch's elements failed (or were found invalid) and were skipped (for its statistics). */
  async counts(batchId: string): Promise<{ failed: number; invalid: number; skipped: number }> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keysOf.partition(batchId) },
      ProjectionExpression: 'outcome',
    });
    const counted = (outcome: BatchElementOutcome['outcome']) => items.filter((item) => item.outcome === outcome).length;
    return { failed: counted('failed'), invalid: counted('invalid'), skipped: counted('skipped') };
  }

  /** Removes a batch's report (its history is deleted). */
  async deleteOf(batchId: string): Promise<void> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keysOf.partition(batchId) },
      ProjectionExpression: 'pk, sk',
    });
    await deleteKeys(
      this.doc,
      this.tableName,
      items.map((item) => ({ pk: item.pk, sk: item.sk })),
    );
  }
}
