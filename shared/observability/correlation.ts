import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the work in progress: the API Gateway request id of the request that
 * caused it, carried from the API into every seed, execute, monitor and job message (the publisher
 * stamps each message) and restored by the worker that handles the message. Async-local, so the
 * concurrent requests and records of one process never mix their ids.
 */
const current = new AsyncLocalStorage<string>();

export function withCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  return correlationId === undefined ? work() : current.run(correlationId, work);
}

export function currentCorrelationId(): string | undefined {
  return current.getStore();
}
