import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray tracing of the handlers and their AWS SDK calls; Powertools turns it off outside Lambda. */
export const tracer = new Tracer({ serviceName: 'camunda-engine' });
