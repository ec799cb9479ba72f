import { asStoreLimitExceeded } from './store-limits.ts';

/**
 * A DynamoDB or SQS call that failed for a reason that is not an answer of the service: the
 * endpoint answered something that is not an AWS response (an HTML error page of a proxy or an
 * emulator), the connection broke, or the service reported its own fault (5xx). The engine cannot
 * act on these; callers report them as a store failure that names the service and what it answered,
 * never as the JSON parse error of someone else's page. Answers of the service itself (conditional
 * check failed, cancelled transaction, validation, throttling) pass through untouched: repositories
 * act on them.
 */
export class AwsServiceFailure extends Error {
  constructor(
    readonly service: AwsServiceName,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'AwsServiceFailure';
  }
}

export type AwsServiceName = 'DynamoDB' | 'SQS';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; body?: unknown };
}

const EXCERPT_LENGTH = 120;

/** The failure as an AwsServiceFailure, or undefined when it is an answer of the service the caller handles. */
export function asServiceFailure(service: AwsServiceName, error: unknown): AwsServiceFailure | undefined {
  if (error instanceof AwsServiceFailure || typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkError;
  if (e.$fault === 'client') return undefined;
  if (e.$fault === 'server') {
    return new AwsServiceFailure(service, `${service} failed: ${e.name ?? 'error'} (HTTP ${e.$metadata?.httpStatusCode ?? '5xx'}): ${e.message ?? ''}`.trim(), { cause: error });
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (status !== undefined && e.name === 'SyntaxError') {
    return new AwsServiceFailure(service, `${service} answered HTTP ${status} with a body that is not an AWS response: ${excerpt(e.message)}`, { cause: error });
  }
  if (e.$metadata !== undefined || e.code !== undefined) {
    const reason = [e.message, e.code && e.code !== e.message ? `(${e.code})` : ''].filter(Boolean).join(' ');
    return new AwsServiceFailure(service, `${service} could not be reached: ${reason || e.name || 'unknown network error'}`, { cause: error });
  }
  return undefined;
}

/** The start of what the endpoint sent, as the SDK's parse error quotes it, on one line. */
function excerpt(parseMessage: string | undefined): string {
  const quoted = /"([\s\S]*?)"\.\.\./.exec(parseMessage ?? '')?.[1] ?? parseMessage ?? '';
  const line = quoted.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}…` : line || '(empty)';
}

// The SDK's middleware types live in @smithy/types, which this module does not import.
// biome-ignore lint/suspicious/noExplicitAny: the arguments pass through untouched
type Next = (args: any) => Promise<any>;

/** An SDK client whose middleware stack can take one more step (typed loosely: no SDK import here). */
export interface ClientWithMiddleware {
  middlewareStack: { add(middleware: (next: Next) => Next, options: { step: 'initialize'; name: string }): void };
}

/**
 * Makes every call of the client throw AwsServiceFailure for non-answers (after the SDK's own
 * retries), and StoreLimitExceeded where the service refused a request as too big.
 */
export function reportServiceFailures<C extends ClientWithMiddleware>(service: AwsServiceName, client: C): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw asServiceFailure(service, error) ?? asStoreLimitExceeded(error) ?? error;
      }
    },
    { step: 'initialize', name: `report${service}Failures` },
  );
  return client;
}

/** Answers of AWS that mean "not now", never "not this": throttling, limits, the service's own trouble. */
const TRANSIENT_ANSWERS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const TRANSIENT_CANCELLATIONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict']);

/**
 * An infrastructure failure: the store or queue could not do the work now (throttled, unreachable,
 * failing), so the same work will succeed later. Such a failure must not count against a job's
 * retries (a person would have to clear a false incident); the caller lets SQS deliver the message
 * again instead (issue #19, docs/operations.md).
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (error instanceof AwsServiceFailure) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkError & { CancellationReasons?: { Code?: string }[] };
  if (e.name !== undefined && TRANSIENT_ANSWERS.has(e.name)) return true;
  return e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code !== undefined && TRANSIENT_CANCELLATIONS.has(r.Code));
}
