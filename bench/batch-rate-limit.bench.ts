/**
 * The accuracy of a batch's rate limit (issue 18, docs/api.md "Rate limit"). First a batch without
 * a limit measures what this machine's emulator can do (C instances per second); then a batch over N
 * instances with maxInstancesPerSecond L = 30 % of C (a limit the machine can hold, so the limit and
 * not the machine sets the pace) runs through the local runtime's workers (several execution runs at
 * once, as several Lambdas would). The rate achieved is (N − 1) divided by the time between the first
 * and the last instance's modification (their task2 start in the history); N = 5 L (about 5 s).
 * Target: the achieved rate ÷ L between 0.9 and 1.1, reported as |ratio − 1| ≤ 0.1.
 *
 *   npx tsx bench/batch-rate-limit.bench.ts       # BENCH_RATE_LIMIT fixes L instead
 */
import { createApiHandler } from '../functions/api/handler.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { apiEvent, benchPrefix, deployXml } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { sequentialUserTasks } from './support/models.ts';
import { heading, publish } from './support/report.ts';
import { sleep } from './support/timing.ts';

/** Instances of the batch without a limit that measures the machine. */
const FLOOR_INSTANCES = 250;

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

  const definition = await deployXml(runtime.services, 'rateBench', sequentialUserTasks('rateBench', 2));
  /** Runs a batch over `n` new instances (with a limit, or none) and answers the rate it achieved. */
  const achievedRate = async (n: number, limit: number | undefined) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await call('POST', `/process-definition/${definition.id}/start`, {}))!.id as string);
    const started = Date.now();
    const batch = (await call('POST', '/modification/executeAsync', {
      processDefinitionId: definition.id,
      processInstanceIds: ids,
      instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }],
      ...(limit !== undefined ? { maxInstancesPerSecond: limit } : {}),
    }))!;
    const budgetMs = (limit ? n / limit : 10) * 3_000 + 60_000;
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
    return { rate: (n - 1) / spanSeconds, spanSeconds };
  };

  heading(`the machine: a batch over ${FLOOR_INSTANCES} instances without a limit`);
  const floor = await achievedRate(FLOOR_INSTANCES, undefined);
  console.log(`${floor.rate.toFixed(1)} instances per second`);
  const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? Math.max(1, Math.floor(floor.rate * 0.3)));
  const N = LIMIT * 5 + 1;

  heading(`a batch over ${N} instances at ${LIMIT} per second`);
  const limited = await achievedRate(N, LIMIT);
  const achieved = limited.rate;
  const accuracy = achieved / LIMIT;
  console.log(`${N} instances modified over ${limited.spanSeconds.toFixed(2)} s: ${achieved.toFixed(2)} per second against a limit of ${LIMIT}`);
  publish([
    {
      bench: 'batch-rate-limit',
      metric: '|achieved rate ÷ limit − 1|',
      value: Math.abs(accuracy - 1),
      target: 0.1,
      unit: '×',
      detail: `achieved ÷ limit = ${accuracy.toFixed(3)} (${achieved.toFixed(2)}/s vs ${LIMIT}/s over ${N} instances; unlimited ${floor.rate.toFixed(1)}/s)`,
    },
  ]);
} finally {
  await runtime?.stop();
  await emulator.stop();
}
