/**
 * The accuracy of a batch's rate limit (issue 18, docs/api.md "Rate limit"): a modification batch
 * over N instances with maxInstancesPerSecond L runs through the local runtime's workers (several
 * execution runs at once, as several Lambdas would); the rate achieved is (N − 1) divided by the time
 * between the first and the last instance's modification (their user2 start in the history).
 * Target: the achieved rate ÷ L between 0.9 and 1.1, reported as |ratio − 1| ≤ 0.1.
 *
 *   npx tsx bench/batch-rate-limit.bench.ts       # N = 100, L = 20 (BENCH_RATE_INSTANCES, BENCH_RATE_LIMIT)
 */
import { createApiHandler } from '../functions/api/handler.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { apiEvent, benchPrefix, deployXml } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { sequentialUserTasks } from './support/models.ts';
import { heading, publish } from './support/report.ts';
import { sleep } from './support/timing.ts';

const N = Number(process.env.BENCH_RATE_INSTANCES ?? 100);
const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 20);

const emulator = await startBenchEmulator();
let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
try {
  runtime = await startLocalRuntime({ port: 0, prefix: benchPrefix('rate'), log: () => {}, sweepIntervalMs: 3_600_000, config: { batchPollTimeSeconds: 1 } });
  const api = createApiHandler(runtime.services);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await api(apiEvent(method, path, body));
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${response.body}`);
    return response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined;
  };

  heading(`setup: ${N} instances of start → task1 → task2 → end`);
  const definition = await deployXml(runtime.services, 'rateBench', sequentialUserTasks('rateBench', 2));
  const ids: string[] = [];
  for (let i = 0; i < N; i++) ids.push((await call('POST', `/process-definition/${definition.id}/start`, {}))!.id as string);

  heading(`a batch over ${N} instances at ${LIMIT} per second`);
  const started = Date.now();
  const batch = (await call('POST', '/modification/executeAsync', {
    processDefinitionId: definition.id,
    processInstanceIds: ids,
    instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }],
    maxInstancesPerSecond: LIMIT,
  }))!;
  const budgetMs = (N / LIMIT) * 3_000 + 60_000;
  while ((await api(apiEvent('GET', `/batch/${batch.id}`))).statusCode !== 404) {
    if (Date.now() - started > budgetMs) throw new Error(`the batch did not finish within ${budgetMs} ms`);
    await sleep(250);
  }
  const times: number[] = [];
  for (const id of ids) {
    const history = (await call('POST', '/history/activity-instance', { processInstanceId: id, activityId: 'task2' })) as unknown as { startTime: string }[];
    times.push(Date.parse(history[0]!.startTime));
  }
  times.sort((a, b) => a - b);
  const spanSeconds = (times.at(-1)! - times[0]!) / 1000;
  const achieved = (N - 1) / spanSeconds;
  const accuracy = achieved / LIMIT;
  console.log(`${N} instances modified over ${spanSeconds.toFixed(2)} s: ${achieved.toFixed(2)} per second against a limit of ${LIMIT}`);
  publish([
    {
      bench: 'batch-rate-limit',
      metric: '|achieved rate ÷ limit − 1|',
      value: Math.abs(accuracy - 1),
      target: 0.1,
      unit: '×',
      detail: `achieved ÷ limit = ${accuracy.toFixed(3)} (${achieved.toFixed(2)}/s vs ${LIMIT}/s over ${N} instances)`,
    },
  ]);
} finally {
  await runtime?.stop();
  await emulator.stop();
}
