import * as z from 'zod/v4';
import {
  BATCH_SORT_KEYS,
  BATCH_STATISTICS_SORT_KEYS,
  type BatchFilter,
  countBatches,
  countBatchStatistics,
  deleteBatch,
  getBatch,
  queryBatches,
  queryBatchStatistics,
  setBatchSuspended,
} from '../../app/batches.ts';
import { countHistoricBatches, deleteHistoricBatch, getHistoricBatch, HISTORIC_BATCH_SORT_KEYS, queryHistoricBatches } from '../../app/historic-batches.ts';
import { batchDto, batchStatisticsDto, historicBatchDto } from '../batch-dto.ts';
import { parseDate } from '../dates.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { booleanParam, listParam, pagingParams, sorting, stringParam } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

type Query = Record<string, string | undefined>;

const Suspension = z.object({ suspended: z.boolean().nullish() });

function dateParam(query: Query, name: string): number | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return undefined;
  const time = parseDate(value);
  if (time === undefined) throw invalidRequest(`Cannot set query parameter '${name}' to value '${value}': cannot convert value "${value}" to java type java.util.Date`);
  return time;
}

/** The filters all batch queries share (BatchQueryDto). */
function batchFilter(q: Query): BatchFilter {
  return {
    batchId: stringParam(q, 'batchId'),
    type: stringParam(q, 'type'),
    tenantIdIn: listParam(q, 'tenantIdIn'),
    withoutTenantId: booleanParam(q, 'withoutTenantId'),
    suspended: booleanParam(q, 'suspended'),
  };
}

function batchQuery(q: Query) {
  const sort = sorting(q, BATCH_SORT_KEYS);
  return { ...batchFilter(q), sort };
}

function statisticsQuery(q: Query) {
  const sort = sorting(q, BATCH_STATISTICS_SORT_KEYS);
  return {
    ...batchFilter(q),
    createdBy: stringParam(q, 'createdBy'),
    startedBefore: dateParam(q, 'startedBefore'),
    startedAfter: dateParam(q, 'startedAfter'),
    withFailures: booleanParam(q, 'withFailures'),
    withoutFailures: booleanParam(q, 'withoutFailures'),
    sort,
  };
}

function historicQuery(q: Query) {
  const sort = sorting(q, HISTORIC_BATCH_SORT_KEYS);
  return {
    batchId: stringParam(q, 'batchId'),
    type: stringParam(q, 'type'),
    completed: booleanParam(q, 'completed'),
    tenantIdIn: listParam(q, 'tenantIdIn'),
    withoutTenantId: booleanParam(q, 'withoutTenantId'),
    sort,
  };
}

export const batchRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/batch',
    handler: async ({ req, app, auth }) => {
      const query = batchQuery(req.query);
      return json(200, (await queryBatches(app, auth, { ...query, ...pagingParams(req.query) })).map(batchDto));
    },
  }),
  route({ method: 'GET', pattern: '/batch/count', handler: async ({ req, app, auth }) => json(200, { count: await countBatches(app, auth, batchQuery(req.query)) }) }),
  route({
    method: 'GET',
    pattern: '/batch/statistics',
    handler: async ({ req, app, auth }) => {
      const query = statisticsQuery(req.query);
      return json(
        200,
        (await queryBatchStatistics(app, auth, { ...query, ...pagingParams(req.query) })).map(({ batch, stats }) => batchStatisticsDto(batch, stats)),
      );
    },
  }),
  route({ method: 'GET', pattern: '/batch/statistics/count', handler: async ({ req, app, auth }) => json(200, { count: await countBatchStatistics(app, auth, statisticsQuery(req.query)) }) }),
  route({ method: 'GET', pattern: '/batch/{id}', handler: async ({ params, app, auth }) => json(200, batchDto(await getBatch(app, auth, { id: params.id }))) }),
  route({
    method: 'PUT',
    pattern: '/batch/{id}/suspended',
    handler: async ({ req, params, app, auth }) => {
      // Camunda reads a primitive boolean: a missing field means false (activate).
      const suspended = readBody(req, Suspension).suspended ?? false;
      await setBatchSuspended(app, auth, { id: params.id, suspended });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/batch/{id}',
    handler: async ({ req, params, app, auth }) => {
      await deleteBatch(app, auth, { id: params.id, cascade: booleanParam(req.query, 'cascade') ?? false });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/batch',
    handler: async ({ req, app, auth }) => {
      const query = historicQuery(req.query);
      return json(200, (await queryHistoricBatches(app, auth, { ...query, ...pagingParams(req.query) })).map(historicBatchDto));
    },
  }),
  route({ method: 'GET', pattern: '/history/batch/count', handler: async ({ req, app, auth }) => json(200, { count: await countHistoricBatches(app, auth, historicQuery(req.query)) }) }),
  route({ method: 'GET', pattern: '/history/batch/{id}', handler: async ({ params, app, auth }) => json(200, historicBatchDto(await getHistoricBatch(app, auth, { id: params.id }))) }),
  route({
    method: 'DELETE',
    pattern: '/history/batch/{id}',
    handler: async ({ params, app, auth }) => {
      await deleteHistoricBatch(app, auth, { id: params.id });
      return noContent();
    },
  }),
];
