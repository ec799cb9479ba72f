import * as z from 'zod/v4';
import { type Batch, batchStatistics } from '../../batch/batch.ts';
import { batchDto, batchStatisticsDto, historicBatchDto } from '../batch-dto.ts';
import { parseDate } from '../dates.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { booleanParam, listParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { canSeeBatch, filterAllowed } from '../access.ts';

const Suspension = z.object({ suspended: z.boolean().nullish() });

function dateParam(query: Record<string, string | undefined>, name: string): number | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return undefined;
  const time = parseDate(value);
  if (time === undefined) throw invalidRequest(`Cannot set query parameter '${name}' to value '${value}': cannot convert value "${value}" to java type java.util.Date`);
  return time;
}

/** The filters all batch queries share (BatchQueryDto). */
function baseFilter(q: Record<string, string | undefined>) {
  const batchId = stringParam(q, 'batchId');
  const type = stringParam(q, 'type');
  const tenants = listParam(q, 'tenantIdIn');
  const withoutTenant = booleanParam(q, 'withoutTenantId');
  const suspended = booleanParam(q, 'suspended');
  return (b: Batch) =>
    (batchId === undefined || b.id === batchId) &&
    (type === undefined || b.type === type) &&
    (tenants === undefined || (b.tenantId !== null && tenants.includes(b.tenantId))) &&
    (!withoutTenant || b.tenantId === null) &&
    (suspended === undefined || b.suspended === suspended);
}

async function queryBatches(ctx: RouteContext) {
  const q = ctx.req.query;
  const sort = sorting(q, ['batchId', 'tenantId']);
  const filter = baseFilter(q);
  const batches = await filterAllowed((await ctx.batches.repository.list()).filter(filter), (b) => canSeeBatch(ctx, b));
  return sortItems(batches, sort, (b, by) => (by === 'batchId' ? b.id : b.tenantId));
}

async function queryStatistics(ctx: RouteContext) {
  const q = ctx.req.query;
  const sort = sorting(q, ['batchId', 'tenantId', 'startTime']);
  const filter = baseFilter(q);
  const createdBy = stringParam(q, 'createdBy');
  const startedBefore = dateParam(q, 'startedBefore');
  const startedAfter = dateParam(q, 'startedAfter');
  const withFailures = booleanParam(q, 'withFailures');
  const withoutFailures = booleanParam(q, 'withoutFailures');
  const listed = await filterAllowed(await ctx.batches.repository.list(), (b) => canSeeBatch(ctx, b));
  const batches = listed.filter(
    (b) => filter(b) && (createdBy === undefined || b.createUserId === createdBy) && (startedBefore === undefined || b.startTime <= startedBefore) && (startedAfter === undefined || b.startTime >= startedAfter),
  );
  const withStats = await Promise.all(batches.map(async (b) => ({ batch: b, stats: batchStatistics(b, await ctx.batches.repository.jobs(b.id)) })));
  const filtered = withStats.filter(({ stats }) => (!withFailures || stats.failedJobs > 0) && (!withoutFailures || stats.failedJobs === 0));
  return sortItems(filtered, sort, ({ batch }, by) => (by === 'batchId' ? batch.id : by === 'tenantId' ? batch.tenantId : batch.startTime));
}

async function queryHistoric(ctx: RouteContext) {
  const q = ctx.req.query;
  const sort = sorting(q, ['batchId', 'startTime', 'endTime', 'tenantId']);
  const batchId = stringParam(q, 'batchId');
  const type = stringParam(q, 'type');
  const completed = booleanParam(q, 'completed');
  const tenants = listParam(q, 'tenantIdIn');
  const withoutTenant = booleanParam(q, 'withoutTenantId');
  const readable = await filterAllowed(await ctx.batches.repository.listHistoric(), (h) => canSeeBatch(ctx, h, 'READ_HISTORY'));
  const items = readable.filter(
    (h) =>
      (batchId === undefined || h.id === batchId) &&
      (type === undefined || h.type === type) &&
      (completed === undefined || (h.endTime !== null) === completed) &&
      (tenants === undefined || (h.tenantId !== null && tenants.includes(h.tenantId))) &&
      (!withoutTenant || h.tenantId === null),
  );
  return sortItems(items, sort, (h, by) => (by === 'batchId' ? h.id : by === 'tenantId' ? h.tenantId : by === 'startTime' ? h.startTime : h.endTime));
}

