import type { AppContext } from '../app/app-context.ts';
import { authenticate as authenticateUser } from '../app/authenticate.ts';
import { AuthContext } from '../auth/auth-context.ts';
import type { RestRequest } from './http.ts';

/** Paths Camunda serves without authentication. */
const PUBLIC_PATHS = new Set(['/version', '/engine']);

/**
 * HTTP Basic: reads the credential from the Authorization header and checks it with the
 * application's `authenticate`. Returns undefined for a missing or wrong credential: the router
 * answers 401 with `WWW-Authenticate`.
 */
export async function authenticate(req: RestRequest, app: AppContext): Promise<AuthContext | undefined> {
  if (PUBLIC_PATHS.has(req.path)) return AuthContext.anonymous();
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return authenticateUser(app, { userId: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
}
