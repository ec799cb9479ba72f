/** The HTTP request as the routes see it, independent of API Gateway's event shape. */
export interface RestRequest {
  method: string;
  /** Path below /engine-rest, e.g. `/process-instance/abc/modification`. */
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** The URL prefix clients use to reach the API (for Camunda's `links`). */
  baseUrl: string;
  /** API Gateway's request id: the correlation id of everything this request causes. */
  requestId?: string;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw (non-JSON) body, e.g. BPMN XML. */
  rawBody?: string;
  /** Bytes (a deployment resource's data, an image). */
  binaryBody?: Buffer;
}

export const json = (status: number, body: unknown): RestResponse => ({ status, body });
export const noContent = (): RestResponse => ({ status: 204 });
