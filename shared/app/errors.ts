import { isConditionalFailure } from '../store/errors.ts';

/**
 * Camunda's InvalidRequestException raised by a use case: the status travels with it (400 for a
 * rejected input, 404 for a record the caller cannot see, 403 for Camunda's few explicit refusals
 * that are not an AuthorizationException). The REST layer answers it with code null.
 */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestException';
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
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
