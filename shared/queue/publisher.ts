import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { reportServiceFailures } from '../aws/service-failure.ts';
import { currentCorrelationId } from '../observability/correlation.ts';
import { tracer } from '../observability/tracer.ts';
import type { AwsConnection } from '../aws/connection.ts';

/** Sends JSON messages, several in batches of ten (SQS's limit); throws if any was not accepted. */
export class QueuePublisher {
  private readonly sqs: SQSClient;

  constructor(connection: AwsConnection, sqs?: SQSClient) {
    this.sqs = sqs ?? tracer.captureAWSv3Client(reportServiceFailures('SQS', new SQSClient({ region: connection.region, endpoint: connection.endpoint, maxAttempts: 3 })));
  }

  /** Sends the bodies; each message object without a correlation id gets the current one (see correlation.ts). */
  async send(queueUrl: string, messages: readonly unknown[], delaySeconds = 0): Promise<void> {
    const bodies = stampCorrelationId(messages);
    if (bodies.length === 1) {
      // One message: the plain call is the smaller request (and a failure is simply thrown).
      await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(bodies[0]), DelaySeconds: delaySeconds }));
      return;
    }
    for (let i = 0; i < bodies.length; i += 10) {
      const chunk = bodies.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: JSON.stringify(body), DelaySeconds: delaySeconds })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        throw new Error(`SQS refused ${result.Failed.length} message(s): ${result.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
      }
    }
  }
}

function stampCorrelationId(messages: readonly unknown[]): readonly unknown[] {
  const correlationId = currentCorrelationId();
  if (correlationId === undefined) return messages;
  return messages.map((m) => (typeof m === 'object' && m !== null && !Array.isArray(m) && !('correlationId' in m) ? { ...m, correlationId } : m));
}
