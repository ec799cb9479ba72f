import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface RedriveOptions {
  /** The dead-letter queue. */
  from: string;
  /** The queue whose worker failed the messages. */
  to: string;
  /** List what would move, move nothing. */
  dryRun: boolean;
  /** Stop after this many messages. */
  max?: number;
}

export interface RedriveResult {
  /** The messages seen (dry run) or moved, in the order they were received. */
  messages: { messageId: string; body: string; receiveCount: number }[];
}

/**
 * Moves dead-lettered messages back to the queue they came from, ten at a time: each batch is sent
 * to the source queue first and deleted from the dead-letter queue only after SQS accepted it, so a
 * crash in between at worst delivers a message twice — which every worker of the engine tolerates
 * (its effects are exactly once). A dry run receives every message, lists it, and then makes them all
 * visible again. docs/operations.md, "Dead letters".
 */
export async function redriveDeadLetters(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  const messages: RedriveResult['messages'] = [];
  const held: Message[] = [];
  const max = options.max ?? Number.POSITIVE_INFINITY;
  try {
    while (messages.length < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.from,
          MaxNumberOfMessages: Math.min(10, max - messages.length),
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      if (Messages.length === 0) break;
      messages.push(...Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body ?? '', receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) })));
      if (options.dryRun) {
        held.push(...Messages); // kept invisible until the listing is complete, so none is listed twice
        continue;
      }
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: options.to, Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })) }));
      if (sent.Failed && sent.Failed.length > 0) throw new Error(`SQS refused ${sent.Failed.length} re-driven message(s): ${sent.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.from, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  } finally {
    for (let i = 0; i < held.length; i += 10) await release(sqs, options.from, held.slice(i, i + 10));
  }
  return { messages };
}

async function release(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }));
}
