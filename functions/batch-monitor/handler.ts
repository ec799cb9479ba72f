import type { SQSEvent } from 'aws-lambda';
import { observed } from '../../shared/observability/lambda-handler.ts';
import { MonitorMessage } from '../../shared/queue/batch-messages.ts';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import type { BatchService } from '../../shared/service/batch-service.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';

/** The batch-monitor Lambda: one monitor message per record, partial batch failures for the rest. */
export function createBatchMonitorHandler(batches: BatchService) {
  return observed(sqsWorker('batch-monitor', MonitorMessage, (message) => batches.monitor(message)));
}

let lambdaHandler: ReturnType<typeof createBatchMonitorHandler> | undefined;

export const handler: ReturnType<typeof createBatchMonitorHandler> = (event: SQSEvent, context?) => {
  lambdaHandler ??= createBatchMonitorHandler(createServices(configFromEnvironment()).batches);
  return lambdaHandler(event, context);
};
