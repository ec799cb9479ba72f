/**
 * Camunda's OPTIONS answers (ResourceOptionsDto): the links of a resource a caller may follow. A
 * link that needs a permission is listed only when the caller has it; without authentication every
 * link is (Camunda's AbstractAuthorizedRestResource#isAuthorized). The identity store here is never
 * read-only, so identity links are not held back for that.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { PermissionCheck } from '../auth/evaluate.ts';

export interface LinkSpec {
  /** Below the API's base path, e.g. `/user/count`. */
  path: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  rel: string;
  requires?: PermissionCheck;
}

export async function allowedLinks(caller: AuthContext, links: readonly LinkSpec[]): Promise<Omit<LinkSpec, 'requires'>[]> {
  const allowed = await Promise.all(links.map((link) => (link.requires ? caller.isAllowed(link.requires) : true)));
  return links.filter((_, i) => allowed[i]).map(({ path, method, rel }) => ({ path, method, rel }));
}
