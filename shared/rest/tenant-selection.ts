import { invalidRequest } from './errors.ts';

/**
 * `tenantId` / `withoutTenantId` of Camunda's message, signal and condition bodies: one tenant, only
 * what has no tenant, or (neither given) every tenant. Both at once is Camunda's 400.
 */
export function tenantSelection(body: { tenantId?: string | null; withoutTenantId?: boolean | null }): { tenantId: string | null } | undefined {
  if (body.tenantId && body.withoutTenantId) throw invalidRequest("Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.");
  if (body.tenantId) return { tenantId: body.tenantId };
  return body.withoutTenantId ? { tenantId: null } : undefined;
}
