/** /metrics (Camunda's MetricsRestService): a metric's sum, and sums per interval. */
import * as z from 'zod/v4';
import { deleteTaskWorkerMetrics, metricIntervals, sumMetric } from '../../app/metrics.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json, noContent } from '../http.ts';
import { qs, readQuery } from '../query-params.ts';
import { route, type Route } from '../router.ts';

const date = () => qs.of((raw) => parseDate(raw));
const SumParams = z.object({ startDate: date(), endDate: date() });
const IntervalParams = z.object({
  name: qs.string(),
  reporter: qs.string(),
  startDate: date(),
  endDate: date(),
  firstResult: qs.integer(),
  maxResults: qs.integer(),
  interval: qs.integer(),
  aggregateByReporter: qs.string(),
});

const DeleteParams = z.object({ date: date() });

export const metricsRoutes: Route[] = [
  route({
    method: 'DELETE',
    pattern: '/metrics/task-worker',
    handler: async (ctx) => {
      await deleteTaskWorkerMetrics(ctx.app, ctx.auth, { before: readQuery(ctx.req, DeleteParams).date });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/metrics/{name}/sum',
    handler: async (ctx) => json(200, { result: await sumMetric(ctx.app, ctx.auth, { name: ctx.params.name, ...readQuery(ctx.req, SumParams) }) }),
  }),
  route({
    method: 'GET',
    pattern: '/metrics',
    handler: async (ctx) => {
      const { aggregateByReporter: _aggregate, ...query } = readQuery(ctx.req, IntervalParams);
      const rows = await metricIntervals(ctx.app, ctx.auth, query);
      return json(
        200,
        rows.map((row) => ({ timestamp: formatDate(row.timestamp), name: row.name, reporter: row.reporter, value: row.value })),
      );
    },
  }),
];
