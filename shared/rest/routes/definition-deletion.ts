import * as z from 'zod/v4';
import { deleteProcessDefinitions } from '../../app/deployments.ts';
import { getProcessDefinition, queryProcessDefinitions } from '../../app/process-definitions.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { noContent, type RestResponse } from '../http.ts';
import { qs, readQuery } from '../query-params.ts';
import { route, type Route, type RouteContext } from '../router.ts';

const DeleteParams = z.object({ cascade: qs.boolean(), skipCustomListeners: qs.boolean(), skipIoMappings: qs.boolean() });

function options(ctx: RouteContext) {
  const { cascade, skipCustomListeners, skipIoMappings } = readQuery(ctx.req, DeleteParams);
  return { cascade: cascade ?? false, skipCustomListeners: skipCustomListeners ?? false, skipIoMappings: skipIoMappings ?? false };
}

/** By key: every version of no tenant, or of the tenant named, that the caller may read; none is Camunda's 404. */
async function deleteByKey(ctx: RouteContext, key: string, tenantId?: string): Promise<RestResponse> {
  const deleteOptions = options(ctx);
  const definitions = await queryProcessDefinitions(ctx.app, ctx.auth, { key, ...(tenantId === undefined ? { withoutTenantId: true } : { tenantIdIn: [tenantId] }) });
  if (definitions.length === 0) throw invalidRequest(`No process definition found with key '${key}': processDefinitions is empty`, 404);
  await deleteProcessDefinitions(ctx.app, ctx.auth, { definitions, options: deleteOptions });
  return noContent();
}

export const definitionDeletionRoutes: Route[] = [
  route({
    method: 'DELETE',
    pattern: '/process-definition/{id}',
    handler: async (ctx) => {
      const deleteOptions = options(ctx);
      const definition = await getProcessDefinition(ctx.app, ctx.auth, { id: ctx.params.id }).catch((error: unknown) => {
        if (error instanceof RestError && error.status === 404) throw invalidRequest(`No process definition found with id '${ctx.params.id}': processDefinition is null`, 404);
        throw error;
      });
      await deleteProcessDefinitions(ctx.app, ctx.auth, { definitions: [definition], options: deleteOptions });
      // Camunda's resource answers Response.ok() without an entity here (the document says 204).
      return { status: 200, rawBody: '' };
    },
  }),
  route({ method: 'DELETE', pattern: '/process-definition/key/{key}', handler: (ctx) => deleteByKey(ctx, ctx.params.key) }),
  route({ method: 'DELETE', pattern: '/process-definition/key/{key}/tenant-id/{tenantId}', handler: (ctx) => deleteByKey(ctx, ctx.params.key, ctx.params.tenantId) }),
];
