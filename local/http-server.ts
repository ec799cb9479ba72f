import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** API Gateway's payload limit; larger requests are refused before they reach the handler. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An HTTP request as API Gateway's REST proxy integration would hand it to Lambda. */
export function toProxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  // Null prototypes: a parameter named `constructor` or `__proto__` is just a parameter.
  const query: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    multi[key] = [...(multi[key] ?? []), value];
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[key] = value;
  // As API Gateway with binary media types `*/*` (cdk/engine-stack.ts): every body arrives base64-encoded.
  return {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource: '/engine-rest/{proxy+}',
    headers: { ...headers, 'x-forwarded-proto': 'http' },
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? { ...query } : null,
    multiValueQueryStringParameters: Object.keys(multi).length > 0 ? { ...multi } : null,
    pathParameters: { proxy: url.pathname.replace(/^\/engine-rest\/?/, '') },
    stageVariables: null,
    body: body.length === 0 ? null : body.toString('base64'),
    isBase64Encoded: body.length > 0,
    requestContext: { stage: 'local', path: url.pathname, httpMethod: request.method ?? 'GET', requestId: randomUUID() } as APIGatewayProxyEvent['requestContext'],
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the API handler over HTTP and logs one line per request. */
export async function startHttpServer(handler: ApiHandler, port: number, log: (line: string) => void): Promise<RunningServer> {
  const server: Server = createServer(async (request, response) => {
    const started = performance.now();
    let status = 500;
    try {
      const body = await readBody(request);
      if (body === undefined) {
        status = 413;
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ type: 'RestException', message: 'Request body too large', code: null }));
        return;
      }
      const result = await handler(toProxyEvent(request, body));
      status = result.statusCode;
      response.writeHead(result.statusCode, result.headers as Record<string, string>);
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ type: 'ProcessEngineException', message: (error as Error).message, code: 0 }));
    } finally {
      log(`${request.method} ${withoutQueryValues(request.url ?? '')} ${status} ${(performance.now() - started).toFixed(1)}ms`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/engine-rest`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The access log names the query parameters but not their values: filters carry variable values
 * (`variables=name_eq_value`) and business keys, which never go into a log line.
 */
export function withoutQueryValues(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const names = url
    .slice(question + 1)
    .split('&')
    .map((pair) => pair.split('=')[0])
    .filter((name) => name !== '');
  return `${url.slice(0, question)}?${names.map((name) => `${name}=…`).join('&')}`;
}
