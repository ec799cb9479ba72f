import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { createBatchExecuteHandler } from '../../functions/batch-execute/handler.ts';
import { createBatchMonitorHandler } from '../../functions/batch-monitor/handler.ts';
import { createBatchSeedHandler } from '../../functions/batch-seed/handler.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { SqsPoller } from '../../local/sqs-poller.ts';
import { eventually, type restClient } from './runtime.ts';

/** Helpers the batch e2e tests share: hand-driven workers and batch lookups over REST. */

export type Api = ReturnType<typeof restClient>;
export type Json = Record<string, any>;
export type Queue = 'seed' | 'execute' | 'monitor';

export async function jobsOf(api: Api, batch: Json): Promise<Json[]> {
  const response = await api.get(`/job?jobDefinitionId=${batch.batchJobDefinitionId}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Json[];
}

/** Waits until the monitor removed the batch; returns its historic batch. */
export async function completed(api: Api, batchId: string): Promise<Json> {
  await eventually(async () => (await api.get(`/batch/${batchId}`)).status === 404);
  const historic = await api.get(`/history/batch/${batchId}`);
  expect(historic.status).toBe(200);
  return historic.body as Json;
}

/** Hand-driven workers like the runtime's pollers, but one record per delivery: each message's effect can be followed on its own. */
const sequential = new Map<LocalRuntime, { sqs: SQSClient; pollers: Record<Queue, SqsPoller> }>();
export function sequentialPollers(runtime: LocalRuntime): Record<Queue, SqsPoller> {
  let entry = sequential.get(runtime);
  if (!entry) {
    const sqs = new SQSClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    const poller = (queueUrl: string, handler: (event: SQSEvent) => Promise<unknown>) => new SqsPoller(sqs, { queueUrl, batchSize: 1, visibilityTimeoutSeconds: 5, handler });
    const batches = runtime.services.batches;
    entry = {
      sqs,
      pollers: {
        seed: poller(runtime.resources.seedQueue.url, createBatchSeedHandler(batches)),
        execute: poller(runtime.resources.executeQueue.url, createBatchExecuteHandler(batches)),
        monitor: poller(runtime.resources.monitorQueue.url, createBatchMonitorHandler(batches)),
      },
    };
    sequential.set(runtime, entry);
  }
  return entry.pollers;
}

/** Runs the given queues by hand until none of them delivers anything. */
export async function drain(runtime: LocalRuntime, queues: Queue[] = ['seed', 'execute', 'monitor'], options: { parallel?: boolean } = {}): Promise<void> {
  // The runtime's own pollers hand up to ten records to one handler run, processed in parallel.
  const pollers = options.parallel ? runtime.pollers : sequentialPollers(runtime);
  for (let round = 0; round < 500; round++) {
    let delivered = 0;
    for (const queue of queues) delivered += await pollers[queue].pollOnce();
    if (delivered === 0) return;
  }
  throw new Error(`queues ${queues.join(', ')} did not drain`);
}

export async function stopAll(...runtimes: (LocalRuntime | undefined)[]): Promise<void> {
  await Promise.all(runtimes.map((r) => r?.stop()));
  for (const r of runtimes) {
    if (!r) continue;
    sequential.get(r)?.sqs.destroy();
    sequential.delete(r);
  }
}

/** One seed run of this batch (seed messages of other batches are consumed on the way); returns jobsCreated. */
export async function seedOnce(runtime: LocalRuntime, api: Api, batchId: string): Promise<number> {
  const before = (await api.get(`/batch/${batchId}`)).body.jobsCreated as number;
  return eventually(async () => {
    await runtime.pollers.seed.pollOnce();
    const now = (await api.get(`/batch/${batchId}`)).body.jobsCreated as number;
    return now > before ? now : undefined;
  });
}

/** Polls the monitor queue until the batch is completed (monitor messages of other batches may come first). */
export async function monitorUntilCompleted(runtime: LocalRuntime, api: Api, batchId: string): Promise<Json> {
  await eventually(async () => {
    await runtime.pollers.monitor.pollOnce();
    return (await api.get(`/batch/${batchId}`)).status === 404;
  });
  return (await api.get(`/history/batch/${batchId}`)).body as Json;
}

/** Every message currently visible in the queue, made invisible for `visibilitySeconds`. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, visibilitySeconds = 30): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: visibilitySeconds, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    if (messages.length === 0) return all;
    all.push(...messages);
  }
}

/** The event Lambda's SQS event source mapping would hand over for these messages. */
export function eventOf(messages: Message[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1', SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
      awsRegion: 'us-east-1',
    })),
  };
}

export async function acknowledge(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}
