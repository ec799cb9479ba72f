import type * as z from 'zod/v4';
import { type AppContext, appContext } from '../app/app-context.ts';
import { AuthContext } from '../auth/auth-context.ts';
import { answerIdempotently } from './idempotent-handler.ts';
import type { Services } from '../service/compose.ts';
import { withCorrelationId } from '../observability/correlation.ts';
import { log } from '../observability/logger.ts';
import { recordApiLatency } from '../observability/metrics.ts';
import { authenticate } from './authentication.ts';
import { RestError, invalidRequest, toErrorResponse } from './errors.ts';
import type { RestRequest, RestResponse } from './http.ts';
import { bySpecificity, type CompiledPattern, compilePattern, matchPattern, type ParamNames, pathSegments } from './route-table.ts';

export interface RouteContext<Params extends string = string> {
  req: RestRequest;
  /** The path's `{name}` values, percent-decoded. */
  params: Record<Params, string>;
  /** The application: routes call its use cases (shared/app) with `auth` as the caller. */
  app: AppContext;
  /** The caller and their permissions (every check passes when authentication is off). */
  auth: AuthContext;
}

export type RouteHandler<Params extends string = string> = (ctx: RouteContext<Params>) => Promise<RestResponse>;

export interface Route {
  method: string;
  pattern: string;
  handler: RouteHandler;
  /** A creating route that honours the Idempotency-Key header (shared/rest/idempotent-handler.ts). */
  idempotent?: boolean;
}

/** A route whose handler sees exactly the parameters its pattern names. */
export function route<P extends string>(definition: { method: string; pattern: P; handler: RouteHandler<ParamNames<P>>; idempotent?: boolean }): Route {
  return definition as unknown as Route;
}

interface CompiledRoute extends Route {
  compiled: CompiledPattern;
}

/** Jackson's default (StreamReadConstraints.maxNestingDepth), which Camunda's REST API inherits. */
export const MAX_JSON_NESTING = 1000;

/** Refuses bodies nested deeper than Camunda accepts, before any recursive code walks them. */
function checkNesting(value: unknown): void {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_JSON_NESTING) {
      throw invalidRequest(`Cannot deserialize request body: nesting depth exceeds the maximum allowed (${MAX_JSON_NESTING})`);
    }
    const next: unknown[] = [];
    for (const node of level) if (typeof node === 'object' && node !== null) next.push(...Object.values(node));
    level = next;
  }
}

/** JSON's media types (application/json, application/…+json), with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Reads the JSON body against its zod schema; malformed JSON and wrong shapes are 400s. A body
 * declared as another media type is refused with 415, as Camunda's JAX-RS resources refuse it: a
 * browser may send text/plain or a form across sites without asking (a "simple" request), so only
 * JSON is read, never what another site's page could have a browser post with its credentials.
 */
export function readBody<S extends z.ZodType>(req: RestRequest, schema: S): z.infer<S> {
  const contentType = req.headers['content-type'];
  if (req.body.length > 0 && contentType !== undefined && contentType.trim() !== '' && !JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new RestError(415, `Unsupported media type '${contentType.slice(0, 100)}': the request body must be application/json`, 'RestException');
  }
  const text = req.body.toString('utf8');
  let parsed: unknown;
  if (text.trim() === '') parsed = {};
  else {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidRequest('');
    }
  }
  checkNesting(parsed);
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw invalidRequest(`Cannot deserialize request body${path ? ` at '${path}'` : ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/**
 * Matches method + path against the route table. Unknown paths answer 404 and known paths with
 * another method 405, both with Camunda's error body.
 */
export class Router {
  private readonly routes: CompiledRoute[];

  private readonly apps = new WeakMap<Services, AppContext>();

  /** One application per services instance (the API Lambda has one per container). */
  private app(services: Services): AppContext {
    let app = this.apps.get(services);
    if (!app) {
      app = appContext(services);
      this.apps.set(services, app);
    }
    return app;
  }

  constructor(routes: Route[]) {
    // Most specific first, so a literal segment wins over a parameter whatever the declaration order.
    this.routes = routes.map((r) => ({ ...r, compiled: compilePattern(r.pattern) })).sort((a, b) => bySpecificity(a.compiled, b.compiled));
  }

  /** The route that answers a method and path (with its raw parameters), or why none does. */
  find(method: string, path: string): { route: Route; raw: Record<string, string> } | 'other method' | undefined {
    const segments = pathSegments(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const raw = matchPattern(route.compiled, segments);
      if (!raw) continue;
      pathMatched = true;
      if (route.method === method) return { route, raw };
    }
    return pathMatched ? 'other method' : undefined;
  }

  /** Answers one request under its correlation id; logs it (5xx once at error, 4xx at debug) and times it by route. */
  handle(req: RestRequest, services: Services): Promise<RestResponse> {
    return withCorrelationId(req.requestId, async () => {
      const started = performance.now();
      const { response, route } = await this.dispatch(req, services);
      recordApiLatency(route, response.status, performance.now() - started);
      return response;
    });
  }

  private async dispatch(req: RestRequest, services: Services): Promise<{ response: RestResponse; route: string }> {
    let matched = 'unmatched';
    try {
      const app = this.app(services);
      const auth = services.authMode === 'basic' ? await authenticate(req, app) : AuthContext.anonymous();
      if (!auth) return { response: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="default"' } }, route: matched };
      const found = this.find(req.method, req.path);
      if (found === 'other method') throw new RestError(405, `Method ${req.method} is not allowed for ${req.path}`, 'RestException');
      if (!found) throw new RestError(404, `No resource found for path ${req.path}`, 'RestException');
      matched = `${found.route.method} ${found.route.pattern}`;
      const ctx = { req, params: decodeParams(found.raw, req.path), app, auth };
      const response = found.route.idempotent ? await answerIdempotently(ctx, found.route.handler) : await found.route.handler(ctx);
      return { response, route: matched };
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      const attributes = { method: req.method, path: req.path, route: matched, status, error };
      if (status >= 500) log.error('request failed', attributes);
      else log.debug('request refused', attributes);
      return { response: { status, body }, route: matched };
    }
  }
}

function decodeParams(raw: Record<string, string>, path: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      throw new RestError(404, `No resource found for path ${path}`, 'RestException');
    }
  }
  return params;
}

export type { Services };
