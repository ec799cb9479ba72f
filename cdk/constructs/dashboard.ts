import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The metric namespace and names the handlers publish (shared/observability/metrics.ts). */
const NAMESPACE = 'CamundaEngine';
const SERVICE = { service: 'camunda-engine' };

export interface EngineDashboardProps {
  dashboardName: string;
  api: apigateway.RestApi;
  /** Dead-letter queues by the name of the queue they back. */
  deadLetterQueues: Record<string, sqs.IQueue>;
}

/**
 * One CloudWatch dashboard for an operator: batch progress and failures, what sits in the
 * dead-letter queues, API latency and errors, and optimistic-lock retries.
 */
export class EngineDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: EngineDashboardProps) {
    super(scope, id);
    const engineMetric = (metricName: string, label: string) =>
      new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap: SERVICE, statistic: 'Sum', period: Duration.minutes(1), label });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Batch progress',
        left: [engineMetric('BatchJobsCompleted', 'jobs completed'), engineMetric('InstancesModified', 'instances modified')],
        right: [engineMetric('BatchJobsFailed', 'jobs failed')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters (messages waiting)',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), label: name })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency',
        left: [props.api.metricLatency({ statistic: 'p50', label: 'p50' }), props.api.metricLatency({ statistic: 'p99', label: 'p99' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API errors, failed records, lock retries',
        left: [props.api.metricServerError({ label: '5xx' }), props.api.metricClientError({ label: '4xx' })],
        right: [engineMetric('RecordsFailed', 'failed SQS records'), engineMetric('OptimisticLockRetries', 'optimistic-lock retries'), engineMetric('JobsFailed', 'jobs failed')],
        width: 12,
      }),
    );
  }
}
