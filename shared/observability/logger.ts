import { Logger } from '@aws-lambda-powertools/logger';
import { currentCorrelationId } from './correlation.ts';
import { redact } from './redaction.ts';

/**
 * The engine's structured logger (Powertools: one JSON object per line, errors with their causes).
 * Level from POWERTOOLS_LOG_LEVEL (default INFO); POWERTOOLS_DEV=true indents each record for a
 * terminal (the local runtime sets it when its output is one).
 */
export const logger = new Logger({ serviceName: 'camunda-engine' });

type Attributes = Record<string, unknown>;

/**
 * Log calls that add the current correlation id, so every line can be traced to its request, and
 * pass every attribute through the redaction rules (no secret, credential or variable value).
 */
export const log = {
  debug: (message: string, attributes: Attributes = {}) => logger.debug(message, withCorrelation(attributes)),
  info: (message: string, attributes: Attributes = {}) => logger.info(message, withCorrelation(attributes)),
  warn: (message: string, attributes: Attributes = {}) => logger.warn(message, withCorrelation(attributes)),
  error: (message: string, attributes: Attributes = {}) => logger.error(message, withCorrelation(attributes)),
};

function withCorrelation(attributes: Attributes): Attributes {
  const redacted = redact(attributes) as Attributes;
  return redacted.correlationId === undefined ? { correlationId: currentCorrelationId(), ...redacted } : redacted;
}
