import type { DelegateRegistry } from './delegates.ts';

/**
 * Everything impure the engine needs, injected: the clock, the id generator and the registry of
 * user-supplied listeners and delegates. The engine never reads Date.now() or crypto itself.
 */
export interface EngineEnvironment {
  /** Epoch milliseconds. */
  now(): number;
  /** A fresh unique id (a UUID in production). */
  newId(): string;
  registry: DelegateRegistry;
  /** Retries a new job or failing external task starts with (Camunda's default: 3). */
  defaultRetries?: number;
}
