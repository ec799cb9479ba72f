import type { SQSEvent } from 'aws-lambda';
import { ExecuteMessage } from '../../shared/queue/batch-messages.ts';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import type { BatchService } from '../../shared/service/batch-service.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';

/** The batch-execute Lambda: one execute message per record, partial batch failures for the rest. */
export function createBatchExecuteHandler(batches: BatchService) {
  return sqsWorker(ExecuteMessage, (message) => batches.execute(message));
}

let lambdaHandler: ReturnType<typeof createBatchExecuteHandler> | undefined;

export const handler = (event: SQSEvent) => {
  lambdaHandler ??= createBatchExecuteHandler(createServices(configFromEnvironment()).batches);
  return lambdaHandler(event);
};
