import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { reportServiceFailures } from '../aws/service-failure.ts';
import type { AwsConnection } from '../aws/connection.ts';

/** Sends JSON messages, several in batches of ten (SQS's limit); throws if any was not accepted. */
export class QueuePublisher {
  private readonly sqs: SQSClient;

  constructor(connection: AwsConnection, sqs?: SQSClient) {
    this.sqs = sqs ?? reportServiceFailures('SQS', new SQSClient({ region: connection.region, endpoint: connection.endpoint, maxAttempts: 3 }));
  }

  async send(queueUrl: string, bodies: readonly unknown[], delaySeconds = 0): Promise<void> {
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
