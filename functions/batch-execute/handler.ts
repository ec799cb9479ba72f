import type { SQSEvent } from 'aws-lambda';
import { observed } from '../../shared/observability/lambda-handler.ts';
import { ExecuteMessage } from '../../shared/queue/batch-messages.ts';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import type { BatchService } from '../../shared/service/batch-service.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';

/**
 * The batch-execute Lambda: one execute message per record, partial batch failures for the rest.
 * The records of one delivery share one run (one batch read, one completion check).
 */
export function createBatchExecuteHandler(batches: BatchService) {
  return observed(
    async (event: SQSEvent) => {
      const run = batches.executionRun();
      const response = await sqsWorker('batch-execute', ExecuteMessage, (message) => run.execute(message))(event);
      await run.finish();
      return response;
    },
    () => batches.flushMetrics(),
  );
}

let lambdaHandler: ReturnType<typeof createBatchExecuteHandler> | undefined;

export const handler: ReturnType<typeof createBatchExecuteHandler> = (event: SQSEvent, context?) => {
  lambdaHandler ??= createBatchExecuteHandler(createServices(configFromEnvironment()).batches);
  return lambdaHandler(event, context);
};
