import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmAbove } from './alarm.ts';
import type { QueueDefinition } from '../../shared/infrastructure/resources.ts';

export interface WorkQueueProps {
  definition: QueueDefinition;
  queueName: string;
  alarmTopic: sns.ITopic;
}

/**
 * A queue with its dead-letter queue, encryption, SSL-only access and the alarms an operator needs:
 * anything in the DLQ, and a message waiting too long.
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  private readonly definition: QueueDefinition;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.definition = props.definition;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.queueName}-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: props.queueName,
      visibilityTimeout: Duration.seconds(props.definition.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.definition.maxReceiveCount },
    });
    alarmAbove(
      this,
      'DeadLetterAlarm',
      {
        description: `A message landed in ${props.queueName}-dlq: a worker failed it ${props.definition.maxReceiveCount} times`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
      },
      props.alarmTopic,
    );
    alarmAbove(
      this,
      'AgeAlarm',
      {
        description: `The oldest message in ${props.queueName} waits longer than 10 minutes`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
        threshold: 600,
        evaluationPeriods: 5,
      },
      props.alarmTopic,
    );
  }

  /**
   * Makes `fn` this queue's consumer: partial batch responses, the definition's batch size, and a
   * short batching window so a lone message is not held back.
   */
  consumeWith(fn: lambda.IFunction, options: { maxConcurrency?: number } = {}): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.definition.batchSize,
        maxBatchingWindow: this.definition.batchSize > 1 ? Duration.seconds(1) : undefined,
        reportBatchItemFailures: true,
        maxConcurrency: options.maxConcurrency,
      }),
    );
  }
}
