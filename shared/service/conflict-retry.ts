import { EngineError } from '../engine/errors.ts';
import { count, METRIC } from '../observability/metrics.ts';
import { ConcurrentModificationError } from '../store/errors.ts';

/**
 * The one optimistic-locking policy: a write that lost a version race is re-run on fresh state
 * this many times, then Camunda's OptimisticLockingException surfaces (code 1). Every write of an
 * instance goes through `retryOnConflict`: the use cases (shared/app) through EngineService.update,
 * the job executor and the batch execution directly. It lives here, below the use cases, because
 * those workers need it too.
 */
export const CONFLICT_RETRIES = 3;

/** Runs `attempt` until it does not lose a version race, at most CONFLICT_RETRIES + 1 times. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, retries = CONFLICT_RETRIES): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      if (tries > retries) throw asCamundaError(error);
      count(METRIC.optimisticLockRetries);
    }
  }
}

/** Storage errors as Camunda's: a lost version race is its OptimisticLockingException. */
function asCamundaError(error: unknown): unknown {
  return error instanceof ConcurrentModificationError ? new EngineError('OptimisticLockingException', error.message, 1) : error;
}
