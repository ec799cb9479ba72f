import * as z from 'zod/v4';
import { throwSignal } from '../../app/signals.ts';
import { invalidRequest } from '../errors.ts';
import { noContent } from '../http.ts';
import { tenantSelection } from '../tenant-selection.ts';
import { readBody, route, type Route } from '../router.ts';
import { fromVariableMap, VariableMapDto } from '../variables.ts';

const SignalBody = z.object({
  name: z.string().nullish(),
  executionId: z.string().nullish(),
  variables: VariableMapDto.nullish(),
  tenantId: z.string().nullish(),
  withoutTenantId: z.boolean().nullish(),
});

/** Signals delivered from outside (see shared/app/signals.ts). */
export const signalRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/signal',
    handler: async (ctx) => {
      const body = readBody(ctx.req, SignalBody);
      if (!body.name) throw invalidRequest('No signal name given');
      await throwSignal(ctx.app, ctx.auth, {
        name: body.name,
        executionId: body.executionId ?? undefined,
        variables: fromVariableMap(body.variables),
        tenant: tenantSelection(body),
      });
      return noContent();
    },
  }),
];
