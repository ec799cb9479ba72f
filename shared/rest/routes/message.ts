import * as z from 'zod/v4';
import { correlateMessage } from '../../engine/operations.ts';
import { mismatchingMessage } from '../../engine/errors.ts';
import { json, noContent } from '../http.ts';
import { readBody, route, type Route } from '../router.ts';
import { mayInstance, requireInstance } from '../access.ts';
import { fromVariableDto, fromVariableMap, VariableMapDto } from '../variables.ts';
import type { TypedValue } from '../../engine/state.ts';

const CorrelationMessage = z.object({
  messageName: z.string().min(1),
  processInstanceId: z.string().nullish(),
  businessKey: z.string().nullish(),
  correlationKeys: VariableMapDto.nullish(),
  processVariables: VariableMapDto.nullish(),
  all: z.boolean().nullish(),
  resultEnabled: z.boolean().nullish(),
});

function sameValue(a: TypedValue | undefined, b: TypedValue): boolean {
  return a !== undefined && JSON.stringify(a.value) === JSON.stringify(b.value);
}

/**
 * Message correlation to waiting subscriptions (intermediate events, receive tasks, boundary events,
 * event sub-processes). Process-level message start events are not supported (refused at deployment).
 */
export const messageRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/message',
    handler: async (ctx) => {
      const body = readBody(ctx.req, CorrelationMessage);
      const keys = Object.entries(body.correlationKeys ?? {}).map(([name, dto]) => [name, fromVariableDto(dto)] as const);
      const variables = fromVariableMap(body.processVariables);
      const subscriptions = (await ctx.service.deps.items.byKind(`MSG#${body.messageName}`)).filter(
        (s) => !body.processInstanceId || s.processInstanceId === body.processInstanceId,
      );
      const instanceIds = [...new Set(subscriptions.map((s) => s.processInstanceId as string))];
      const matching: string[] = [];
      for (const id of instanceIds) {
        const loaded = await ctx.service.load(id);
        if (!loaded) continue;
        const state = loaded.stored.state;
        if (!(await mayInstance(ctx, state, 'READ'))) continue;
        if (body.businessKey && state.businessKey !== body.businessKey) continue;
        if (!keys.every(([name, value]) => sameValue(state.root.variables?.[name], value))) continue;
        matching.push(id);
      }
      if (matching.length === 0) {
        throw mismatchingMessage(`Cannot correlate message '${body.messageName}': No process definition or execution matches the parameters`);
      }
      if (matching.length > 1 && !body.all) {
        throw mismatchingMessage(`Cannot correlate message '${body.messageName}': ${matching.length} executions match the correlation keys`);
      }
      for (const id of matching) {
        const loaded = await ctx.service.load(id);
        if (loaded) await requireInstance(ctx, loaded.stored.state, 'UPDATE');
      }
      for (const id of matching) {
        await ctx.service.update(id, (state, model) => correlateMessage(state, model, body.messageName, variables, ctx.service.env), () =>
          mismatchingMessage(`Cannot correlate message '${body.messageName}': No process definition or execution matches the parameters`),
        );
      }
      if (!body.resultEnabled) return noContent();
      return json(200, matching.map((id) => ({ resultType: 'Execution', execution: { id, processInstanceId: id, ended: false, tenantId: null }, processInstance: null })));
    },
  }),
];
