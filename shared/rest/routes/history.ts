import { historicProcessInstanceDto } from '../dto.ts';
import { RestError } from '../errors.ts';
import { json } from '../http.ts';
import { booleanParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { type Route, type RouteContext, route } from '../router.ts';
import { filterAllowed, mayReadHistory } from '../access.ts';
import type { Item } from '../../store/projections.ts';

async function versionOf(ctx: RouteContext, definitionId: string): Promise<number | null> {
  return (await ctx.service.definition(definitionId))?.version ?? null;
}

async function queryHistory(ctx: RouteContext): Promise<Item[]> {
  const q = ctx.req.query;
  const sort = sorting(q, ['instanceId', 'definitionId', 'definitionKey', 'businessKey', 'startTime', 'endTime', 'duration', 'tenantId']);
  const id = stringParam(q, 'processInstanceId');
  const definitionId = stringParam(q, 'processDefinitionId');
  const definitionKey = stringParam(q, 'processDefinitionKey');
  const businessKey = stringParam(q, 'processInstanceBusinessKey');
  const finished = booleanParam(q, 'finished');
  const unfinished = booleanParam(q, 'unfinished');
  const state = stringParam(q, 'state');
  const readable = await filterAllowed(await ctx.service.deps.items.byKind('HPI'), (i) => mayReadHistory(ctx, i));
  const items = readable.filter(
    (i) =>
      (!id || i.id === id) &&
      (!definitionId || i.processDefinitionId === definitionId) &&
      (!definitionKey || i.processDefinitionKey === definitionKey) &&
      (!businessKey || i.businessKey === businessKey) &&
      (!finished || i.endTime !== null) &&
      (!unfinished || i.endTime === null) &&
      (!state || i.state === state),
  );
  const field: Record<string, string> = { instanceId: 'id', definitionId: 'processDefinitionId', definitionKey: 'processDefinitionKey', businessKey: 'businessKey', startTime: 'startTime', endTime: 'endTime', tenantId: 'tenantId' };
  return sortItems(items, sort, (i, by) => (by === 'duration' ? ((i.endTime as number) ?? 0) - (i.startTime as number) : (i[field[by]!] as string | number | null)));
}

export const historyRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/process-instance',
    handler: async (ctx) => {
      const items = page(await queryHistory(ctx), ctx.req.query);
      return json(200, await Promise.all(items.map(async (i) => historicProcessInstanceDto(i, await versionOf(ctx, i.processDefinitionId as string)))));
    },
  }),
  route({ method: 'GET', pattern: '/history/process-instance/count', handler: async (ctx) => json(200, { count: (await queryHistory(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/history/process-instance/{id}',
    handler: async (ctx) => {
      const item = await ctx.service.deps.items.getHistoricInstance(ctx.params.id);
      if (!item || !(await mayReadHistory(ctx, item))) throw new RestError(404, `Historic process instance with id ${ctx.params.id} does not exist`);
      return json(200, historicProcessInstanceDto(item, await versionOf(ctx, item.processDefinitionId as string)));
    },
  }),
];
