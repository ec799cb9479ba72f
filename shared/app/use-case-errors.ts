/**
 * Refusals of a use case that are no engine error: Camunda's REST resources raise them as
 * InvalidRequestException (code null) with their own status, before or around the engine call.
 */

/** Nothing the caller may see has this id (a resource Camunda's REST answers with 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request cannot be carried out as given (Camunda's REST answers 400 InvalidRequestException). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}
