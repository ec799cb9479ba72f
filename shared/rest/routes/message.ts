import * as z from 'zod/v4';
import { correlateMessage } from '../../app/messages.ts';
import { processInstanceDto } from '../dto.ts';
import { json, noContent } from '../http.ts';
import { tenantSelection } from '../tenant-selection.ts';
import { readBody, route, type Route } from '../router.ts';
import { fromVariableMap, VariableMapDto } from '../variables.ts';

const CorrelationMessage = z.object({
  messageName: z.string().min(1),
  processInstanceId: z.string().nullish(),
  businessKey: z.string().nullish(),
  correlationKeys: VariableMapDto.nullish(),
  processVariables: VariableMapDto.nullish(),
  all: z.boolean().nullish(),
  resultEnabled: z.boolean().nullish(),
  tenantId: z.string().nullish(),
  withoutTenantId: z.boolean().nullish(),
});

/** Message correlation to waiting subscriptions (see shared/app/messages.ts). */
export const messageRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/message',
    idempotent: true,
    handler: async (ctx) => {
      const body = readBody(ctx.req, CorrelationMessage);
      const tenant = tenantSelection(body);
      const correlated = await correlateMessage(ctx.app, ctx.auth, {
        messageName: body.messageName,
        processInstanceId: body.processInstanceId ?? undefined,
        businessKey: body.businessKey ?? undefined,
        correlationKeys: fromVariableMap(body.correlationKeys),
        processVariables: fromVariableMap(body.processVariables),
        all: body.all ?? false,
        tenant,
      });
      if (!body.resultEnabled) return noContent();
      return json(
        200,
        correlated.map((result) =>
          result.resultType === 'Execution'
            ? { resultType: 'Execution', execution: { id: result.processInstanceId, processInstanceId: result.processInstanceId, ended: false, tenantId: null }, processInstance: null }
            : { resultType: 'ProcessDefinition', execution: null, processInstance: processInstanceDto(result.processInstance, ctx.req.baseUrl) },
        ),
      );
    },
  }),
];
