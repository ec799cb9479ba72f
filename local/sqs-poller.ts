import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | unknown>;

export interface PollerOptions {
  queueUrl: string;
  queueArn?: string;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  handler: SqsHandler;
  onError?: (error: unknown) => void;
}

/**
 * Lambda's SQS event source mapping, in process: receives up to `batchSize` records, hands them to
 * the handler as an SQS event, deletes the ones not reported in `batchItemFailures` (a thrown
 * handler fails the whole batch). Failed records reappear after the visibility timeout and move to
 * the dead-letter queue after maxReceiveCount, as in AWS.
 */
/** Lambda's event source mapping long-polls for up to 20 s; an idle runtime then costs next to nothing. */
const LONG_POLL_SECONDS = 20;
/** A receive that brings messages answers within milliseconds; one still open after this is waiting. */
const STOP_GRACE_MS = 250;

export class SqsPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends the long poll in flight when the poller stops, so stopping never waits for it. */
  private stopping = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly options: PollerOptions,
  ) {}

  start(): void {
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  /**
   * Lets a receive that is answering finish (what it brings is put back at once), and ends one that
   * is still waiting after a moment: an idle long poll holds nothing. At worst a message that reached
   * the queue in that same instant stays invisible for its visibility timeout: delayed, never lost.
   */
  async stop(): Promise<void> {
    this.running = false;
    const stopped = this.loop ?? Promise.resolve();
    const settled = await Promise.race([stopped.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS))]);
    if (!settled) {
      this.stopping.abort();
      await stopped;
    }
  }

  /**
   * The continuous loop, pipelined like Lambda's event source mapping, whose pollers receive the next
   * batch while the function handles the current one and delete handled records afterwards: one
   * receive and one delete run alongside the handler, so it never waits for either.
   */
  private async run(): Promise<void> {
    // Settled at once, so a receive that fails while the handler runs is never an unhandled rejection.
    const receiveAhead = () =>
      this.receive(LONG_POLL_SECONDS, this.stopping.signal).then(
        (messages) => ({ messages }),
        (error: unknown) => ({ error }),
      );
    let next = receiveAhead();
    let acknowledging: Promise<void> = Promise.resolve();
    for (;;) {
      const received = await next;
      if (!this.running) {
        // Stopped: what was received ahead goes back to the queue at once.
        if ('messages' in received) await this.release(received.messages);
        break;
      }
      if ('error' in received) {
        this.options.onError?.(received.error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        next = receiveAhead();
        continue;
      }
      next = receiveAhead();
      if (received.messages.length === 0) continue;
      const done = await this.handle(received.messages);
      await acknowledging;
      acknowledging = this.acknowledge(done).catch((error: unknown) => this.options.onError?.(error));
    }
    await acknowledging;
  }

  /** One receive-invoke-acknowledge round; returns how many records were delivered. */
  async pollOnce(waitSeconds = 0): Promise<number> {
    const messages = await this.receive(waitSeconds);
    if (messages.length === 0) return 0;
    await this.acknowledge(await this.handle(messages));
    return messages.length;
  }

  private async receive(waitSeconds: number, abortSignal?: AbortSignal): Promise<Message[]> {
    const received = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: this.options.batchSize,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
      { abortSignal },
    );
    return received.Messages ?? [];
  }

  /** Hands the messages to the handler as one SQS event; returns the records it did not report as failed. */
  private async handle(messages: Message[]): Promise<SQSRecord[]> {
    const records: SQSRecord[] = messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn ?? this.options.queueUrl,
      awsRegion: 'us-east-1',
    }));
    let failed = new Set<string>(records.map((r) => r.messageId));
    try {
      const response = (await this.options.handler({ Records: records })) as SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      this.options.onError?.(error);
    }
    return records.filter((r) => !failed.has(r.messageId));
  }

  private async acknowledge(done: SQSRecord[]): Promise<void> {
    if (done.length === 0) return;
    await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
  }

  /** Messages received ahead but not handled (the poller stopped): visible again at once, not after the timeout. */
  private async release(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }),
      );
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
