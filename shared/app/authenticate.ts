import { createHash } from 'node:crypto';
import { AuthContext } from '../auth/auth-context.ts';
import { isLocked, lockAfterFailure } from '../auth/login-lock.ts';
import { verifyPassword } from '../auth/password.ts';
import { log } from '../observability/logger.ts';
import type { AppContext } from './app-context.ts';

/**
 * Which credential matched which stored password hash, per warm container: scrypt is deliberately
 * slow and a client sends the same credential with every request. Keyed by the stored hash, so a
 * changed password (a new hash) never matches an old entry.
 */
const verified = new Map<string, string>();

export interface Credentials {
  userId: string;
  password: string;
}

/**
 * The caller for a user id and password checked against the stored users (scrypt hashes,
 * constant-time comparison); undefined for an unknown user or a wrong password. It has no caller:
 * it is how one is made. The user and their groups come from the container's identity cache: a
 * password change or a deletion counts at once in this container, within the cache's lifetime in
 * the others (docs/decisions.md #23).
 */
export async function authenticate(app: Pick<AppContext, 'identityCache' | 'identities' | 'engine'>, credentials: Credentials): Promise<AuthContext | undefined> {
  const { userId, password } = credentials;
  const now = app.engine.env.now();
  const user = await app.identityCache.user(userId);
  if (!user) return undefined;
  // A locked user cannot log in, whatever the password (Camunda's login throttling, shared/auth/login-lock.ts).
  if (isLocked(user, now)) {
    log.info('login refused: the user is locked', { userId, lockedUntil: new Date(Math.min(user.lockExpirationTime!, 8.64e15)).toISOString() });
    return undefined;
  }
  const cacheKey = createHash('sha256').update(`${userId}:${password}`).digest('hex');
  if (verified.get(cacheKey) !== user.passwordHash) {
    if (!verifyPassword(password, user.passwordHash)) {
      const attempts = await app.identities.recordFailedLogin(userId, (n) => lockAfterFailure(n, now));
      log.info('login failed', { userId, attempts });
      return undefined;
    }
    if (verified.size > 1000) verified.clear();
    verified.set(cacheKey, user.passwordHash);
  }
  if (user.attempts) await app.identities.clearLoginLock(userId);
  return new AuthContext(await app.identityCache.identityOf(userId), app.identityCache);
}
