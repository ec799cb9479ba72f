import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The engine's structured logger (Powertools: one JSON object per line, errors with their causes).
 * Level from POWERTOOLS_LOG_LEVEL (default INFO).
 */
export const logger = new Logger({ serviceName: 'camunda-engine' });
