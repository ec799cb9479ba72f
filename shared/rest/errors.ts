import { EngineError } from '../engine/errors.ts';
import { ExpressionEvaluationError } from '../expression/index.ts';
import { BpmnParseError } from '../bpmn/errors.ts';
import { DmnParseError } from '../dmn/errors.ts';
import { AuthorizationError } from '../auth/auth-context.ts';
import { AwsServiceFailure } from '../aws/service-failure.ts';
import { StoreLimitExceeded } from '../aws/store-limits.ts';
import { RequestError as RestError } from '../app/errors.ts';

/** Camunda's ExceptionDto. */
export interface ExceptionDto {
  type: string;
  message: string;
  code: number | null;
  /** ParseExceptionDto: per resource, the problems found (no line or column: the parser gives none). */
  details?: Record<string, { errors: ProblemDto[]; warnings: ProblemDto[] }>;
}

interface ProblemDto {
  message: string;
  line: number | null;
  column: number | null;
  mainElementId: string | null;
  elementIds: string[];
}

/** An error raised by the REST layer itself, with Camunda's type name and an explicit status: the use cases' RequestError. */
export { RestError };

export const invalidRequest = (message: string, status = 400) => new RestError(status, message);

/**
 * An engine failure as a resource of Camunda's answers it under its own terms: a status, a type and
 * usually its message before the engine's ("Cannot signal execution x: …"); the engine's code and
 * the failure itself (as the cause, for the log) are kept.
 */
export function engineFailureAs(error: EngineError, status: number, type: 'RestException' | 'InvalidRequestException', prefix?: string): RestError {
  return Object.assign(new RestError(status, prefix ? `${prefix}: ${error.message}` : error.message, type, error.code), { cause: error });
}

/** Runs a resource's call, answering its engine failures with `answer` (a failure it returns undefined for stays as it is). */
export async function answeringEngineFailures<T>(run: () => Promise<T>, answer: (error: EngineError) => RestError | undefined): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw (error instanceof EngineError && answer(error)) || error;
  }
}

/**
 * The one place errors become responses, following Camunda's ExceptionHandlerHelper: user errors 400,
 * other engine errors 500 with code 0 (1 for optimistic locking), REST errors their own status with
 * code null. Unknown errors are 500 without internals. A message is cut after MAX_ERROR_MESSAGE_CHARS,
 * so a request never gets its own megabytes of input back.
 */
export function toErrorResponse(error: unknown): { status: number; body: ExceptionDto } {
  const { status, body } = describe(error);
  return { status, body: { ...body, message: withShortEcho(body.message) } };
}

/** Longest message answered: messages quote the offending input, which can be megabytes. */
const MAX_ERROR_MESSAGE_CHARS = 1000;

function withShortEcho(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}… (${message.length - MAX_ERROR_MESSAGE_CHARS} more characters)`;
}

function describe(error: unknown): { status: number; body: ExceptionDto } {
  if (error instanceof AuthorizationError) return { status: 403, body: error.toDto() };
  if (error instanceof RestError) return { status: error.status, body: { type: error.type, message: error.message, code: error.code } };
  if (error instanceof EngineError) {
    return { status: error.isUserError ? 400 : 500, body: { type: error.type, message: error.message, code: error.code } };
  }
  if (error instanceof BpmnParseError) {
    const errors = error.problems.map((p) => ({ message: p.message, line: null, column: null, mainElementId: p.elementId ?? null, elementIds: p.elementId ? [p.elementId] : [] }));
    return { status: 400, body: { type: 'ParseException', message: error.message, code: 0, details: { [error.resourceName]: { errors, warnings: [] } } } };
  }
  // Camunda's deployment answers a DMN resource it cannot transform with a plain ProcessEngineException (ENGINE-22004).
  if (error instanceof DmnParseError) return { status: 500, body: { type: 'ProcessEngineException', message: error.message, code: 0 } };
  if (error instanceof ExpressionEvaluationError) return { status: 500, body: { type: 'ProcessEngineException', message: error.message, code: 0 } };
  if (error instanceof StoreLimitExceeded) return { status: 400, body: { type: 'InvalidRequestException', message: error.message, code: null } };
  if (error instanceof AwsServiceFailure) return { status: 500, body: { type: 'ProcessEngineException', message: `Store failure: ${error.message}`, code: 0 } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { type: 'ProcessEngineException', message, code: 0 } };
}
