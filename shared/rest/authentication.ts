import { AuthContext } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/password.ts';
import type { IdentityRepository } from '../store/identity-repository.ts';
import type { RestRequest } from './http.ts';

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
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const userId = decoded.slice(0, colon);
  const user = await identities.getUser(userId);
  if (!user || !verifyPassword(decoded.slice(colon + 1), user.passwordHash)) return undefined;
  return new AuthContext(await identities.identityOf(userId), identities);
}
