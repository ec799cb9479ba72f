import { createHash } from 'node:crypto';
import { AuthContext } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/password.ts';
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
export async function authenticate(app: Pick<AppContext, 'identityCache'>, credentials: Credentials): Promise<AuthContext | undefined> {
  const { userId, password } = credentials;
  const user = await app.identityCache.user(userId);
  if (!user) return undefined;
  const cacheKey = createHash('sha256').update(`${userId}:${password}`).digest('hex');
  if (verified.get(cacheKey) !== user.passwordHash) {
    if (!verifyPassword(password, user.passwordHash)) return undefined;
    if (verified.size > 1000) verified.clear();
    verified.set(cacheKey, user.passwordHash);
  }
  return new AuthContext(await app.identityCache.identityOf(userId), app.identityCache);
}
