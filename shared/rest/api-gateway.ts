import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RestRequest, RestResponse } from './http.ts';

export const BASE_PATH = '/engine-rest';

function lowerCaseHeaders(headers: Record<string, string | undefined> | null): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** API Gateway REST proxy event → the router's request (path below /engine-rest, decoded body). */
export function toRestRequest(event: APIGatewayProxyEvent): RestRequest {
  const headers = lowerCaseHeaders(event.headers);
  const fullPath = event.path ?? '/';
  const at = fullPath.indexOf(BASE_PATH);
  const path = at >= 0 ? fullPath.slice(at + BASE_PATH.length) || '/' : fullPath;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const stage = event.requestContext?.stage && event.requestContext.stage !== '$default' && headers.host?.includes('execute-api') ? `/${event.requestContext.stage}` : '';
  return {
    method: event.httpMethod.toUpperCase(),
    path,
    query: Object.assign(Object.create(null), event.queryStringParameters ?? {}),
    headers,
    body: event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0),
    baseUrl: `${proto}://${headers.host ?? 'localhost'}${stage}${BASE_PATH}`,
    requestId: event.requestContext?.requestId,
  };
}

export function toProxyResult(response: RestResponse): APIGatewayProxyResult {
  if (response.binaryBody !== undefined) {
    return { statusCode: response.status, headers: { 'content-type': 'application/octet-stream', ...response.headers }, body: response.binaryBody.toString('base64'), isBase64Encoded: true };
  }
  if (response.rawBody !== undefined) {
    return { statusCode: response.status, headers: { 'content-type': 'application/xml', ...response.headers }, body: response.rawBody };
  }
  if (response.body === undefined) return { statusCode: response.status, headers: { ...response.headers }, body: '' };
  return { statusCode: response.status, headers: { 'content-type': 'application/json', ...response.headers }, body: JSON.stringify(response.body) };
}
