import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { StackConfig } from '../../cdk/config.ts';
import { EngineStack } from '../../cdk/engine-stack.ts';
import { ENGINE_TABLE, QUEUES } from '../../shared/infrastructure/resources.ts';

/** Synthesizes without bundling (asset contents are not what these tests check). */
function synth(config: Partial<StackConfig> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new EngineStack(app, 'TestEngine', { config: StackConfig.parse({ prefix: 'test', ...config }) });
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, any> };

describe('the CDK stack', () => {
  let template: Template;
  let stack: EngineStack;
  beforeAll(() => {
    ({ stack, template } = synth({ alarmEmail: 'ops@example.com' }));
  });

  const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];

  it('creates the engine table from the shared definition: on demand, PITR, deletion protection, TTL, all four indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `test-${ENGINE_TABLE.id}`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: ENGINE_TABLE.indexes.map((index) =>
        Match.objectLike({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('declares fewer indexes on request (one new index per table update) and hands the index shards and the identity cache lifetime to every function', () => {
    const { template: upgrading } = synth({ engineIndexes: 3, indexShards: 64, authCacheSeconds: 2 });
    const [table] = Object.values(upgrading.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(table!.Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    const functions = Object.values(upgrading.findResources('AWS::Lambda::Function')) as Resource[];
    const engineFunctions = functions.filter((f) => f.Properties.Environment?.Variables?.TABLE_NAME);
    expect(engineFunctions.length).toBeGreaterThanOrEqual(5);
    for (const f of engineFunctions) expect(f.Properties.Environment.Variables).toMatchObject({ INDEX_SHARDS: '64', AUTH_CACHE_SECONDS: '2' });
  });

  it('creates every queue of the shared definition with a DLQ, encryption and a visibility timeout of at least 6x its consumer timeout', () => {
    const queues = resources('AWS::SQS::Queue');
    const functions = resources('AWS::Lambda::Function');
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    for (const definition of QUEUES) {
      const [queueId, queue] = queues.find(([, q]) => q.Properties.QueueName === `test-${definition.id}`)!;
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(definition.maxReceiveCount);
      expect(queues.some(([, q]) => q.Properties.QueueName === `test-${definition.id}-dlq`)).toBe(true);
      const mapping = mappings.find(([, m]) => JSON.stringify(m.Properties.EventSourceArn).includes(queueId))!;
      expect(mapping[1].Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping[1].Properties.BatchSize).toBe(definition.batchSize);
      const consumer = functions.find(([id]) => JSON.stringify(mapping[1].Properties.FunctionName).includes(id))!;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer[1].Properties.Timeout);
    }
  });

  it('keeps DLQ delivery counts above the job retries so engine retries happen before dead-lettering', () => {
    for (const definition of QUEUES) expect(definition.maxReceiveCount).toBeGreaterThan(StackConfig.parse({}).defaultJobRetries);
  });

  it('runs five Node 24 arm64 functions with JSON logs, a log group with retention and the typed configuration', () => {
    const functions = resources('AWS::Lambda::Function').filter(([, f]) => f.Properties.Runtime === 'nodejs24.x');
    expect(functions.map(([, f]) => f.Properties.FunctionName).sort()).toEqual(['test-api', 'test-batch-execute', 'test-batch-monitor', 'test-batch-seed', 'test-job-executor']);
    for (const [, f] of functions) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.LoggingConfig.LogFormat).toBe('JSON');
      expect(Object.keys(f.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'JOB_QUEUE_URL', 'BATCH_SEED_QUEUE_URL', 'BATCH_EXECUTE_QUEUE_URL', 'BATCH_MONITOR_QUEUE_URL', 'BATCH_JOBS_PER_SEED', 'BATCH_POLL_TIME_SECONDS']),
      );
    }
    const logGroups = resources('AWS::Logs::LogGroup');
    for (const name of ['api', 'job-executor', 'batch-seed', 'batch-execute', 'batch-monitor']) {
      expect(logGroups.find(([, g]) => g.Properties.LogGroupName === `/aws/lambda/test-${name}`)?.[1].Properties.RetentionInDays).toBe(30);
    }
  });

  it('limits concurrent batch executions to protect DynamoDB', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 20 } });
  });

  it('lets the api function send to the seed queue without reading it, and each worker read only its own queue', () => {
    const policies = resources('AWS::IAM::Policy');
    const statementsOf = (roleFragment: string) =>
      policies
        .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleFragment))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const queueId = (queueName: string) => resources('AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === queueName)![0];
    const actionsOn = (roleFragment: string, queueName: string) =>
      statementsOf(roleFragment)
        .filter((s) => JSON.stringify(s.Resource).includes(`"${queueId(queueName)}"`))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actionsOn('ApiFunction', 'test-batch-seed')).toContain('sqs:SendMessage');
    expect(actionsOn('ApiFunction', 'test-batch-seed')).not.toContain('sqs:ReceiveMessage');
    expect(actionsOn('BatchSeedFunction', 'test-batch-seed')).toContain('sqs:ReceiveMessage');
    expect(actionsOn('BatchExecuteFunction', 'test-batch-seed')).not.toContain('sqs:ReceiveMessage');
    expect(actionsOn('BatchExecuteFunction', 'test-batch-execute')).toContain('sqs:ReceiveMessage');
    expect(actionsOn('JobExecutorFunction', 'test-batch-execute')).toEqual([]);
    expect(actionsOn('JobExecutorFunction', 'test-jobs')).toContain('sqs:ReceiveMessage');
    for (const [, policy] of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]) {
        const list = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        expect(list.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      }
    }
  });

  it('exposes /engine-rest/{proxy+} through a throttled, access-logged REST API stage and outputs its URL', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 })]),
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
    expect(Object.keys(template.findOutputs('EngineRestUrl'))).toHaveLength(1);
  });

  it('sweeps due timers on an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', Targets: Match.arrayWith([Match.objectLike({ Arn: Match.anyValue() })]) });
  });

  it('alarms on dead letters, message age, worker errors and throttles and the API 5xx rate, all to one SNS topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    const metrics = alarms.map(([, a]) => a.Properties.MetricName ?? 'expression');
    expect(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(QUEUES.length);
    expect(metrics.filter((m) => m === 'ApproximateAgeOfOldestMessage')).toHaveLength(QUEUES.length);
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(5);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(5);
    expect(metrics.filter((m) => m === 'expression')).toHaveLength(1);
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    for (const [, alarm] of alarms) expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain(topics[0]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('shows batch progress and failures, dead-letter depth and API latency and errors on one dashboard', () => {
    const [, dashboard] = resources('AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['BatchJobsCompleted', 'BatchJobsFailed', 'InstancesModified', 'RecordsFailed', 'OptimisticLockRetries', 'ApproximateNumberOfMessagesVisible', 'Latency', '5XXError']) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toContain('CamundaEngine');
    // one dead-letter line per queue
    expect(body.match(/ApproximateNumberOfMessagesVisible/g)).toHaveLength(QUEUES.length);
  });

  it('passes cdk-nag AwsSolutions checks with no unsuppressed error', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => e.entry.data)).toEqual([]);
  });

  it('refuses an invalid configuration at synth time', () => {
    expect(() => StackConfig.parse({ prefix: 'bad prefix!' })).toThrow();
    expect(() => StackConfig.parse({ batchJobsPerSeed: 0 })).toThrow();
  });
});
