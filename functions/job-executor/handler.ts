import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { JobMessage } from '../../shared/queue/job-messages.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createEngineService } from '../../shared/service/compose.ts';
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
  const processor = new BatchProcessor(EventType.SQS);
  const runRecord = async (record: SQSRecord) => {
    const message = JobMessage.parse(JSON.parse(record.body));
    await service.runJob(message);
  };
  return async (event: SQSEvent | ScheduledEvent): Promise<SQSBatchResponse | { swept: number }> => {
    if (!isSqsEvent(event)) return { swept: await service.sweepDueJobs() };
    return processPartialResponse(event, runRecord, processor);
  };
}

let lambdaHandler: ReturnType<typeof createJobExecutorHandler> | undefined;

export const handler = (event: SQSEvent | ScheduledEvent) => {
  lambdaHandler ??= createJobExecutorHandler(createEngineService(configFromEnvironment()));
  return lambdaHandler(event);
};
