import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';
import { tracer } from './tracer.ts';

/**
 * Every Lambda handler of the engine, as a middy handler with Powertools: the Lambda context on
 * every log line, the invocation's metrics published when it ends, and an X-Ray segment around it.
 * The local runtime and the tests invoke these same handlers (without a context, one is made up),
 * so they print the same records.
 */
export function observed<E, R>(handler: (event: E, context: Context) => Promise<R>, afterInvocation?: () => Promise<void>): ObservedHandler<E, R> {
  const wrapped = middy<E, R>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    // Never the raw event (POWERTOOLS_LOGGER_LOG_EVENT): it holds the Authorization header and the body.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics))
    .use(finallyRun(afterInvocation))
    .handler(handler);
  return (event, context = invocationOutsideLambda()) => wrapped(event, context);
}

/**
 * Work that ends every invocation, answered or failed (the engine's metrics flush): a container may
 * be frozen right after. It never fails the invocation; it logs why it did not finish.
 */
function finallyRun(work: (() => Promise<void>) | undefined): middy.MiddlewareObj {
  const run = async () => {
    if (!work) return;
    try {
      await work();
    } catch (error) {
      logger.warn('work after the invocation failed', { error });
    }
  };
  return { after: run, onError: run };
}

/** What an observed handler is called with: an event and, in Lambda, Lambda's context. */
export type ObservedHandler<E, R> = (event: E, context?: Context) => Promise<R>;

/** A Lambda context for invocations outside Lambda (the local runtime, tests): a fresh request id each time. */
function invocationOutsideLambda(): Context {
  const deadline = Date.now() + 15 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
