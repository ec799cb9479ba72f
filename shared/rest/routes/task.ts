import * as z from 'zod/v4';
import { claimTask, completeTask } from '../../engine/operations.ts';
import { taskDto } from '../dto.ts';
import { RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { filterAllowed, mayTask, requireTask } from '../access.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';

const CompleteBody = z.object({ variables: VariableMapDto.nullish(), withVariablesInReturn: z.boolean().nullish() });
const ClaimBody = z.object({ userId: z.string().nullish() });

async function queryTasks(ctx: RouteContext) {
  const { req, service } = ctx;
  const q = req.query;
  const sort = sorting(q, ['id', 'name', 'assignee', 'created', 'processInstanceId', 'taskDefinitionKey']);
  const filters: [string, string | undefined][] = [
    ['processInstanceId', stringParam(q, 'processInstanceId')],
    ['processDefinitionId', stringParam(q, 'processDefinitionId')],
    ['processDefinitionKey', stringParam(q, 'processDefinitionKey')],
    ['taskDefinitionKey', stringParam(q, 'taskDefinitionKey')],
    ['assignee', stringParam(q, 'assignee')],
    ['id', stringParam(q, 'taskId')],
  ];
  const matching = (await service.deps.items.byKind('TASK')).filter((item) => filters.every(([field, value]) => value === undefined || item[field] === value));
  const items = await filterAllowed(matching, (item) => mayTask(ctx, item, 'READ'));
  return sortItems(items, sort, (item, by) => item[by] as string | number | null);
}

async function taskItem(ctx: RouteContext<'id'>) {
  const item = await ctx.service.deps.items.getTask(ctx.params.id);
  if (!item || !(await mayTask(ctx, item, 'READ'))) throw new RestError(404, `No matching task with id ${ctx.params.id}`);
  return item;
}

export const taskRoutes: Route[] = [
  route({ method: 'GET', pattern: '/task', handler: async (ctx) => json(200, page(await queryTasks(ctx), ctx.req.query).map(taskDto)) }),
  route({ method: 'GET', pattern: '/task/count', handler: async (ctx) => json(200, { count: (await queryTasks(ctx)).length }) }),
  route({ method: 'GET', pattern: '/task/{id}', handler: async (ctx) => json(200, taskDto(await taskItem(ctx))) }),
  route({
    method: 'POST',
    pattern: '/task/{id}/claim',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ClaimBody);
      const item = await taskItem(ctx);
      await requireTask(ctx, item, 'UPDATE');
      await ctx.service.update(item.processInstanceId as string, (state, model) => claimTask(state, model, ctx.params.id, body.userId ?? undefined, ctx.service.env), () => new RestError(404, `No matching task with id ${ctx.params.id}`));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/unclaim',
    handler: async (ctx) => {
      const item = await taskItem(ctx);
      await requireTask(ctx, item, 'UPDATE');
      await ctx.service.update(item.processInstanceId as string, (state, model) => claimTask(state, model, ctx.params.id, undefined, ctx.service.env), () => new RestError(404, `No matching task with id ${ctx.params.id}`));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/complete',
    handler: async (ctx) => {
      const body = readBody(ctx.req, CompleteBody);
      const variables = fromVariableMap(body.variables);
      const item = await ctx.service.deps.items.getTask(ctx.params.id);
      if (!item || !(await mayTask(ctx, item, 'READ'))) throw new RestError(404, `Cannot complete task ${ctx.params.id}: task with id ${ctx.params.id} does not exist`, 'RestException');
      await requireTask(ctx, item, 'UPDATE');
      const state = await ctx.service.update(item.processInstanceId as string, (s, model) => completeTask(s, model, ctx.params.id, variables, ctx.service.env), () => new RestError(404, `No matching task with id ${ctx.params.id}`));
      return body.withVariablesInReturn ? json(200, toVariableMapDto(state.root.variables)) : noContent();
    },
  }),
];
