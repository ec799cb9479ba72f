import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.ts';
import type { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { responseViolation } from './openapi.ts';

/** A local runtime on a free port with its own table and queues, sharing the run's emulator. */
export function startTestRuntime(options: { registry?: DelegateRegistry } & Partial<LocalRuntimeOptions> = {}): Promise<LocalRuntime> {
  return startLocalRuntime({ port: 0, prefix: `t${randomUUID().slice(0, 8)}`, sweepIntervalMs: 200, log: () => {}, ...options });
}

/**
 * Every response the tests receive must have the shape Camunda's OpenAPI document gives for its
 * status (test/support/openapi.ts). OPENAPI_VIOLATIONS=collect:<file> records violations in a file
 * instead of failing the request (to survey them).
 */
function checkAgainstCamundaDocument(method: string, path: string, status: number, body: unknown): void {
  const violation = responseViolation(method, path, status, body);
  if (!violation) return;
  const mode = process.env.OPENAPI_VIOLATIONS ?? '';
  if (mode.startsWith('collect:')) appendFileSync(mode.slice('collect:'.length), `${violation}\n`);
  else throw new Error(`response outside Camunda's OpenAPI document: ${violation}`);
}

/** Tiny Camunda REST client for tests: JSON in, status + JSON out. */
export function restClient(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    checkAgainstCamundaDocument(method, path, response.status, json);
    return { status: response.status, body: json as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    put: (path: string, body?: unknown) => call('PUT', path, body ?? {}),
    delete: (path: string) => call('DELETE', path),
    raw: call,
    /** Deploys BPMN XML strings as a multipart upload, like Camunda's Modeler does. */
    async deploy(resources: Record<string, string>, fields: Record<string, string> = {}) {
      const form = new FormData();
      form.set('deployment-name', fields['deployment-name'] ?? 'test');
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      for (const [name, xml] of Object.entries(resources)) form.append(name, new Blob([xml], { type: 'application/xml' }), name);
      const response = await fetch(`${baseUrl}/deployment/create`, { method: 'POST', body: form });
      const body = await response.json();
      checkAgainstCamundaDocument('POST', '/deployment/create', response.status, body);
      return { status: response.status, body: body as any };
    },
  };
}

/** Polls `probe` until it returns a truthy value (background workers are asynchronous). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}

/** The Authorization header of HTTP Basic for these credentials. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A client that sends one user's Basic credentials with every request. */
export function asUser(api: ReturnType<typeof restClient>, user: string, password: string) {
  const headers = { authorization: basicAuth(user, password) };
  return {
    user,
    get: (path: string) => api.raw('GET', path, undefined, headers),
    post: (path: string, body: unknown = {}) => api.raw('POST', path, body, headers),
    put: (path: string, body: unknown = {}) => api.raw('PUT', path, body, headers),
    delete: (path: string) => api.raw('DELETE', path, undefined, headers),
  };
}
