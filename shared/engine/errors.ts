/**
 * Engine errors carry the simple class name Camunda would throw, so the REST layer can map them to
 * `{type, message, code}` in one place: BadUserRequest-like types → 400, the rest → 500.
 */
export type EngineExceptionType =
  | 'ProcessEngineException'
  | 'NotValidException'
  | 'BadUserRequestException'
  | 'NotFoundException'
  | 'OptimisticLockingException'
  | 'MismatchingMessageCorrelationException'
  | 'TaskAlreadyClaimedException'
  /** Camunda's SuspendedEntityInteractionException, a BadUserRequestException: 400. */
  | 'SuspendedEntityInteractionException'
  /** Camunda's NotAllowedException, a BadUserRequestException: 400. */
  | 'NotAllowedException'
  /** Camunda's EnsureUtil on a null: a ProcessEngineException, so a 500. */
  | 'NullValueException'
  /** Generated forms (camunda:formData): a value that does not convert, a failed validator, a validator's bad configuration (500s). */
  | 'FormFieldValidationException'
  | 'FormFieldValidatorException'
  | 'FormFieldConfigurationException'
  /** A script failed, ran out of time or memory (Camunda's ScriptEvaluationException, a ProcessEngineException: 500). */
  | 'ScriptEvaluationException'
  /** Java's own exception where Camunda lets it escape (a long form field given text): a 500 of that type. */
  | 'NumberFormatException';

export class EngineError extends Error {
  constructor(
    readonly type: EngineExceptionType,
    message: string,
    /** Camunda's error code: 0 for engine exceptions, 1 for optimistic locking. */
    readonly code = 0,
  ) {
    super(message);
    this.name = type;
  }

  /** Camunda maps these to HTTP 400; everything else from the engine is a 500. */
  get isUserError(): boolean {
    return (
      this.type === 'NotValidException' ||
      this.type === 'BadUserRequestException' ||
      this.type === 'NotFoundException' ||
      this.type === 'MismatchingMessageCorrelationException' ||
      this.type === 'SuspendedEntityInteractionException' ||
      this.type === 'NotAllowedException'
    );
  }
}

export const processEngineError = (message: string) => new EngineError('ProcessEngineException', message);
export const notValid = (message: string) => new EngineError('NotValidException', message);
export const badUserRequest = (message: string) => new EngineError('BadUserRequestException', message);
export const notFound = (message: string) => new EngineError('NotFoundException', message);
export const nullValue = (message: string) => new EngineError('NullValueException', message);

/** Message correlation found no or several matching executions (Camunda maps it to 400). */
export const mismatchingMessage = (message: string) => new EngineError('MismatchingMessageCorrelationException', message);

/** Camunda's EnginePersistenceLogger "suspended" message: `ENGINE-03043 <type> with id '<id>' is suspended.` */
export const suspendedEntity = (type: 'task' | 'Execution' | 'ExternalTask' | 'Process Definition', id: string) =>
  new EngineError('SuspendedEntityInteractionException', `ENGINE-03043 ${type} with id '${id}' is suspended.`);
