import * as z from 'zod/v4';
import { evaluateStartConditions } from '../../app/conditions.ts';
import { processInstanceDto } from '../dto.ts';
import { json } from '../http.ts';
import { tenantSelection } from '../tenant-selection.ts';
import { readBody, route, type Route } from '../router.ts';
import { fromVariableMap, VariableMapDto } from '../variables.ts';

const ConditionBody = z.object({
  variables: VariableMapDto.nullish(),
  businessKey: z.string().nullish(),
  processDefinitionId: z.string().nullish(),
  tenantId: z.string().nullish(),
  withoutTenantId: z.boolean().nullish(),
});

/** Conditional start events evaluated on request (see shared/app/conditions.ts). */
export const conditionRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/condition',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ConditionBody);
      const started = await evaluateStartConditions(ctx.app, ctx.auth, {
        variables: fromVariableMap(body.variables),
        businessKey: body.businessKey ?? undefined,
        processDefinitionId: body.processDefinitionId ?? undefined,
        tenant: tenantSelection(body),
      });
      return json(
        200,
        started.map((state) => processInstanceDto(state, ctx.req.baseUrl)),
      );
    },
  }),
];
