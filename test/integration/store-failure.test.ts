import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.ts';
import { asServiceFailure } from '../../shared/aws/service-failure.ts';
import { createServices } from '../../shared/service/compose.ts';
import type { EngineConfig } from '../../shared/service/config.ts';

/**
 * When the store's endpoint answers something that is not an AWS response (an HTML error page of a
 * proxy or an emulator) or drops the connection, the API answers Camunda's error body naming the
 * store failure, and logs it once with its cause and the request's correlation id: never the JSON
 * parse error of someone else's page.
 */
describe('a store that does not answer like AWS', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith('/reset')) {
        request.socket.destroy();
        return;
      }
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => vi.restoreAllMocks());

  const config = (path: string): EngineConfig => ({
    region: 'us-east-1',
    endpoint: `${endpoint}${path}`,
    tableName: 't',
    jobQueueUrl: `${endpoint}/q/jobs`,
    batchSeedQueueUrl: `${endpoint}/q/seed`,
    batchExecuteQueueUrl: `${endpoint}/q/execute`,
    batchMonitorQueueUrl: `${endpoint}/q/monitor`,
    defaultJobRetries: 3,
    batchJobsPerSeed: 100,
    invocationsPerBatchJob: 1,
    invocationsPerBatchJobByType: {},
    batchPollTimeSeconds: 1,
    authMode: 'off',
  });

  const get = (path: string, requestId: string) =>
    ({
      httpMethod: 'GET',
      path: `/engine-rest${path}`,
      headers: { host: 'localhost' },
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId, stage: 'test' },
    }) as unknown as APIGatewayProxyEvent;

  /** Every JSON log line the engine writes while `run` runs. */
  async function logsOf<T>(run: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      });
    }
    const result = await run();
    const lines = written.flatMap((text) => text.split('\n')).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    return { result, lines };
  }

  it.each([
    ['an HTML error page', '', /^Store failure: DynamoDB answered HTTP 502 with a body that is not an AWS response: <!doctype/],
    ['a reset connection', '/reset', /^Store failure: DynamoDB could not be reached: socket hang up \(ECONNRESET\)$/],
  ])('answers a Camunda 500 naming the store failure for %s, logged once with its cause and correlation id', async (_case, path, message) => {
    // given an API whose DynamoDB endpoint answers that way
    const handler = createApiHandler(createServices(config(path)));

    // when a client reads a process instance
    const { result, lines } = await logsOf(() => handler(get('/process-instance/some-id', `req-${path || 'html'}`)));

    // then
    expect(result.statusCode).toBe(500);
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({ type: 'ProcessEngineException', code: 0 });
    expect(body.message).toMatch(message);
    expect(body.message).not.toMatch(/is not valid JSON|Deserialization error/);
    const logged = lines.filter((l) => l.level === 'ERROR');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ correlationId: `req-${path || 'html'}`, status: 500, path: '/process-instance/some-id' });
    const error = logged[0]!.error as { name: string; message: string; cause?: { name: string } };
    expect(error.name).toBe('AwsServiceFailure');
    expect(error.cause?.name).toMatch(/SyntaxError|TimeoutError/);
  });

  it('leaves the service’s own answers to the repositories that act on them', () => {
    const conditional = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(asServiceFailure('DynamoDB', conditional)).toBeUndefined();
    const internal = Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(asServiceFailure('DynamoDB', internal)?.message).toBe('DynamoDB failed: InternalServerError (HTTP 500): Internal server error');
    expect(asServiceFailure('SQS', new TypeError('a bug of ours'))).toBeUndefined();
  });
});
