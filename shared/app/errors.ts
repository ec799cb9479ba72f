/**
 * What the caller asked for does not exist, or they may not see it: Camunda's REST resources answer
 * 404 with this exception type (InvalidRequestException for most, RestException for a few).
 */
export class ResourceNotFound extends Error {
  constructor(
    message: string,
    readonly type: 'InvalidRequestException' | 'RestException' = 'InvalidRequestException',
  ) {
    super(message);
    this.name = type;
  }
}
