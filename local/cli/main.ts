/**
 * The command line of the batch extensions (docs/api.md "CLI"), for any deployment's REST API:
 *
 *   npx camunda7-serverless-engine batch list
 *   npx camunda7-serverless-engine batch watch <batchId> [--interval <ms>]
 *   npx camunda7-serverless-engine modify --dry-run --body <file.json>
 *   npx camunda7-serverless-engine modify --body <file.json> [--watch]
 *
 * Options (or the environment): --url (CAMUNDA_URL, default http://127.0.0.1:8080/engine-rest),
 * --user and --password (CAMUNDA_USER, CAMUNDA_PASSWORD) for Basic authentication.
 * Exit codes: 0 success; 1 the batch ended with failures, is stuck on failed jobs, or a dry run
 * found invalid instances; 2 usage or request errors.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type BatchProgress, isStuck, progressLine, rateOf, type Sample } from './progress.ts';

/** JSON of the REST API, read field by field as Camunda documents it (an object or a list). */
// biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are Camunda's DTOs, checked by the API's own tests
type Body = any;
type Json = Record<string, Body>;
interface Answer {
  status: number;
  body: Body;
}

export class UsageError extends Error {}

const USAGE = `usage:
  batch list
  batch watch <batchId> [--interval <ms>]
  modify --dry-run --body <file.json>
  modify --body <file.json> [--watch]
options: --url <engine-rest URL> --user <name> --password <secret> (or CAMUNDA_URL, CAMUNDA_USER, CAMUNDA_PASSWORD)`;

interface Client {
  get(path: string): Promise<Answer>;
  post(path: string, body: unknown): Promise<Answer>;
}

