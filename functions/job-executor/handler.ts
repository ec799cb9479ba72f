import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { JobMessage } from '../../shared/queue/job-messages.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';

/** EventBridge's scheduled event: the periodic trigger that makes due timers run. */
interface ScheduledEvent {
  'detail-type'?: string;
  source?: string;
}

function isSqsEvent(event: SQSEvent | ScheduledEvent): event is SQSEvent {
  return Array.isArray((event as SQSEvent).Records);
}

/**
 * The job executor: SQS records each run one job (partial batch failures leave failed records for
 * redelivery); the scheduled trigger sweeps due jobs into the queue.
 */
export function createJobExecutorHandler(service: EngineService) {
  const worker = sqsWorker(JobMessage, (message) => service.runJob(message));
  return async (event: SQSEvent | ScheduledEvent): Promise<SQSBatchResponse | { swept: number }> => {
    if (!isSqsEvent(event)) return { swept: await service.sweepDueJobs() };
    return worker(event);
  };
}

let lambdaHandler: ReturnType<typeof createJobExecutorHandler> | undefined;

export const handler = (event: SQSEvent | ScheduledEvent) => {
  lambdaHandler ??= createJobExecutorHandler(createServices(configFromEnvironment()).engine);
  return lambdaHandler(event);
};
