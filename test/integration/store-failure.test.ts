import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.ts';
import { asServiceFailure } from '../../shared/aws/service-failure.ts';
import { createServices } from '../../shared/service/compose.ts';
import { startBrokenStore } from '../support/broken-store.ts';
import { captureLogs } from '../support/logs.ts';

/**
 * When the store's endpoint answers something that is not an AWS response (an HTML error page of a
 * proxy or an emulator) or drops the connection, the API answers Camunda's error body naming the
 * store failure, and logs it once with its cause and the request's correlation id: never the JSON
 * parse error of someone else's page.
 */
describe('a store that does not answer like AWS', () => {
  let store: Awaited<ReturnType<typeof startBrokenStore>>;

  beforeAll(async () => {
    store = await startBrokenStore();
  });
  afterAll(() => store.close());

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

  it.each([
    ['an HTML error page', '', /^Store failure: DynamoDB answered HTTP 502 with a body that is not an AWS response: <!doctype/],
    ['a reset connection', '/reset', /^Store failure: DynamoDB could not be reached: socket hang up \(ECONNRESET\)$/],
  ])('answers a Camunda 500 naming the store failure for %s, logged once with its cause and correlation id', async (_case, path, message) => {
    // given an API whose DynamoDB endpoint answers that way
    const handler = createApiHandler(createServices(store.config(path as '' | '/reset')));

    // when a client reads a process instance
    const { result, lines } = await captureLogs(() => handler(get('/process-instance/some-id', `req-${path || 'html'}`)));

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
