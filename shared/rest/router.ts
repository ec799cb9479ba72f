import type * as z from 'zod/v4';
import { AuthContext } from '../auth/auth-context.ts';
import type { BatchService } from '../service/batch-service.ts';
import type { Services } from '../service/compose.ts';
import type { IdentityRepository } from '../store/identity-repository.ts';
import { logger } from '../observability/logger.ts';
import { authenticate } from './authentication.ts';
import type { EngineService } from '../service/engine-service.ts';
import { RestError, invalidRequest, toErrorResponse } from './errors.ts';
import type { RestRequest, RestResponse } from './http.ts';

export interface RouteContext {
  req: RestRequest;
  params: Record<string, string>;
  service: EngineService;
  batches: BatchService;
  identities: IdentityRepository;
  /** The caller and their permissions (every check passes when authentication is off). */
  auth: AuthContext;
}


export type RouteHandler = (ctx: RouteContext) => Promise<RestResponse>;

export interface Route {
  method: string;
  pattern: string;
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, regex: new RegExp(`^${source}/?$`), names };
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

/** Reads the JSON body against its zod schema; malformed JSON and wrong shapes are 400s. */
export function readBody<S extends z.ZodType>(req: RestRequest, schema: S): z.infer<S> {
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

  constructor(routes: Route[]) {
    this.routes = routes.map(compile);
  }

  async handle(req: RestRequest, services: Services): Promise<RestResponse> {
    try {
      const auth = services.authMode === 'basic' ? await authenticate(req, services.identities) : AuthContext.anonymous();
      if (!auth) return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="default"' } };
      let pathMatched = false;
      for (const route of this.routes) {
        const match = route.regex.exec(req.path);
        if (!match) continue;
        pathMatched = true;
        if (route.method !== req.method) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(match[i + 1]!);
          } catch {
            throw new RestError(404, `No resource found for path ${req.path}`, 'RestException');
          }
        });
        return await route.handler({ req, params, service: services.engine, batches: services.batches, identities: services.identities, auth });
      }
      if (pathMatched) throw new RestError(405, `Method ${req.method} is not allowed for ${req.path}`, 'RestException');
      throw new RestError(404, `No resource found for path ${req.path}`, 'RestException');
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) logger.error('request failed', { correlationId: req.requestId, method: req.method, path: req.path, status, error });
      return { status, body };
    }
  }
}

export type { Services };
