import { createHash } from 'node:crypto';
import { AuthContext } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/password.ts';
import type { AppContext } from './app-context.ts';

/**
 * Which credential matched which stored password hash, per warm container: scrypt is deliberately
 * slow and a client sends the same credential with every request. The user is still read every time,
 * so a deleted user or a changed password (a new hash) takes effect at once.
 */
const verified = new Map<string, string>();

export interface Credentials {
  userId: string;
  password: string;
}

/**
 * The caller for a user id and password checked against the stored users (scrypt hashes,
 * constant-time comparison); undefined for an unknown user or a wrong password. It has no caller:
 * it is how one is made.
 */
export async function authenticate(app: Pick<AppContext, 'identities'>, credentials: Credentials): Promise<AuthContext | undefined> {
  const { userId, password } = credentials;
  const user = await app.identities.getUser(userId);
  if (!user) return undefined;
  const cacheKey = createHash('sha256').update(`${userId}:${password}`).digest('hex');
  if (verified.get(cacheKey) !== user.passwordHash) {
    if (!verifyPassword(password, user.passwordHash)) return undefined;
    if (verified.size > 1000) verified.clear();
    verified.set(cacheKey, user.passwordHash);
  }
  return new AuthContext(await app.identities.identityOf(userId), app.identities);
}
