import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { withCorrelationId } from '../observability/correlation.ts';
import { log } from '../observability/logger.ts';
import { count, METRIC } from '../observability/metrics.ts';

/**
 * An SQS worker: each record's body is validated against `schema` and handed to `work` under the
 * message's correlation id (the id of the API request that caused it; the record's message id when
 * it has none). Each record is logged once: `record handled` at info, or `record failed` at error
 * with the error and its cause. Records that throw are reported as batch item failures (SQS
 * redelivers them, then dead-letters them) — also when every record of the batch failed, so Lambda
 * never counts a poison batch as a crash.
 */
export function sqsWorker<S extends z.ZodMiniType>(worker: string, schema: S, work: (message: z.infer<S>) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, (record: SQSRecord) => handleRecord(worker, record, schema, work), processor, { throwOnFullBatchFailure: false });
}

async function handleRecord<S extends z.ZodMiniType>(worker: string, record: SQSRecord, schema: S, work: (message: z.infer<S>) => Promise<unknown>): Promise<void> {
  const body = parseJson(record.body);
  const correlationId = correlationIdOf(body) ?? record.messageId;
  const context = { correlationId, worker, messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
  await withCorrelationId(correlationId, async () => {
    try {
      if (body instanceof Error) throw body;
      const outcome = await work(schema.parse(body));
      log.info('record handled', { ...context, body, outcome });
    } catch (error) {
      count(METRIC.recordsFailed);
      log.error('record failed', { ...context, error });
      throw error;
    }
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
}

function correlationIdOf(body: unknown): string | undefined {
  const id = typeof body === 'object' && body !== null ? (body as { correlationId?: unknown }).correlationId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
