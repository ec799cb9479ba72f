/**
 * The embedded emulator's SQS: does a receive + delete round cost the same with 10,000 messages
 * queued as with 400? (Stock moto's grew with the queue: about 16 ms at 400 and 150 ms at 10,000.)
 * Both queues are filled first; the rounds then alternate between them, so both sizes meet the
 * same machine state. Each round takes 10 messages and deletes them, as the pollers do.
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startBenchEmulator } from './support/emulator.ts';
import { heading, publish } from './support/report.ts';
import { median } from './support/timing.ts';

const SMALL = 400;
const LARGE = Number(process.env.BENCH_QUEUED_MESSAGES ?? 10_000);
const ROUNDS = 30;

const emulator = await startBenchEmulator();
try {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: emulator.endpoint });
  const fill = async (name: string, count: number) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${Date.now()}` }));
    for (let i = 0; i < count; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ n: i + j }) })) }));
    }
    return QueueUrl!;
  };
  const small = await fill('bench-small', SMALL);
  const large = await fill('bench-large', LARGE);
  const round = async (queueUrl: string) => {
    const started = performance.now();
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 }));
    if (Messages.length === 0) throw new Error('queue ran dry');
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    return performance.now() - started;
  };
  const times = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    times.small.push(await round(small));
    times.large.push(await round(large));
  }
  heading(`SQS receive + delete of 10 messages with ${SMALL} and ${LARGE} queued (median of ${ROUNDS}, alternating)`);
  console.log(`${median(times.small).toFixed(2)} ms vs ${median(times.large).toFixed(2)} ms`);
  publish([
    {
      bench: 'emulator-queue',
      metric: `SQS receive+delete with ${LARGE} queued / with ${SMALL} (median)`,
      value: median(times.large) / median(times.small),
      target: 1.3,
      unit: '×',
      detail: `${median(times.large).toFixed(2)} ms vs ${median(times.small).toFixed(2)} ms`,
    },
  ]);
} finally {
  await emulator.stop();
}
