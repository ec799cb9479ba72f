import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.ts';
import { createBatchExecuteHandler } from '../../functions/batch-execute/handler.ts';
import { createBatchMonitorHandler } from '../../functions/batch-monitor/handler.ts';
import { createBatchSeedHandler } from '../../functions/batch-seed/handler.ts';
import { createJobExecutorHandler } from '../../functions/job-executor/handler.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { METRIC, metrics } from '../../shared/observability/metrics.ts';
import { createServices } from '../../shared/service/compose.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { startBrokenStore } from '../support/broken-store.ts';
import { type LogLine, captureLogs } from '../support/logs.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * Every Lambda handler is a middy handler with Powertools: a failing record or request is logged
 * exactly once, as JSON, with the error, its cause and the correlation id; the correlation id of
 * the API request that created a batch is on every seed, execute and monitor log line.
 */
const apiEvent = (method: string, path: string, requestId: string, body?: unknown) =>
  ({
    httpMethod: method,
    path: `/engine-rest${path}`,
    headers: { host: 'localhost', 'content-type': 'application/json' },
    queryStringParameters: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId, stage: 'test' },
  }) as unknown as APIGatewayProxyEvent;

const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `message-${i}`,
    receiptHandle: `receipt-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  })),
});

const errorsIn = (lines: LogLine[]) => lines.filter((line) => line.level === 'ERROR');

describe('logs of failing records and requests', () => {
  let store: Awaited<ReturnType<typeof startBrokenStore>>;
  let services: ReturnType<typeof createServices>;

  beforeAll(async () => {
    store = await startBrokenStore();
    services = createServices(store.config());
  });
  afterAll(() => store.close());

  it.each([
    ['job-executor', () => createJobExecutorHandler(services.engine), { processInstanceId: 'pi-1', jobId: 'job-1' }],
    ['batch-seed', () => createBatchSeedHandler(services.batches), { batchId: 'b-1' }],
    ['batch-execute', () => createBatchExecuteHandler(services.batches), { batchId: 'b-1', jobId: 'j-1', processInstanceIds: ['pi-1'] }],
    ['batch-monitor', () => createBatchMonitorHandler(services.batches), { batchId: 'b-1' }],
  ] as const)('%s: a record the store fails is one JSON error line with its correlation id, the error and its cause', async (worker, create, message) => {
    // given a message caused by request "corr-<worker>", and a store that answers an HTML page
    const handler = create() as (event: SQSEvent) => Promise<unknown>;

    // when
    const { result, lines } = await captureLogs(() => handler(sqsEvent(JSON.stringify({ ...message, correlationId: `corr-${worker}` }))));

    // then the record is handed back to SQS, and logged once
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-0' }] });
    const errors = errorsIn(lines);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'record failed', correlationId: `corr-${worker}`, worker, messageId: 'message-0', receiveCount: 1 });
    expect(errors[0]!.error).toMatchObject({ name: 'AwsServiceFailure', cause: { name: 'SyntaxError' } });
    expect(errors[0]!.error.message).toMatch(/^DynamoDB answered HTTP 502 with a body that is not an AWS response/);
  });

  it('a poison record (not JSON) is one error line under its message id, and the good record beside it still runs', async () => {
    const handler = createBatchMonitorHandler(services.batches) as (event: SQSEvent) => Promise<unknown>;
    const { result, lines } = await captureLogs(() => handler(sqsEvent('{not json')));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-0' }] });
    const errors = errorsIn(lines);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'record failed', correlationId: 'message-0', worker: 'batch-monitor', error: { name: 'SyntaxError' } });
  });

  it('api: a 5xx is one error line with the request id; a 4xx is no error line', async () => {
    const handler = createApiHandler(services);
    const failing = await captureLogs(() => handler(apiEvent('GET', '/process-instance/pi-1', 'req-5xx')));
    expect(failing.result.statusCode).toBe(500);
    expect(errorsIn(failing.lines)).toHaveLength(1);
    expect(errorsIn(failing.lines)[0]).toMatchObject({
      correlationId: 'req-5xx',
      status: 500,
      route: 'GET /process-instance/{id}',
      error: { name: 'AwsServiceFailure', cause: { name: 'SyntaxError' } },
    });

    const refused = await captureLogs(() => handler(apiEvent('GET', '/no-such-resource', 'req-4xx')));
    expect(refused.result.statusCode).toBe(404);
    expect(errorsIn(refused.lines)).toEqual([]);
  });
});

describe('correlation ids through a batch', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { batchPollTimeSeconds: 1 } });
  });
  afterAll(() => runtime?.stop());

  it('carries the id of the API request that created a batch into every seed, execute and monitor log line', async () => {
    // given two instances waiting in 'first'
    const api = restClient(runtime.url);
    expect((await api.deploy({ 'observed.bpmn': userTaskChain('observed', ['first', 'second']) })).status).toBe(200);
    const ids = [(await api.post('/process-definition/key/observed/start')).body.id, (await api.post('/process-definition/key/observed/start')).body.id];
    const handler = createApiHandler(runtime.services);

    // when request "req-batch" creates a batch and the workers run it to the end
    const { lines } = await captureLogs(async () => {
      const created = await handler(
        apiEvent('POST', '/modification/executeAsync', 'req-batch', {
          processInstanceIds: ids,
          processDefinitionId: (await api.get(`/process-instance/${ids[0]}`)).body.definitionId,
          instructions: [{ type: 'startBeforeActivity', activityId: 'second' }],
        }),
      );
      expect(created.statusCode).toBe(200);
      const batchId = JSON.parse(created.body).id as string;
      await eventually(async () => (await api.get(`/batch/${batchId}`)).status === 404, 20_000);
      return batchId;
    });

    // then every worker that handled one of its messages logged the request's id
    const handled = lines.filter((line) => line.message === 'record handled' && line.body?.batchId);
    const workers = new Set(handled.map((line) => line.worker));
    expect(workers).toEqual(new Set(['batch-seed', 'batch-execute', 'batch-monitor']));
    for (const line of handled) expect(line.correlationId, JSON.stringify(line)).toBe('req-batch');
  });

  it('counts modified instances, completed batch jobs and optimistic-lock retries as metrics', async () => {
    // given
    const added = vi.spyOn(metrics, 'addMetric');
    const api = restClient(runtime.url);
    const id = (await api.post('/process-definition/key/observed/start')).body.id as string;

    // when a synchronous modification and a batch run
    expect((await api.post(`/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'second' }] })).status).toBe(204);
    const batch = (await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'second' }] })).body;
    await eventually(async () => (await api.get(`/batch/${batch.id}`)).status === 404, 20_000);

    // then
    const counted = (name: string) => added.mock.calls.filter(([metric]) => metric === name).reduce((sum, [, , value]) => sum + (value as number), 0);
    expect(counted(METRIC.instancesModified)).toBe(2);
    expect(counted(METRIC.batchJobsCompleted)).toBe(1);
    added.mockRestore();
  });
});
