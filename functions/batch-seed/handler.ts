import type { SQSEvent } from 'aws-lambda';
import { observed } from '../../shared/observability/lambda-handler.ts';
import { SeedMessage } from '../../shared/queue/batch-messages.ts';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import type { BatchService } from '../../shared/service/batch-service.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';

/** The batch-seed Lambda: one seed message per record, partial batch failures for the rest. */
export function createBatchSeedHandler(batches: BatchService) {
  return observed(sqsWorker('batch-seed', SeedMessage, (message) => batches.seed(message)));
}

let lambdaHandler: ReturnType<typeof createBatchSeedHandler> | undefined;

export const handler: ReturnType<typeof createBatchSeedHandler> = (event: SQSEvent, context?) => {
  lambdaHandler ??= createBatchSeedHandler(createServices(configFromEnvironment()).batches);
  return lambdaHandler(event, context);
};
