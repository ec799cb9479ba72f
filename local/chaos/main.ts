/**
 * `npm run chaos`: the batch pipeline under the faults production meets, against the local runtime
 * (issue 19). Each round starts instances and a modification batch over them, then, until the batch
 * is done: kills the runtime (SIGKILL) at random moments and starts it again, sends every queue
 * message twice and out of order, throttles and times out DynamoDB calls, and races synchronous
 * modifications against the batch on the same instances. Then it checks that every instance was
 * modified by the batch exactly once and by each accepted synchronous modification once, that no
 * batch was lost, that no incident was raised and that no message is left in a dead-letter queue,
 * and prints one line of figures. Bounded by CHAOS_SECONDS (default 120); exit code 1 on a finding.
 * Only 127.0.0.1 is ever loaded: the runtime and the emulator run on this machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureEmulator } from '../emulator.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const seconds = Number(process.env.CHAOS_SECONDS ?? 120);
const instancesPerRound = Number(process.env.CHAOS_INSTANCES ?? 60);
const port = Number(process.env.CHAOS_PORT ?? 8099);
const deadline = Date.now() + seconds * 1000;
const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
const control = join(dir, 'control.json');
const statsFile = join(dir, 'stats.json');
const logFile = join(tmpdir(), `chaos-${Date.now()}.log`);
const prefix = `chaos${Date.now().toString(36)}`;
// Only this machine is loaded: never an endpoint from the environment (a shared LocalStack, say).
delete process.env.AWS_ENDPOINT_URL;
const emulator = await ensureEmulator(Number(process.env.CHAOS_EMULATOR_PORT ?? 4578));
const base = `http://127.0.0.1:${port}/engine-rest`;

const figures = { rounds: 0, instances: 0, kills: 0, syncAccepted: 0, syncUncertain: 0, duplicated: 0, delayed: 0, throttled: 0, timedOut: 0 };
const findings: string[] = [];
let runtime: ChildProcess | undefined;
type Queue = { url: string; deadLetterUrl: string };
let resources: { jobQueue: Queue; seedQueue: Queue; executeQueue: Queue; monitorQueue: Queue } | undefined;

/** Turns the faults on or off, and waits until the runtime has read it (it reads the file every 100 ms). */
async function faults(on: boolean): Promise<void> {
  writeFileSync(control, JSON.stringify({ faults: on }));
  await sleep(300);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

/** Starts a life of the runtime and waits until it serves. */
async function startRuntime(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/chaos/worker.ts'], {
    env: { ...process.env, AWS_ENDPOINT_URL: emulator.endpoint, CHAOS_PORT: String(port), CHAOS_PREFIX: prefix, CHAOS_CONTROL: control, CHAOS_STATS: statsFile, POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log lines (the faults make it log errors, as it should) go to a file, not the one line of figures.
  child.stdout!.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
  child.stderr!.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
  runtime = child;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the runtime did not serve within 60 s')), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready \S+ (.*)\n/.exec(out);
      if (!ready) return;
      resources ??= JSON.parse(ready[1]!);
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the runtime exited (${code}) before it served`)));
  });
}

/** SIGKILL, as a Lambda container or a machine dies: no shutdown, messages in flight come back later. */
async function killRuntime(): Promise<void> {
  const child = runtime;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  collectStats();
  figures.kills++;
}

/** The last figures a life wrote (each life counts from zero). */
function collectStats(): void {
  try {
    const life = JSON.parse(readFileSync(statsFile, 'utf8')) as Record<'duplicated' | 'delayed' | 'throttled' | 'timedOut', number>;
    for (const key of ['duplicated', 'delayed', 'throttled', 'timedOut'] as const) figures[key] += life[key];
    rmSync(statsFile, { force: true });
  } catch {
    // A life killed before it wrote any.
  }
}

/** One request; reads (GET) are repeated through the faults' 5xx answers, writes answer what they answered (599: the connection broke). */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (method === 'GET' && response.status >= 500 && attempt < 100) {
        await sleep(100);
        continue;
      }
      return { status: response.status, body: text ? JSON.parse(text) : null };
    } catch (error) {
      // The runtime is down (being killed or restarted): try again shortly. A write whose connection
      // broke after it was sent may have been applied: it is not sent again, and counts as uncertain.
      const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      if (method !== 'GET' && !refused) return { status: 599, body: null };
      if (attempt > 100) throw error;
      await sleep(200);
    }
  }
}

const MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="chaos">
  <process id="chaosProcess" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
    <userTask id="first"/><sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
    <userTask id="second"/><sequenceFlow id="f3" sourceRef="second" targetRef="end"/><endEvent id="end"/>
    <userTask id="extra"/>
  </process>
</definitions>`;

async function deploy(): Promise<void> {
  const form = new FormData();
  form.set('deployment-name', 'chaos');
  form.append('chaos.bpmn', new Blob([MODEL], { type: 'application/xml' }), 'chaos.bpmn');
  const response = await fetch(`${base}/deployment/create`, { method: 'POST', body: form });
  if (response.status !== 200) throw new Error(`deployment failed: ${response.status} ${await response.text()}`);
}

/** Activity ids of an instance's tree, with repetitions. */
async function activities(id: string): Promise<string[]> {
  const tree = (await call('GET', `/process-instance/${id}/activity-instances`)).body as { childActivityInstances: { activityId: string }[] };
  return tree.childActivityInstances.map((child) => child.activityId).sort();
}

async function round(): Promise<void> {
  await faults(false);
  const ids: string[] = [];
  for (let i = 0; i < instancesPerRound; i++) ids.push((await call('POST', '/process-definition/key/chaosProcess/start', {})).body.id as string);
  const batch = await call('POST', '/modification/executeAsync', {
    processDefinitionId: (await call('GET', `/process-instance/${ids[0]}`)).body.definitionId,
    processInstanceIds: ids,
    instructions: [
      { type: 'cancel', activityId: 'first' },
      { type: 'startBeforeActivity', activityId: 'second' },
    ],
  });
  if (batch.status !== 200) throw new Error(`batch refused: ${batch.status} ${JSON.stringify(batch.body)}`);
  figures.rounds++;
  figures.instances += ids.length;
  await faults(true);
  // Synchronous modifications race the batch: each accepted one adds one `extra` token.
  const extras = new Map<string, { accepted: number; uncertain: number }>(ids.map((id) => [id, { accepted: 0, uncertain: 0 }]));
  const racing = (async () => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[Math.floor(Math.random() * ids.length)]!;
      const answer = await call('POST', `/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'extra' }] });
      const count = extras.get(id)!;
      if (answer.status === 204) {
        count.accepted++;
        figures.syncAccepted++;
      } else if (answer.status >= 500) {
        // A fault after the write may have stored it: the check allows it either way.
        count.uncertain++;
        figures.syncUncertain++;
      }
    }
  })();
  // Kills at random moments while the batch runs.
  const killing = (async () => {
    for (let kill = 0; kill < 3 && Date.now() < deadline; kill++) {
      await sleep(random(300, 2500));
      await killRuntime();
      await startRuntime();
    }
  })();
  await Promise.all([racing, killing]);
  // Then let the batch finish, faults still on.
  const batchDeadline = Date.now() + 120_000;
  while ((await call('GET', `/batch/${batch.body.id}`)).status !== 404) {
    if (Date.now() > batchDeadline) {
      findings.push(`lost batch ${batch.body.id}: not completed within 120 s`);
      return;
    }
    await sleep(500);
  }
  await faults(false);
  const historic = (await call('GET', `/history/batch/${batch.body.id}`)).body as { endTime: string | null };
  if (!historic?.endTime) findings.push(`lost batch ${batch.body.id}: removed without an end time`);
  for (const id of ids) {
    const seen = await activities(id);
    const extra = seen.filter((a) => a === 'extra').length;
    const { accepted, uncertain } = extras.get(id)!;
    const rest = seen.filter((a) => a !== 'extra');
    if (rest.join() !== 'second') findings.push(`instance ${id}: batch effect ${JSON.stringify(rest)} instead of exactly one 'second'`);
    if (extra < accepted || extra > accepted + uncertain) findings.push(`instance ${id}: ${extra} 'extra' tokens for ${accepted} accepted (+${uncertain} uncertain) synchronous modifications`);
  }
}

/** Waits (at most 60 s) until no message is left or in flight in the main queues: one on its last receive is not dead-lettered yet. */
async function queuesDrained(): Promise<void> {
  const sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: emulator.endpoint });
  const queues = Object.values(resources ?? {}).filter((value): value is Queue => typeof value === 'object' && value !== null && 'url' in value);
  for (const until = Date.now() + 60_000; Date.now() < until; await sleep(500)) {
    let left = 0;
    for (const queue of queues) {
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
      );
      left += Object.values(attributes.Attributes ?? {}).reduce((sum, n) => sum + Number(n), 0);
    }
    if (left === 0) return;
  }
}

async function deadLetters(): Promise<number> {
  const sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: emulator.endpoint });
  let total = 0;
  for (const queue of Object.values(resources ?? {}).filter((value): value is Queue => typeof value === 'object' && value !== null && 'deadLetterUrl' in value)) {
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.deadLetterUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    total += Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

/** Kills what this run started (its runtime, its emulator), removes its files. */
async function cleanUp(): Promise<void> {
  if (runtime && runtime.exitCode === null) runtime.kill('SIGKILL');
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
// Bounded in every case: past the deadline and the last batch's grace, the run stops with code 2.
setTimeout(
  () => {
    console.error(`chaos: stopped after ${seconds + 300} s (a hang)`);
    void cleanUp().finally(() => process.exit(2));
  },
  (seconds + 300) * 1000,
).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

const started = Date.now();
try {
  await faults(false);
  await startRuntime();
  await deploy();
  while (Date.now() < deadline) await round();
  await faults(false);
  await queuesDrained();
  const incidents = (await call('GET', '/incident/count')).body.count as number;
  // Every fault was an infrastructure fault: a job failure recorded for one is a false failure, incident or not.
  const falseFailures = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
    .split('\n')
    .filter((line) => line.includes('"message":"batch job failed"') || line.includes('"message":"job failed"')).length;
  if (falseFailures > 0) findings.push(`${falseFailures} job failure(s) recorded for infrastructure faults`);
  if (incidents > 0) findings.push(`${incidents} incident(s): infrastructure faults counted as failures`);
  const dead = await deadLetters();
  if (dead > 0) findings.push(`${dead} message(s) in dead-letter queues`);
  await killRuntime();
  figures.kills--;
  console.log(
    `chaos: ${figures.rounds} batches over ${figures.instances} instances in ${Math.round((Date.now() - started) / 1000)} s; ` +
      `${figures.kills} kills, ${figures.duplicated} messages duplicated (${figures.delayed} late), ${figures.throttled} throttled and ${figures.timedOut} timed-out store calls, ` +
      `${figures.syncAccepted} synchronous modifications raced (+${figures.syncUncertain} uncertain); ` +
      `double or missing effects ${findings.filter((f) => f.startsWith('instance')).length}, lost batches ${findings.filter((f) => f.startsWith('lost batch')).length}, ` +
      `false incidents ${incidents}, false job failures ${falseFailures}, dead letters ${dead}`,
  );
} finally {
  await cleanUp();
}
for (const finding of findings.slice(0, 20)) console.error(`finding: ${finding}`);
if (findings.length > 0) console.error(`the runtime's log: ${logFile}`);
else rmSync(logFile, { force: true });
process.exit(findings.length > 0 ? 1 : 0);