export const batchRoutes: Route[] = [
  route({ method: 'GET', pattern: '/batch', handler: async (ctx) => json(200, page(await queryBatches(ctx), ctx.req.query).map(batchDto)) }),
  route({ method: 'GET', pattern: '/batch/count', handler: async (ctx) => json(200, { count: (await queryBatches(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/batch/statistics',
    handler: async (ctx) => json(200, page(await queryStatistics(ctx), ctx.req.query).map(({ batch, stats }) => batchStatisticsDto(batch, stats))),
  }),
  route({ method: 'GET', pattern: '/batch/statistics/count', handler: async (ctx) => json(200, { count: (await queryStatistics(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/batch/{id}',
    handler: async (ctx) => {
      const batch = await ctx.batches.repository.get(ctx.params.id);
      // Read through the authorization-filtered query: an unreadable batch is a 404 (reference §1.9).
      if (!batch || !(await canSeeBatch(ctx, batch))) throw new RestError(404, `Batch with id '${ctx.params.id}' does not exist`);
      return json(200, batchDto(batch));
    },
  }),
  route({
    method: 'PUT',
    pattern: '/batch/{id}/suspended',
    handler: async (ctx) => {
      // Camunda reads a primitive boolean: a missing field means false (activate).
      const suspended = readBody(ctx.req, Suspension).suspended ?? false;
      const batch = await ctx.batches.repository.get(ctx.params.id);
      if (!batch || !ctx.auth.canSeeTenant(batch.tenantId)) throw new RestError(400, `Unable to ${suspended ? 'suspend' : 'activate'} batch with id '${ctx.params.id}'`, 'InvalidRequestException', 0);
      await ctx.auth.require({ permission: 'UPDATE', resource: 'Batch', resourceId: batch.id });
      await ctx.batches.setSuspended(batch.id, suspended);
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/batch/{id}',
    handler: async (ctx) => {
      const cascade = booleanParam(ctx.req.query, 'cascade') ?? false;
      const batch = await ctx.batches.repository.get(ctx.params.id);
      if (!batch || !ctx.auth.canSeeTenant(batch.tenantId)) throw new RestError(400, `Unable to delete batch with id '${ctx.params.id}'`, 'InvalidRequestException', 0);
      await ctx.auth.require({ permission: 'DELETE', resource: 'Batch', resourceId: batch.id });
      await ctx.batches.repository.remove(batch, ctx.service.env.now(), cascade);
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/history/batch', handler: async (ctx) => json(200, page(await queryHistoric(ctx), ctx.req.query).map(historicBatchDto)) }),
  route({ method: 'GET', pattern: '/history/batch/count', handler: async (ctx) => json(200, { count: (await queryHistoric(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/history/batch/{id}',
    handler: async (ctx) => {
      const historic = await ctx.batches.repository.getHistoric(ctx.params.id);
      if (!historic || !(await canSeeBatch(ctx, historic, 'READ_HISTORY'))) throw new RestError(404, `Historic batch with id '${ctx.params.id}' does not exist`);
      return json(200, historicBatchDto(historic));
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/history/batch/{id}',
    handler: async (ctx) => {
      const historic = await ctx.batches.repository.getHistoric(ctx.params.id);
      if (!historic || !ctx.auth.canSeeTenant(historic.tenantId)) throw new RestError(400, `Unable to delete historic batch with id '${ctx.params.id}'`, 'InvalidRequestException', 0);
      await ctx.auth.require({ permission: 'DELETE_HISTORY', resource: 'Batch', resourceId: historic.id });
      await ctx.batches.repository.deleteHistoric(historic.id);
      return noContent();
    },
  }),
];
