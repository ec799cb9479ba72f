import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/v4';

/**
 * An SQS worker: each record's body is validated against `schema` and handed to `work`; records
 * that throw are reported as batch item failures (SQS redelivers them, then dead-letters them) —
 * also when every record of the batch failed, so Lambda never counts a poison batch as a crash.
 */
export function sqsWorker<S extends z.ZodType>(schema: S, work: (message: z.infer<S>) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, async (record: SQSRecord) => {
      await work(schema.parse(JSON.parse(record.body)));
    }, processor, { throwOnFullBatchFailure: false });
}
