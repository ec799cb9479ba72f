import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';

/**
 * The engine's CloudWatch metrics, as embedded metric format lines (Powertools Metrics): published
 * at the end of each Lambda invocation by the handlers' middleware. Off in the local runtime unless
 * POWERTOOLS_METRICS_DISABLED=false.
 */
export const metrics = new Metrics({
  namespace: 'CamundaEngine',
  serviceName: 'camunda-engine',
  // Its notes (an invocation without metrics, a dimension overwritten) are not the operator's concern.
  logger: {
    debug: (...a: unknown[]) => logger.debug(String(a[0])),
    info: (...a: unknown[]) => logger.debug(String(a[0])),
    warn: (...a: unknown[]) => logger.debug(String(a[0])),
    error: (...a: unknown[]) => logger.error(String(a[0])),
  },
});

export const METRIC = {
  instancesModified: 'InstancesModified',
  batchJobsCompleted: 'BatchJobsCompleted',
  batchJobsFailed: 'BatchJobsFailed',
  optimisticLockRetries: 'OptimisticLockRetries',
  jobsExecuted: 'JobsExecuted',
  jobsFailed: 'JobsFailed',
  recordsFailed: 'RecordsFailed',
  apiLatency: 'ApiLatency',
} as const;

export function count(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** One API request's latency, by route pattern and status: its own EMF line, so concurrent requests never share dimensions. */
export function recordApiLatency(route: string, status: number, milliseconds: number): void {
  const single = metrics.singleMetric();
  single.addDimensions({ route, status: String(status) });
  single.addMetric(METRIC.apiLatency, MetricUnit.Milliseconds, milliseconds);
}
