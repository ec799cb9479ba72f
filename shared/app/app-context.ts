import type { AuthContext } from '../auth/auth-context.ts';
import type { IdentityCache } from '../auth/identity-cache.ts';
import type { BatchService } from '../service/batch-service.ts';
import type { Services } from '../service/compose.ts';
import type { EngineService } from '../service/engine-service.ts';
import type { IdentityRepository, UserRecord } from '../store/identity-repository.ts';
import type { IdempotencyKeys } from '../store/idempotency-keys.ts';

/**
 * What the use cases work with: the engine and batch services and the identity store. Built once
 * per container from the composition root; every use case is a function of it, of the caller, and
 * of its input, so any entry point (a route, a worker, a CLI) runs the same checks.
 */
export interface AppContext {
  readonly engine: EngineService;
  readonly batches: BatchService;
  readonly identities: IdentityRepository;
  /** What authentication and the checks read: the container's cache over `identities`. */
  readonly identityCache: IdentityCache<UserRecord>;
  /** The Idempotency-Key records (shared/app/idempotency.ts). */
  readonly idempotency: IdempotencyKeys;
}

export function appContext(services: Pick<Services, 'engine' | 'batches' | 'identities' | 'identityCache' | 'idempotency'>): AppContext {
  return { engine: services.engine, batches: services.batches, identities: services.identities, identityCache: services.identityCache, idempotency: services.idempotency };
}

/** A use case: the application, who calls, and what they ask for. */
export type UseCase<Input, Output> = (app: AppContext, caller: AuthContext, input: Input) => Promise<Output>;
