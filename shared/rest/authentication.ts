import { AuthContext } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/password.ts';
import type { IdentityRepository } from '../store/identity-repository.ts';
import type { RestRequest } from './http.ts';
import { createHash } from 'node:crypto';

/**
 * Which Basic header matched which stored password hash, per warm container: scrypt is deliberately
 * slow and a client sends the same header with every request. The user is still read every time,
 * so a deleted user or a changed password (a new hash) takes effect at once.
 */
const verified = new Map<string, string>();

/** Paths Camunda serves without authentication. */
const PUBLIC_PATHS = new Set(['/version', '/engine']);

/**
 * HTTP Basic against the stored users (scrypt hashes, constant-time comparison). Returns undefined
 * for a missing or wrong credential: the router answers 401 with `WWW-Authenticate`.
 */
export async function authenticate(req: RestRequest, identities: IdentityRepository): Promise<AuthContext | undefined> {
  if (PUBLIC_PATHS.has(req.path)) return AuthContext.anonymous();
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const cacheKey = createHash('sha256').update(header).digest('hex');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const userId = decoded.slice(0, colon);
  const user = await identities.getUser(userId);
  if (!user) return undefined;
  if (verified.get(cacheKey) !== user.passwordHash) {
    if (!verifyPassword(decoded.slice(colon + 1), user.passwordHash)) return undefined;
    if (verified.size > 1000) verified.clear();
    verified.set(cacheKey, user.passwordHash);
  }
  return new AuthContext(await identities.identityOf(userId), identities);
}
