/**
 * The Idempotency-Key header on creating routes (shared/app/idempotency.ts): the route's answer is
 * kept for the key and given again to a duplicate, marked `Idempotent-Replayed: true`. Without
 * the header a route runs as always.
 */
import { createHash } from 'node:crypto';
import { answerOnce } from '../app/idempotency.ts';
import { toErrorResponse } from './errors.ts';
import type { RestRequest, RestResponse } from './http.ts';
import type { RouteContext, RouteHandler } from './router.ts';

/**
 * What makes two requests the same: method, path, query and body. A multipart body's boundary is
 * chosen anew by every client call, so it is left out (the parts themselves count).
 */
export function fingerprintOf(req: RestRequest): string {
  const hash = createHash('sha256').update(`${req.method} ${req.path}\n`);
  for (const name of Object.keys(req.query).sort()) hash.update(`${name}=${req.query[name] ?? ''}&`);
  hash.update('\n');
  const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
  hash.update(boundary ? req.body.toString('latin1').split(boundary).join('') : req.body);
  return hash.digest('hex');
}

/** A route's answer as it is kept: JSON and text bodies (the creating routes answer no bytes). */
type KeptAnswer = Pick<RestResponse, 'status' | 'body' | 'headers' | 'rawBody'>;

export async function answerIdempotently(ctx: RouteContext, handler: RouteHandler): Promise<RestResponse> {
  const key = ctx.req.headers['idempotency-key'];
  if (key === undefined) return handler(ctx);
  let refusal: unknown;
  const { answer, replayed } = await answerOnce<KeptAnswer>(ctx.app, ctx.auth, { key, fingerprint: fingerprintOf(ctx.req) }, async () => {
    try {
      const { status, body, headers, rawBody } = await handler(ctx);
      return { answer: { status, body, headers, rawBody }, keep: status < 500 };
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      // A server failure is not kept: the key is given up and a retry runs the request again.
      if (status >= 500) throw error;
      refusal = error;
      return { answer: { status, body }, keep: true };
    }
  });
  // The first request's refusal takes the router's usual way (its log, its status); duplicates get it kept.
  if (refusal !== undefined) throw refusal;
  return replayed ? { ...answer, headers: { ...answer.headers, 'Idempotent-Replayed': 'true' } } : answer;
}
