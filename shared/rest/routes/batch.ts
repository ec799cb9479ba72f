import * as z from 'zod/v4';
import {
  BATCH_SORT_KEYS,
  BATCH_STATISTICS_SORT_KEYS,
  batchFailures,
  countBatches,
  countBatchStatistics,
  deleteBatch,
  getBatch,
  getBatchRateLimit,
  queryBatches,
  queryBatchStatistics,
  setBatchRateLimit,
  setBatchSuspended,
} from '../../app/batches.ts';
import { countHistoricBatches, deleteHistoricBatch, getHistoricBatch, HISTORIC_BATCH_SORT_KEYS, queryHistoricBatches } from '../../app/historic-batches.ts';
import { batchDto, batchElementReportDto, batchStatisticsDto, historicBatchDto } from '../batch-dto.ts';
import { parseDate } from '../dates.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/** The body of PUT /batch/{id}/rate-limit: a number, or null to lift the limit. */
const RateLimitBody = z.object({ maxInstancesPerSecond: z.number().nullable().optional() }).passthrough();

const Suspension = z.object({ suspended: z.boolean().nullish() });

const date = () => qs.of(parseDate, (value) => `: cannot convert value "${value}" to java type java.util.Date`);

/** The filters all batch queries share (BatchQueryDto). */
const batchFilter = { batchId: qs.string(), type: qs.string(), tenantIdIn: qs.list(), withoutTenantId: qs.boolean(), suspended: qs.boolean() };
const BatchQueryParams = z.object({ ...sortingParams(BATCH_SORT_KEYS), ...batchFilter });
const BatchListParams = z.object({ ...BatchQueryParams.shape, ...pagingParams });
const StatisticsQueryParams = z.object({
  ...sortingParams(BATCH_STATISTICS_SORT_KEYS),
  ...batchFilter,
  createdBy: qs.string(),
  startedBefore: date(),
  startedAfter: date(),
  withFailures: qs.boolean(),
  withoutFailures: qs.boolean(),
});
const StatisticsListParams = z.object({ ...StatisticsQueryParams.shape, ...pagingParams });
const HistoricQueryParams = z.object({
  ...sortingParams(HISTORIC_BATCH_SORT_KEYS),
  batchId: qs.string(),
  type: qs.string(),
  completed: qs.boolean(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
});
const HistoricListParams = z.object({ ...HistoricQueryParams.shape, ...pagingParams });
const DeleteParams = z.object({ cascade: qs.boolean() });

export const batchRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/batch',
    handler: async ({ req, app, auth }) => {
      return json(200, (await queryBatches(app, auth, sorted(readQuery(req, BatchListParams)))).map(batchDto));
    },
  }),
  route({ method: 'GET', pattern: '/batch/count', handler: async ({ req, app, auth }) => json(200, { count: await countBatches(app, auth, sorted(readQuery(req, BatchQueryParams))) }) }),
  route({
    method: 'GET',
    pattern: '/batch/statistics',
    handler: async ({ req, app, auth }) => {
      const stats = await queryBatchStatistics(app, auth, sorted(readQuery(req, StatisticsListParams)));
      return json(
        200,
        stats.map(({ batch, stats }) => batchStatisticsDto(batch, stats)),
      );
    },
  }),
  route({
    method: 'GET',
    pattern: '/batch/statistics/count',
    handler: async ({ req, app, auth }) => json(200, { count: await countBatchStatistics(app, auth, sorted(readQuery(req, StatisticsQueryParams))) }),
  }),
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
      await deleteBatch(app, auth, { id: params.id, cascade: readQuery(req, DeleteParams).cascade ?? false });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/batch',
    handler: async ({ req, app, auth }) => {
      return json(200, (await queryHistoricBatches(app, auth, sorted(readQuery(req, HistoricListParams)))).map(historicBatchDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/batch/count',
    handler: async ({ req, app, auth }) => json(200, { count: await countHistoricBatches(app, auth, sorted(readQuery(req, HistoricQueryParams))) }),
  }),
  route({ method: 'GET', pattern: '/history/batch/{id}', handler: async ({ params, app, auth }) => json(200, historicBatchDto(await getHistoricBatch(app, auth, { id: params.id }))) }),
  // Extensions (docs/api.md, "Rate limit").
  route({
    method: 'GET',
    pattern: '/batch/{id}/rate-limit',
    handler: async ({ params, app, auth }) => json(200, { maxInstancesPerSecond: await getBatchRateLimit(app, auth, { id: params.id }) }),
  }),
  route({
    method: 'PUT',
    pattern: '/batch/{id}/rate-limit',
    handler: async ({ req, params, app, auth }) => {
      const { maxInstancesPerSecond } = readBody(req, RateLimitBody);
      if (maxInstancesPerSecond === undefined) throw invalidRequest('maxInstancesPerSecond is required (null lifts the limit)');
      await setBatchRateLimit(app, auth, { id: params.id, maxInstancesPerSecond });
      return noContent();
    },
  }),
  // Extensions (docs/api.md, "Batch failure report").
  route({
    method: 'GET',
    pattern: '/batch/{id}/failures',
    handler: async ({ req, params, app, auth }) =>
      json(200, (await batchFailures(app, auth, { id: params.id, historic: false, ...readQuery(req, z.object(pagingParams)) })).map(batchElementReportDto)),
  }),
  route({
    method: 'GET',
    pattern: '/history/batch/{id}/failures',
    handler: async ({ req, params, app, auth }) => json(200, (await batchFailures(app, auth, { id: params.id, historic: true, ...readQuery(req, z.object(pagingParams)) })).map(batchElementReportDto)),
  }),
  route({
    method: 'DELETE',
    pattern: '/history/batch/{id}',
    handler: async ({ params, app, auth }) => {
      await deleteHistoricBatch(app, auth, { id: params.id });
      return noContent();
    },
  }),
];
