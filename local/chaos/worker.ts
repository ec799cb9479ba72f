/**
 * One life of the runtime under chaos (started, and killed with SIGKILL, by local/chaos/main.ts):
 * the whole local runtime, with every queue message sent twice (the copy later, so messages also
 * arrive out of order) and DynamoDB calls that fail as a throttled or timed-out AWS does — the
 * timeouts after the call went through, the hardest case. Faults are on while the control file
 * says so. What it did is written to the stats file, so the figures survive the kills.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueuePublisher } from '../../shared/queue/publisher.ts';
import { startLocalRuntime } from '../runtime.ts';

const { CHAOS_PORT, CHAOS_PREFIX, CHAOS_CONTROL, CHAOS_STATS, CHAOS_FAULT_RATE } = process.env;
if (!CHAOS_PORT || !CHAOS_PREFIX || !CHAOS_CONTROL || !CHAOS_STATS) throw new Error('local/chaos/worker.ts is started by `npm run chaos`');
const faultRate = Number(CHAOS_FAULT_RATE ?? '0.02');
const stats = { duplicated: 0, delayed: 0, throttled: 0, timedOut: 0 };
let faultsOn = false;
setInterval(() => {
  try {
    faultsOn = (JSON.parse(readFileSync(CHAOS_CONTROL, 'utf8')) as { faults: boolean }).faults;
  } catch {
    faultsOn = false;
  }
  writeFileSync(CHAOS_STATS, JSON.stringify(stats));
}, 100).unref();

/** Sends each message now and once more up to 2 s later. */
class DuplicatingPublisher extends QueuePublisher {
  override async send(queueUrl: string, messages: readonly unknown[], delaySeconds = 0): Promise<void> {
    await super.send(queueUrl, messages, delaySeconds);
    stats.duplicated += messages.length;
    const later = Math.floor(Math.random() * 3);
    if (later > 0) stats.delayed += messages.length;
    setTimeout(() => super.send(queueUrl, messages, delaySeconds).catch(() => {}), later * 1000);
  }
}

// Every document client of this process (the repositories' too): throttled before the call, or timed out after it.
type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;
const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
const send = prototype.send;
prototype.send = async function chaoticSend(this: unknown, command: unknown, ...rest: unknown[]) {
  if (faultsOn && Math.random() < faultRate) {
    stats.throttled++;
    throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  }
  const output = await send.call(this, command, ...rest);
  if (faultsOn && Math.random() < faultRate / 2) {
    stats.timedOut++;
    throw Object.assign(new Error('Connection timed out after the request was sent'), { name: 'TimeoutError', $metadata: {} });
  }
  return output;
};

const runtime = await startLocalRuntime({
  port: Number(CHAOS_PORT),
  prefix: CHAOS_PREFIX,
  sweepIntervalMs: 500,
  log: () => {},
  config: { batchPollTimeSeconds: 1, batchJobsPerSeed: 20, invocationsPerBatchJob: 2 },
  publisher: new DuplicatingPublisher({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL }),
});
console.log(`ready ${runtime.url} ${JSON.stringify(runtime.resources)}`);
