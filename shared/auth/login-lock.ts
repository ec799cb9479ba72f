/**
 * Camunda's login throttling (IdentityService.checkPassword with the engine's login settings): each
 * failed login locks the user for a growing delay, and after the last allowed attempt until an
 * administrator unlocks them (`POST /user/{id}/unlock`). A locked user cannot log in, whatever
 * the password, so guessing is slowed to a crawl.
 */
export interface LoginPolicy {
  /** Failed attempts after which the user stays locked until unlocked (Camunda's loginMaxAttempts). */
  readonly maxAttempts: number;
  /** Lock after the first failure, in seconds (loginDelayBase). */
  readonly delayBaseSeconds: number;
  /** Each further failure multiplies the lock by this (loginDelayFactor). */
  readonly delayFactor: number;
  /** The longest lock before the last attempt, in seconds (loginDelayMaxTime). */
  readonly delayMaxSeconds: number;
}

/** Camunda's defaults. */
export const CAMUNDA_LOGIN_POLICY: LoginPolicy = { maxAttempts: 10, delayBaseSeconds: 3, delayFactor: 2, delayMaxSeconds: 60 };

/** The end of a lock that only an administrator lifts (the latest time JavaScript knows). */
export const PERMANENT_LOCK = 8.64e15;

/** When the lock after the `attempts`-th failure in a row ends (epoch ms). */
export function lockAfterFailure(attempts: number, now: number, policy: LoginPolicy = CAMUNDA_LOGIN_POLICY): number {
  if (attempts >= policy.maxAttempts) return PERMANENT_LOCK;
  const seconds = Math.min(policy.delayBaseSeconds * policy.delayFactor ** (attempts - 1), policy.delayMaxSeconds);
  return now + seconds * 1000;
}

export function isLocked(user: { lockExpirationTime?: number }, now: number): boolean {
  return user.lockExpirationTime !== undefined && user.lockExpirationTime > now;
}
