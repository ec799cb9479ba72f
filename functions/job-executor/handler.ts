import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withCorrelationId } from '../../shared/observability/correlation.ts';
import { observed } from '../../shared/observability/lambda-handler.ts';
import { JobMessage } from '../../shared/queue/job-messages.ts';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';

/** EventBridge's scheduled event: the periodic trigger that makes due timers run. */
export interface ScheduledEvent {
  'detail-type'?: string;
  source?: string;
}

function isSqsEvent(event: SQSEvent | ScheduledEvent): event is SQSEvent {
  return Array.isArray((event as SQSEvent).Records);
}

/**
 * The job executor: SQS records each run one job (partial batch failures leave failed records for
 * redelivery); the scheduled trigger sweeps due jobs into the queue, under its invocation's id.
 */
export function createJobExecutorHandler(service: EngineService) {
  const worker = sqsWorker('job-executor', JobMessage, (message) => service.runJob(message));
  return observed(
    async (event: SQSEvent | ScheduledEvent, context: Context): Promise<SQSBatchResponse | { swept: number }> => {
      if (isSqsEvent(event)) return worker(event);
      return { swept: await withCorrelationId(context.awsRequestId, () => service.sweepDueJobs()) };
    },
    () => service.flushMetrics(),
  );
}

let lambdaHandler: ReturnType<typeof createJobExecutorHandler> | undefined;

export const handler: ReturnType<typeof createJobExecutorHandler> = (event, context?) => {
  lambdaHandler ??= createJobExecutorHandler(createServices(configFromEnvironment()).engine);
  return lambdaHandler(event, context);
};
