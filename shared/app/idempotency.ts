/**
 * Idempotency-Key (an extension beside Camunda's API, docs/api.md): a creating request sent again
 * with the same key and the same content gets the first answer instead of running again, within
 * the configured window; the same key with other content is refused. Keys are the caller's own (an
 * unauthenticated caller shares one scope). Concurrent duplicates wait for the first to be answered.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { log } from '../observability/logger.ts';
import type { AppContext } from './app-context.ts';
import { RequestError } from './errors.ts';

/** How long a duplicate waits for the first request with its key, and how often it looks (a claim abandoned after a minute is taken over). */
const WAIT_MS = 20_000;
const POLL_MS = 50;
/** RFC-draft keys are short opaque strings; this bounds what is stored per key. */
const MAX_KEY_LENGTH = 255;

export interface IdempotentRequest {
  key: string;
  /** What identifies the request's content: method, path, query and body. */
  fingerprint: string;
}

/** An answer and whether it is kept for the key's duplicates (a server failure is not: a retry may succeed). */
export interface Outcome<A> {
  answer: A;
  keep: boolean;
}

const conflict = (message: string) => new RequestError(409, message);

/** Marks an answer that could not be stored (too large for an item). */
const UNAVAILABLE = { idempotencyAnswerUnavailable: true };

export function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new RequestError(400, `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters`);
  }
}

/**
 * Runs `run` once per caller and key: the first request runs it and its kept answer is stored; a
 * duplicate with the same fingerprint gets that answer (`replayed`), one with another is refused
 * (409), one that arrives while the first still runs waits for it.
 */
export async function answerOnce<A>(app: AppContext, caller: AuthContext, request: IdempotentRequest, run: () => Promise<Outcome<A>>): Promise<{ answer: A; replayed: boolean }> {
  checkIdempotencyKey(request.key);
  const keys = app.idempotency;
  const scope = caller.userId ?? '-';
  const now = () => app.engine.env.now();
  const deadline = now() + WAIT_MS;
  for (;;) {
    if (await keys.claim(scope, request.key, request.fingerprint, now())) {
      const outcome = await run().catch(async (error: unknown) => {
        await keys.release(scope, request.key);
        throw error;
      });
      if (!outcome.keep) await keys.release(scope, request.key);
      else {
        await keys.answer(scope, request.key, outcome.answer).catch(async (error: unknown) => {
          log.error('idempotency answer not kept; duplicates of the key are refused', { key: request.key, error });
          await keys.answer(scope, request.key, UNAVAILABLE);
        });
      }
      return { answer: outcome.answer, replayed: false };
    }
    const record = await keys.get(scope, request.key, now());
    // Released or expired meanwhile: claim it again.
    if (!record) continue;
    if (record.fingerprint !== request.fingerprint) throw conflict(`Idempotency-Key '${request.key}' was already used with another request`);
    if (record.answer !== undefined) {
      if ((record.answer as typeof UNAVAILABLE).idempotencyAnswerUnavailable) throw conflict(`The answer to the first request with Idempotency-Key '${request.key}' could not be kept`);
      return { answer: record.answer as A, replayed: true };
    }
    if (now() > deadline) throw conflict(`A request with Idempotency-Key '${request.key}' is still running`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
