/**
 * Camunda's engine metrics (ManagementService#createMetricsQuery): sums and interval series of
 * what the engine counted (shared/service/engine-metrics.ts). Any authenticated caller may read
 * them, as in Camunda, whose metrics query checks no permission.
 */
import { processEngineError } from '../engine/errors.ts';
import { ENGINE_METRIC, internalMetricName } from '../service/engine-metrics.ts';
import type { MetricCount } from '../store/metric-repository.ts';
import type { AppContext, UseCase } from './app-context.ts';

/** Camunda's defaults: 15-minute intervals, at most 200 rows. */
const DEFAULT_INTERVAL_SECONDS = 15 * 60;
const MAX_INTERVAL_ROWS = 200;

/** The task worker metric (how many people became assignees) under its two names. */
const TASK_WORKERS = new Set(['unique-task-workers', 'task-users']);

export interface MetricsWindow {
  startDate?: number;
  endDate?: number;
}

async function countsOf(app: AppContext, name: string, window: MetricsWindow): Promise<MetricCount[]> {
  const store = app.engine.deps.metrics;
  return store ? store.counts(internalMetricName(name), window.startDate, window.endDate) : [];
}

/**
 * GET /metrics/{name}/sum: everything counted with `startDate <= time < endDate`; for the task
 * worker metric, how many different people became assignees then (Camunda's getUniqueTaskWorkerCount).
 */
export const sumMetric: UseCase<MetricsWindow & { name: string }, number> = async (app, _caller, input) => {
  const store = app.engine.deps.metrics;
  if (TASK_WORKERS.has(input.name)) return store ? store.uniqueTaskWorkers(input.startDate, input.endDate) : 0;
  return (await countsOf(app, input.name, input)).reduce((sum, count) => sum + count.value, 0);
};

/** DELETE /metrics/task-worker (DeleteTaskMetricsCmd): the task worker log before `date`, or all of it; DELETE on System. */
export const deleteTaskWorkerMetrics: UseCase<{ before?: number }, void> = async (app, caller, input) => {
  await caller.require({ permission: 'DELETE', resource: 'System' });
  await app.engine.deps.metrics?.deleteTaskWorkers(input.before);
};

export interface IntervalQuery extends MetricsWindow {
  name?: string;
  reporter?: string;
  interval?: number;
  firstResult?: number;
  maxResults?: number;
}

export interface IntervalValue {
  timestamp: number;
  name: string;
  reporter: string | null;
  value: number;
}

/**
 * GET /metrics: the sums per interval (seconds; aligned to the epoch), newest first, then by name
 * descending (Camunda's ORDER BY). The engine has one reporter, so every row's is null, as
 * Camunda's `aggregateByReporter` gives; a `reporter` filter then finds nothing.
 */
export const metricIntervals: UseCase<IntervalQuery, IntervalValue[]> = async (app, _caller, input) => {
  if ((input.maxResults ?? 0) > MAX_INTERVAL_ROWS) throw processEngineError(`Metrics interval query row limit can't be set larger than ${MAX_INTERVAL_ROWS}.`);
  if (input.reporter !== undefined) return [];
  const intervalMs = (input.interval ?? DEFAULT_INTERVAL_SECONDS) * 1000;
  const names = input.name !== undefined ? [input.name] : Object.values(ENGINE_METRIC);
  const rows = new Map<string, IntervalValue>();
  for (const name of names) {
    for (const count of await countsOf(app, name, input)) {
      const timestamp = Math.floor(count.timestamp / intervalMs) * intervalMs;
      const key = `${timestamp}\u0000${name}`;
      const row = rows.get(key) ?? { timestamp, name, reporter: null, value: 0 };
      row.value += count.value;
      rows.set(key, row);
    }
  }
  const sorted = [...rows.values()].sort((a, b) => b.timestamp - a.timestamp || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const first = input.firstResult ?? 0;
  return sorted.slice(first, first + (input.maxResults ?? MAX_INTERVAL_ROWS));
};
