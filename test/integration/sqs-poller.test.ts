import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmulator } from '../../local/emulator.ts';
import { SqsPoller } from '../../local/sqs-poller.ts';
import { eventually } from '../support/runtime.ts';

/** The local runtime's stand-in for Lambda's event source mapping, on a real (emulated) queue. */
describe('the local SQS poller', () => {
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    const emulator = await ensureEmulator();
    sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: emulator.endpoint });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `poller-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  });
  afterAll(async () => {
    await sqs?.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    sqs?.destroy();
  });

  async function send(bodies: string[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((MessageBody, id) => ({ Id: String(id), MessageBody })) }));
    }
  }

  async function queued(): Promise<number> {
    const { visible, inFlight } = await counts();
    return visible + inFlight;
  }

  async function counts(): Promise<{ visible: number; inFlight: number }> {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return { visible: Number(Attributes?.ApproximateNumberOfMessages), inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible) };
  }

  it('hands every message to the handler once, in events of up to batchSize records, receiving ahead while it works', async () => {
    // given 45 messages and a handler that takes a while per event
    const bodies = Array.from({ length: 45 }, (_, i) => `m${i}`);
    await send(bodies);
    const handled: string[] = [];
    const sizes: number[] = [];
    const poller = new SqsPoller(sqs, {
      queueUrl,
      batchSize: 10,
      visibilityTimeoutSeconds: 30,
      handler: async (event: SQSEvent) => {
        sizes.push(event.Records.length);
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    });

    // when
    poller.start();
    await eventually(async () => handled.length >= 45);
    await poller.stop();

    // then
    expect([...handled].sort()).toEqual([...bodies].sort());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(await queued()).toBe(0);
  });

  it('puts back what it received ahead when it stops, visible at once rather than after the visibility timeout', async () => {
    // given a handler that stops the poller during its first event
    await send(Array.from({ length: 30 }, (_, i) => `s${i}`));
    let events = 0;
    let stopping: Promise<void> | undefined;
    const poller: SqsPoller = new SqsPoller(sqs, {
      queueUrl,
      batchSize: 10,
      visibilityTimeoutSeconds: 60,
      handler: async () => {
        events += 1;
        stopping ??= poller.stop();
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { batchItemFailures: [] };
      },
    });

    // when
    poller.start();
    await eventually(async () => events > 0);
    await stopping;

    // then one event was handled and acknowledged, and the other 20 messages are all visible again
    expect(events).toBe(1);
    expect(await counts()).toEqual({ visible: 20, inFlight: 0 });
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(again.Messages).toHaveLength(10);
  });
});