function client(url: string, user: string | undefined, password: string | undefined): Client {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user !== undefined) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const target = `${url.replace(/\/$/, '')}${path}`;
    const response = await fetch(target, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).catch((error: Error & { cause?: { code?: string } }) => {
      throw new Error(`cannot reach ${url}: ${error.cause?.code ?? error.message}`);
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

/** A refusal of the API as one line (Camunda's error body). */
function failed(what: string, response: Answer): Error {
  return new Error(`${what}: ${response.status} ${response.body?.type ?? ''} ${response.body?.message ?? ''}`.trim());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function list(api: Client, out: (line: string) => void): Promise<number> {
  const response = await api.get('/batch/statistics');
  if (response.status !== 200) throw failed('GET /batch/statistics', response);
  if (response.body.length === 0) out('no batches');
  for (const batch of response.body as Json[]) out(`${batch.id}  ${batch.type}  ${progressLine(batch as BatchProgress, undefined)}${batch.suspended ? '  (suspended)' : ''}`);
  return 0;
}

/** The failure report's lines (GET /batch/{id}/failures, or its historic form once the batch has ended). */
async function failureReport(api: Client, batchId: string, historic: boolean): Promise<Json[]> {
  const response = await api.get(`${historic ? '/history' : ''}/batch/${batchId}/failures`);
  return response.status === 200 ? (response.body as Json[]) : [];
}

function printReport(entries: readonly Json[], out: (line: string) => void): void {
  for (const entry of entries) out(`  ${entry.outcome} ${entry.processInstanceId ?? entry.elementId}: ${entry.exceptionMessage} (job ${entry.jobId}, retries left ${entry.retriesLeft})`);
}

async function watch(api: Client, batchId: string, intervalMs: number, out: (line: string) => void, live: boolean): Promise<number> {
  const samples: Sample[] = [];
  let last = '';
  for (;;) {
    const response = await api.get(`/batch/statistics?batchId=${encodeURIComponent(batchId)}`);
    if (response.status !== 200) throw failed('GET /batch/statistics', response);
    const [progress] = response.body as (BatchProgress & Json)[];
    if (!progress) break;
    samples.push({ at: Date.now(), completedJobs: progress.completedJobs });
    if (samples.length > 10) samples.shift();
    const line = progressLine(progress, rateOf(samples));
    // On a terminal the bar is redrawn in place; elsewhere (a log, a pipe) each change is a line.
    if (live) process.stdout.write(`\r${line}`);
    else if (line !== last) out(line);
    last = line;
    if (isStuck(progress)) {
      if (live) process.stdout.write('\n');
      out(`batch ${batchId} is stuck: its ${progress.failedJobs} remaining job(s) failed`);
      printReport(await failureReport(api, batchId, false), out);
      return 1;
    }
    await sleep(intervalMs);
  }
  if (live && last) process.stdout.write('\n');
  const historic = await api.get(`/history/batch/${encodeURIComponent(batchId)}`);
  if (historic.status !== 200) {
    out(`batch ${batchId} does not exist`);
    return 2;
  }
  const report = await failureReport(api, batchId, true);
  const failures = report.filter((entry) => entry.outcome !== 'skipped');
  out(`batch ${batchId} ended${failures.length > 0 ? ` with ${failures.length} failure(s)` : ''}${report.length > failures.length ? `, ${report.length - failures.length} instance(s) skipped` : ''}`);
  printReport(report, out);
  return failures.length > 0 ? 1 : 0;
}

async function modify(api: Client, body: unknown, dryRun: boolean, watchIt: boolean, intervalMs: number, out: (line: string) => void, live: boolean): Promise<number> {
  if (dryRun) {
    const response = await api.post('/modification/validate', body);
    if (response.status !== 200) throw failed('POST /modification/validate', response);
    if (!Array.isArray(response.body)) {
      out(`validating as batch ${response.body.id}`);
      return watchValidation(api, response.body.id as string, intervalMs, out, live);
    }
    const invalid = (response.body as Json[]).filter((result) => !result.valid);
    for (const result of response.body as Json[]) out(result.valid ? `valid   ${result.processInstanceId}` : `invalid ${result.processInstanceId}: ${result.error?.message}`);
    out(`${response.body.length - invalid.length} valid, ${invalid.length} invalid`);
    return invalid.length > 0 ? 1 : 0;
  }
  const response = await api.post('/modification/executeAsync', body);
  if (response.status !== 200) throw failed('POST /modification/executeAsync', response);
  out(`batch ${response.body.id} created`);
  return watchIt ? watch(api, response.body.id as string, intervalMs, out, live) : 0;
}

/** A validation batch: watched like any, then its invalid instances are the answer. */
async function watchValidation(api: Client, batchId: string, intervalMs: number, out: (line: string) => void, live: boolean): Promise<number> {
  const ended = await watch(api, batchId, intervalMs, out, live);
  if (ended !== 0) return ended;
  const invalid = (await failureReport(api, batchId, true)).filter((entry) => entry.outcome === 'invalid');
  return invalid.length > 0 ? 1 : 0;
}

export async function run(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      interval: { type: 'string' },
      body: { type: 'string' },
      'dry-run': { type: 'boolean' },
      watch: { type: 'boolean' },
    },
  });
  const api = client(values.url ?? process.env.CAMUNDA_URL ?? 'http://127.0.0.1:8080/engine-rest', values.user ?? process.env.CAMUNDA_USER, values.password ?? process.env.CAMUNDA_PASSWORD);
  const intervalMs = values.interval !== undefined ? Number(values.interval) : 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 50) throw new UsageError('--interval must be a number of milliseconds, at least 50');
  const live = process.stdout.isTTY === true;
  const [command, sub, id] = positionals;
  if (command === 'batch' && sub === 'list') return list(api, out);
  if (command === 'batch' && sub === 'watch' && id) return watch(api, id, intervalMs, out, live);
  if (command === 'modify' && values.body) {
    const body = JSON.parse(readFileSync(values.body, 'utf8')) as unknown;
    return modify(api, body, values['dry-run'] === true, values.watch === true, intervalMs, out, live);
  }
  throw new UsageError(USAGE);
}
