import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ENGINE_TABLE, EXECUTE_QUEUE, JOB_QUEUE, MONITOR_QUEUE, physicalName, SEED_QUEUE } from '../shared/infrastructure/resources.ts';
import type { StackConfig } from './config.ts';
import { alarmAbove } from './constructs/alarm.ts';
import { EngineDashboard } from './constructs/dashboard.ts';
import { EngineFunction } from './constructs/engine-function.ts';
import { WorkQueue } from './constructs/worker.ts';
import { applyNagSuppressions } from './nag-suppressions.ts';

export interface EngineStackProps extends StackProps {
  config: StackConfig;
}

/** Worker timeouts: a sixth of their queue's visibility timeout, as AWS recommends for SQS sources. */
function workerTimeout(visibilityTimeoutSeconds: number): Duration {
  return Duration.seconds(Math.floor(visibilityTimeoutSeconds / 6));
}

/**
 * The whole product in one stack: the engine table, four work queues with DLQs, five functions,
 * the REST API, the timer schedule and the alarms. Table and queue shapes come from
 * shared/infrastructure/resources.ts, the same definitions the local runtime creates.
 */
export class EngineStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: EngineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const name = (resource: string) => physicalName(config.prefix, resource);

    const alarmTopic = new sns.Topic(this, 'Alarms', { displayName: 'Camunda engine alarms', enforceSSL: true });
    if (config.alarmEmail) alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    // AWS::DynamoDB::Table (not TableV2/GlobalTable): single-region, and what emulators deploy too.
    this.table = new dynamodb.Table(this, 'EngineTable', {
      tableName: name(ENGINE_TABLE.id),
      partitionKey: { name: ENGINE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ENGINE_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.retainData,
      timeToLiveAttribute: ENGINE_TABLE.timeToLiveAttribute,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of ENGINE_TABLE.indexes.slice(0, config.engineIndexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      });
    }

    const queues = {
      jobs: new WorkQueue(this, 'JobQueue', { definition: JOB_QUEUE, queueName: name(JOB_QUEUE.id), alarmTopic }),
      seed: new WorkQueue(this, 'SeedQueue', { definition: SEED_QUEUE, queueName: name(SEED_QUEUE.id), alarmTopic }),
      execute: new WorkQueue(this, 'ExecuteQueue', { definition: EXECUTE_QUEUE, queueName: name(EXECUTE_QUEUE.id), alarmTopic }),
      monitor: new WorkQueue(this, 'MonitorQueue', { definition: MONITOR_QUEUE, queueName: name(MONITOR_QUEUE.id), alarmTopic }),
    };

    // The first administrator: user `admin` with a generated password, read by the api function.
    const adminSecret = config.adminSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'AdminCredentials', config.adminSecretArn)
      : new secretsmanager.Secret(this, 'AdminCredentials', {
          description: 'First administrator of the Camunda engine (member of camunda-admin)',
          generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'admin' }), generateStringKey: 'password', excludePunctuation: true, passwordLength: 32 },
        });

    const environment = {
      TABLE_NAME: this.table.tableName,
      JOB_QUEUE_URL: queues.jobs.queue.queueUrl,
      BATCH_SEED_QUEUE_URL: queues.seed.queue.queueUrl,
      BATCH_EXECUTE_QUEUE_URL: queues.execute.queue.queueUrl,
      BATCH_MONITOR_QUEUE_URL: queues.monitor.queue.queueUrl,
      DEFAULT_JOB_RETRIES: String(config.defaultJobRetries),
      BATCH_JOBS_PER_SEED: String(config.batchJobsPerSeed),
      INVOCATIONS_PER_BATCH_JOB: String(config.invocationsPerBatchJob),
      BATCH_POLL_TIME_SECONDS: String(config.batchPollTimeSeconds),
      AUTH_MODE: 'basic',
      ADMIN_SECRET_ARN: adminSecret.secretArn,
      INDEX_SHARDS: String(config.indexShards),
      AUTH_CACHE_SECONDS: String(config.authCacheSeconds),
    };
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const fn = (id: string, fnName: ConstructorParameters<typeof EngineFunction>[2]['name'], timeout: Duration, memorySize: number) =>
      new EngineFunction(this, id, { name: fnName, functionName: name(fnName), timeout, memorySize, environment, logRetention, alarmTopic }).fn;

    const api = fn('Api', 'api', Duration.seconds(29), 1024);
    const jobExecutor = fn('JobExecutor', 'job-executor', workerTimeout(JOB_QUEUE.visibilityTimeoutSeconds), 1024);
    const seed = fn('BatchSeed', 'batch-seed', workerTimeout(SEED_QUEUE.visibilityTimeoutSeconds), 512);
    const execute = fn('BatchExecute', 'batch-execute', workerTimeout(EXECUTE_QUEUE.visibilityTimeoutSeconds), 1024);
    const monitor = fn('BatchMonitor', 'batch-monitor', workerTimeout(MONITOR_QUEUE.visibilityTimeoutSeconds), 512);

    // Least privilege through construct grants: every function reads/writes the table; each worker
    // consumes only its own queue; senders get send rights only.
    for (const f of [api, jobExecutor, seed, execute, monitor]) this.table.grantReadWriteData(f);
    adminSecret.grantRead(api);
    for (const q of Object.values(queues)) q.queue.grantSendMessages(api);
    queues.jobs.queue.grantSendMessages(jobExecutor);
    queues.jobs.queue.grantSendMessages(execute);
    for (const q of [queues.seed, queues.execute, queues.monitor]) q.queue.grantSendMessages(seed);
    for (const q of [queues.execute, queues.monitor]) q.queue.grantSendMessages(execute);
    for (const q of [queues.seed, queues.execute, queues.monitor]) q.queue.grantSendMessages(monitor);

    queues.jobs.consumeWith(jobExecutor);
    queues.seed.consumeWith(seed);
    queues.execute.consumeWith(execute, { maxConcurrency: config.batchExecuteMaxConcurrency });
    queues.monitor.consumeWith(monitor);

    new events.Rule(this, 'TimerSweep', {
      description: 'Moves due timer jobs (and any job whose message was lost) to the job queue',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(jobExecutor)],
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention });
    this.api = new apigateway.RestApi(this, 'RestApi', {
      restApiName: name('engine-rest'),
      description: 'Camunda 7 REST API',
      // Every type may carry bytes: deployment uploads and resources (images) both ways. A Lambda
      // answer is returned as bytes only when it says it is base64 (isBase64Encoded).
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'prod',
        throttlingRateLimit: config.apiThrottleRatePerSecond,
        throttlingBurstLimit: config.apiThrottleBurst,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
      },
    });
    const engineRest = this.api.root.addResource('engine-rest');
    engineRest.addProxy({ defaultIntegration: new apigateway.LambdaIntegration(api), anyMethod: true });

    alarmAbove(
      this,
      'Api5xxAlarm',
      {
        description: 'More than 5% of API requests answered 5xx',
        metric: new cloudwatch.MathExpression({
          expression: '100 * errors / MAX([requests, 1])',
          usingMetrics: { errors: this.api.metricServerError({ period: Duration.minutes(5) }), requests: this.api.metricCount({ period: Duration.minutes(5) }) },
          period: Duration.minutes(5),
        }),
        threshold: 5,
      },
      alarmTopic,
    );

    const dashboard = new EngineDashboard(this, 'Dashboard', {
      dashboardName: name('engine'),
      api: this.api,
      deadLetterQueues: Object.fromEntries(Object.entries(queues).map(([key, q]) => [key, q.deadLetterQueue])),
    });

    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard: batches, dead letters, API' });
    new CfnOutput(this, 'EngineRestUrl', { value: `${this.api.url}engine-rest`, description: 'Base URL of the Camunda REST API' });
    new CfnOutput(this, 'AdminSecretArn', { value: adminSecret.secretArn, description: 'Credentials of the first administrator' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe to receive alarms' });

    applyNagSuppressions(this);
  }
}
