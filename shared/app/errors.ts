import { isConditionalFailure } from '../store/errors.ts';

/**
 * A request refused with Camunda's exception type and an explicit HTTP status, where Camunda's REST
 * layer answers before or instead of an engine exception (a resource that does not exist or may not
 * be seen is a 404; a batch that cannot be found to delete is a 400 with code 0). The use cases raise
 * it; shared/rest maps it to Camunda's ExceptionDto (there it is also called RestError).
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: 'InvalidRequestException' | 'RestException' = 'InvalidRequestException',
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = type;
  }
}

export const notFoundRequest = (message: string, type: RequestError['type'] = 'InvalidRequestException') => new RequestError(404, message, type);

/** What the caller asked for does not exist, or they may not see it (404; InvalidRequestException for most resources, RestException for a few). */
export class ResourceNotFound extends RequestError {
  constructor(message: string, type: RequestError['type'] = 'InvalidRequestException') {
    super(404, message, type);
  }
}

/** Camunda's InvalidRequestException with the status Camunda answers it with (400 input, 403 explicit refusal, 404 unseen). */
export class InvalidRequestError extends RequestError {
  constructor(status: 400 | 403 | 404, message: string) {
    super(status, message);
  }
}

export const invalidRequest = (message: string) => new InvalidRequestError(400, message);

export type IdentityKind = 'User' | 'Group' | 'Tenant';

/** Camunda's answer for a user, group or tenant that does not exist or that the caller may not READ. */
export const identityNotFound = (kind: IdentityKind, id: string) => new InvalidRequestError(404, `${kind} with id ${id} does not exist`);

/** Saves a record that must be new; the store's failed "not exists" condition is Camunda's "already exists" 400. */
export async function createNew(kind: IdentityKind, id: string, save: () => Promise<void>): Promise<void> {
  try {
    await save();
  } catch (error) {
    if (isConditionalFailure(error)) throw invalidRequest(`${kind} with id '${id}' already exists`);
    throw error;
  }
}

/**
 * The bounds of a batch's rate limit (an extension, docs/api.md "Rate limit"): its slots are one
 * item, which takes about 1,000 writes a second; below one instance in about 17 minutes a limit is
 * a suspension.
 */
export const MAX_RATE_LIMIT = 1_000;
export const MIN_RATE_LIMIT = 0.001;

export function checkedRateLimit(maxInstancesPerSecond: number): number {
  if (!Number.isFinite(maxInstancesPerSecond) || maxInstancesPerSecond < MIN_RATE_LIMIT || maxInstancesPerSecond > MAX_RATE_LIMIT) {
    throw invalidRequest(`maxInstancesPerSecond must be a number from ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT}`);
  }
  return maxInstancesPerSecond;
}
