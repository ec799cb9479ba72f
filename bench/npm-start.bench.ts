/**
 * `npm start` as a user runs it, with the embedded emulator it starts itself: does a request cost
 * the same whatever the store holds, and does Ctrl-C stop it whatever it holds?
 *
 * It runs local/main.ts in its own process group (as a terminal's foreground job) on free ports,
 * deploys a two-task process, and times, over HTTP, an instance start and a synchronous modification
 * (startBeforeActivity) with about 100 instances stored and again with 10,000 (BENCH_STORED_INSTANCES).
 * The store is filled between the two by copying the items of one really started instance under new
 * ids, 25 to a BatchWriteItem (starting 10,000 instances one by one would take minutes of emulator
 * time and store the same items). Also reported: the idle CPU of `npm start` (node and emulator) and
 * the seconds from SIGINT to exit with the store full.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { userTaskChain } from '../test/e2e/inline-bpmn.ts';
import { freePort, startNpmStart } from '../test/support/npm-start.ts';
import { restClient } from '../test/support/runtime.ts';
import { cpuSecondsOf } from './support/emulator.ts';
import { heading, publish } from './support/report.ts';
import { median, sleep } from './support/timing.ts';

const STORED = Number(process.env.BENCH_STORED_INSTANCES ?? 10_000);
const BASELINE = 100;
const SAMPLES = 60;
const PREFIX = 'bench-npm-start';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const emulatorPort = await freePort();
const { child, url } = await startNpmStart({ emulatorPort, prefix: PREFIX });
const stopEverything = () => {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.once('SIGTERM', () => {
  stopEverything();
  process.exit(130);
});

try {
  const api = restClient(url);
  const emulatorPid = Number(
    execFileSync('pgrep', ['-P', String(child.pid), '-f', 'emulator.py'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0],
  );
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${emulatorPort}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  const tableName = `${PREFIX}-engine`;
  const ok = (what: string, response: { status: number; body: unknown }) => {
    if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string };
  };
  ok('deploy', await api.deploy({ 'scaling.bpmn': userTaskChain('scaling', ['review', 'approve']) }));

  // Idle: the pollers' long polls and the timer sweeper, nothing else.
  await sleep(3_000);
  const cpu = () => (cpuSecondsOf(child.pid!) ?? 0) + (cpuSecondsOf(emulatorPid) ?? 0);
  const idleFrom = cpu();
  await sleep(10_000);
  const idlePercent = ((cpu() - idleFrom) / 10) * 100;

  const start = async () => ok('start', await api.post('/process-definition/key/scaling/start', {})).id;
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const value = await fn();
    return [value, performance.now() - t];
  };
  /** Start and modification latencies, alternating, each modification on the instance just started. */
  const measure = async () => {
    const starts: number[] = [];
    const modifications: number[] = [];
    for (let i = 0; i < 5 + SAMPLES; i++) {
      const [id, startMs] = await timed(start);
      const [, modifyMs] = await timed(async () => ok('modify', await api.post(`/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'approve' }] })));
      if (i >= 5) {
        starts.push(startMs);
        modifications.push(modifyMs);
      }
    }
    return { start: median(starts), modify: median(modifications) };
  };

  for (let i = 0; i < BASELINE; i += 10) await Promise.all(Array.from({ length: 10 }, start));
  const small = await measure();

  // Fill: the items of one started instance, copied under fresh ids.
  const before = new Set(((await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? []).map((i) => `${i.pk}|${i.sk}`));
  const known = new Set([...before].flatMap((key) => key.match(UUID) ?? []));
  await start();
  const template = ((await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? []).filter((i) => !before.has(`${i.pk}|${i.sk}`));
  const templateJson = JSON.stringify(template);
  const stored = BASELINE + SAMPLES + 6;
  const copies = Math.max(0, STORED - stored);
  const fillStarted = performance.now();
  const pending: Record<string, unknown>[] = [];
  const flush = async (all: boolean) => {
    const writes: Promise<unknown>[] = [];
    while (pending.length >= 25 || (all && pending.length > 0)) {
      const chunk = pending.splice(0, 25);
      writes.push(dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) } })));
    }
    await Promise.all(writes);
  };
  for (let copy = 0; copy < copies; copy++) {
    const fresh = new Map<string, string>();
    const json = templateJson.replace(UUID, (id) => {
      if (known.has(id)) return id;
      if (!fresh.has(id)) fresh.set(id, randomUUID());
      return fresh.get(id)!;
    });
    pending.push(...(JSON.parse(json) as Record<string, unknown>[]));
    if (pending.length >= 100) await flush(false);
  }
  await flush(true);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const count = ok('count', await api.get('/process-instance/count')) as unknown as { count: number };

  const large = await measure();

  // Ctrl-C: SIGINT to the whole foreground process group, as a terminal sends it.
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
  const interrupted = performance.now();
  process.kill(-child.pid!, 'SIGINT');
  const stopSeconds = ((await Promise.race([exited, sleep(30_000).then(() => Number.NaN)])) - interrupted) / 1000;

  heading(`npm start: HTTP latency with ~${BASELINE} and ${count.count} instances stored (median of ${SAMPLES})`);
  console.log(`start: ${small.start.toFixed(1)} ms → ${large.start.toFixed(1)} ms; sync modification: ${small.modify.toFixed(1)} ms → ${large.modify.toFixed(1)} ms`);
  console.log(`fill: ${copies} instances (${template.length} items each) in ${fillSeconds.toFixed(1)} s; idle CPU ${idlePercent.toFixed(1)} % of one core; Ctrl-C to exit ${stopSeconds.toFixed(2)} s`);
  publish([
    {
      bench: 'npm-start',
      metric: `start latency at ${count.count} stored / at ~${BASELINE} (median)`,
      value: large.start / small.start,
      target: 1.3,
      unit: '×',
      detail: `${large.start.toFixed(1)} ms vs ${small.start.toFixed(1)} ms over HTTP`,
    },
    {
      bench: 'npm-start',
      metric: `sync modification latency at ${count.count} stored / at ~${BASELINE} (median)`,
      value: large.modify / small.modify,
      target: 1.3,
      unit: '×',
      detail: `${large.modify.toFixed(1)} ms vs ${small.modify.toFixed(1)} ms over HTTP`,
    },
    {
      bench: 'npm-start',
      metric: `Ctrl-C to exit with ${count.count} instances stored`,
      value: stopSeconds,
      target: 5,
      unit: 's',
      detail: 'SIGINT to the process group until the runtime process exits',
    },
    { bench: 'npm-start', metric: 'idle CPU (node + emulator)', value: idlePercent, target: 0, unit: '% of a core', detail: 'over 10 s with nothing to do', informational: true },
  ]);
} finally {
  stopEverything();
}
