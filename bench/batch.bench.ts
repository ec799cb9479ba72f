/**
 * Batch modification in the local runtime (API handler + SQS pollers + emulator), against floors
 * issued directly with the SDK against the same emulator in the same run:
 *  (a) POST /modification/executeAsync over N instances until GET /batch/{id} answers 404, as a
 *      ratio to the floor: N × (GetItem of the instance + TransactWriteItems with a version
 *      condition), 10 at a time like the execute poller (batchSize 10, one poller). Target ≤ 2×.
 *  (b) AWS API calls per modified instance across every DynamoDB and SQS client in the process
 *      (prototype patch, bench/support/count-aws-calls.ts). Target ≤ 4.
 *  (c) POST /process-instance/{id}/modification-async handler latency (median of 50) as a ratio to one
 *      PutItem + one SendMessage issued directly. Target ≤ 1.5×.
 *
 * N is 1,000 (BENCH_BATCH_INSTANCES for other sizes). The emulator is the embedded one `npm start`
 * and the tests use (local/emulator.py): its costs do not grow with the table or the queue. See
 * bench/README.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../functions/api/handler.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { indexLayoutFrom } from '../shared/store/index-layout.ts';
import { keys } from '../shared/store/keys.ts';
import { apiEvent, benchPrefix, clientsOf, deployXml } from './support/aws-setup.ts';
import { type CallCounts, countAwsCalls, describeCounts } from './support/count-aws-calls.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { WriteSpread } from './support/write-spread.ts';
import { sequentialUserTasks } from './support/models.ts';
import { formatNumber, formatTable, heading, ms, publish, type RatioResult, ratio } from './support/report.ts';
import { elapsedUs, median, nowNs, p99, sleep } from './support/timing.ts';

const BENCH = 'batch';
const N = Number(process.env.BENCH_BATCH_INSTANCES ?? 1000);
/** The execute queue's batch size (shared/infrastructure/resources.ts): records per poll, handled in parallel. */
const CONCURRENCY = 10;
const BATCH_DEADLINE_MS = Number(process.env.BENCH_BATCH_DEADLINE_MS ?? 100_000);
/** No job finished for this long: the batch is reported as stalled instead of waited for. */
const STALL_MS = 30_000;
const ASYNC_CALLS = 50;

type Json = Record<string, any>;
type Action = Record<string, Json>;

const results: RatioResult[] = [];
const observer = new AsyncLocalStorage<boolean>();
const emulator = await startBenchEmulator();
let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
try {
  runtime = await startLocalRuntime({
    port: 0,
    prefix: benchPrefix('batch'),
    log: () => {},
    // Timers play no part here; the sweeper would only add its Query to the counts.
    sweepIntervalMs: 3_600_000,
    // The AWS default (local/runtime.ts uses fewer): the write spread is measured against it.
    config: { batchPollTimeSeconds: 1, indexShards: indexLayoutFrom(process.env.INDEX_SHARDS).shards },
  });
  const { services, config } = runtime;
  const { doc, sqs } = clientsOf(services);
  const api = createApiHandler(services);
  /** Requests the benchmark makes to observe progress: never counted (AsyncLocalStorage marks them). */
  const observe = <T>(fn: () => Promise<T>) => observer.run(true, fn);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await api(apiEvent(method, path, body));
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${response.body}`);
    return response.body ? (JSON.parse(response.body) as unknown) : undefined;
  };

  // Learns every item written from here on, so the batch's deletes are charged to the index keys they remove.
  const spread = new WriteSpread();
  const spreadWatcher = countAwsCalls({ ignore: () => observer.getStore() === true, onCall: (command, input) => spread.observe(command, input) });

  // ---- setup (not timed) ---------------------------------------------------------------------------
  heading(`setup: ${N} instances of start → task1 → task2 → end`);
  const definition = await deployXml(services, 'batchBench', sequentialUserTasks('batchBench', 2));
  const ids: string[] = [];
  const setupStart = Date.now();
  for (let i = 0; i < N; i += 10) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(10, N - i) }, async () => (await services.engine.start(definition, {})).id))));
  }
  console.log(`started ${N} instances in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);

  // ---- floor: GetItem + conditional TransactWriteItems per instance, 10 at a time ------------------
  const floorErrors = { count: 0 };
  const floorOnce = async (id: string, extra: (id: string) => Action[] = () => []) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const { Item } = await doc.send(new GetCommand({ TableName: config.tableName, Key: keys.instance(id), ConsistentRead: true }));
        const version = Item!.version as number;
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: config.tableName, Item: { ...Item, version: version + 1 }, ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': version } } },
              ...extra(id),
            ] as never,
          }),
        );
        return;
      } catch (error) {
        if (process.env.BENCH_DEBUG) console.log(`floor error for ${id}: ${(error as Error).message.slice(0, 80)} ${JSON.stringify((error as { $metadata?: unknown }).$metadata)}`);
        floorErrors.count += 1; // a failed write is done again, as a redelivery would; the count is reported
      }
    }
    throw new Error(`floor write for ${id} kept failing`);
  };
  /** Emulator CPU seconds used per phase: how busy the batch keeps the emulator, against the floor. */
  const emulatorCpu: Record<string, number> = {};
  const cpuOf = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const before = emulator.cpuSeconds();
    const ownBefore = process.cpuUsage();
    const result = await fn();
    const after = emulator.cpuSeconds();
    ownCpu[phase] = cpuSecondsSince(ownBefore);
    if (before !== undefined && after !== undefined) emulatorCpu[phase] = after - before;
    return result;
  };
  /** CPU seconds of this process (the product's handlers, the SDK, the pollers) per phase. */
  const ownCpu: Record<string, number> = {};
  const cpuSecondsSince = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  const floor = async (extra?: (id: string) => Action[]) => {
    const start = nowNs();
    const groups: number[] = [];
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      const group = nowNs();
      await Promise.all(ids.slice(i, i + CONCURRENCY).map((id) => floorOnce(id, extra)));
      groups.push(elapsedUs(group) / 1000);
    }
    if (process.env.BENCH_DEBUG) console.log(`floor groups (ms): ${groups.map((g) => g.toFixed(0)).join(' ')}`);
    return elapsedUs(start);
  };
  await floor(); // warm-up: connections, the emulator's code paths
  const floorBefore = await cpuOf('floor before', () => floor());

  // ---- (a) + (b): the batch -------------------------------------------------------------------------
  heading(`(a) executeAsync over ${N} instances: POST until the batch is gone from GET /batch (batchPollTimeSeconds 1)`);
  let executeTransaction: Action[] | undefined;
  const counter = countAwsCalls({
    ignore: () => observer.getStore() === true,
    onCall: (command, input) => {
      const items = (input as { TransactItems?: Action[] })?.TransactItems;
      const execution =
        command === 'DynamoDB.TransactWrite' &&
        items?.some((a) => String(a.Put?.Item?.pk ?? '').startsWith('PI#')) &&
        items.some((a) => String((a.Delete ?? a.Update)?.Key?.pk ?? '').startsWith('BJOB#'));
      if (execution) {
        executeTransaction ??= structuredClone(items);
        timeline.firstExecution ??= elapsedUs(batchStart);
        timeline.lastExecution = elapsedUs(batchStart);
      }
      if (command === 'DynamoDB.TransactWrite' && items?.some((a) => String(a.Put?.Item?.pk ?? '').startsWith('BJOB#'))) timeline.lastSeed = elapsedUs(batchStart);
      if (command === 'DynamoDB.TransactWrite' && items?.some((a) => a.Delete?.Key?.sk === 'BATCH')) removals += 1;
    },
  });
  /** Batch removals sent (the monitor's last step): the cue to look whether the batch is gone. */
  let removals = 0;
  /** When (µs after the POST) the phases of the batch happened, as the calls show them. */
  const timeline: { created?: number; lastSeed?: number; firstExecution?: number; lastExecution?: number } = {};
  const batchCpuBefore = emulator.cpuSeconds();
  const batchOwnCpuBefore = process.cpuUsage();
  spread.counting = true;
  const batchStart = nowNs();
  const batch = (await call('POST', '/modification/executeAsync', {
    processDefinitionId: definition.id,
    processInstanceIds: ids,
    instructions: [
      { type: 'startBeforeActivity', activityId: 'task2' },
      { type: 'cancel', activityId: 'task1' },
    ],
  })) as Json;
  timeline.created = elapsedUs(batchStart);
  let outcome: 'completed' | 'stalled' | 'deadline' = 'deadline';
  let lastProgress = Date.now();
  let writesSeen = 0;
  const deadline = Date.now() + BATCH_DEADLINE_MS;
  // Watching must not load the emulator the batch is measured on: GET /batch/{id} every 50 ms costs it
  // about two seconds of CPU over a 1,000-instance batch. So the call counter, in process, gives the cue (a batch removal was sent), one GET
  // confirms it; a GET every 2 s is the fallback. Progress for the stall check is counted the same way.
  let lastLook = 0;
  let removalsLookedAt = 0;
  while (Date.now() < deadline) {
    if (removals > removalsLookedAt || Date.now() - lastLook > 2_000) {
      removalsLookedAt = removals;
      lastLook = Date.now();
      if ((await observe(() => api(apiEvent('GET', `/batch/${batch.id}`)))).statusCode === 404) {
        outcome = 'completed';
        break;
      }
    }
    const writes = counter.counts.byCommand['DynamoDB.TransactWrite'] ?? 0;
    if (writes > writesSeen) {
      writesSeen = writes;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      outcome = 'stalled';
      break;
    }
    await sleep(10);
  }
  const batchUs = elapsedUs(batchStart);
  const batchCpuAfter = emulator.cpuSeconds();
  if (batchCpuBefore !== undefined && batchCpuAfter !== undefined) emulatorCpu.batch = batchCpuAfter - batchCpuBefore;
  ownCpu.batch = cpuSecondsSince(batchOwnCpuBefore);
  counter.stop();
  spread.counting = false;
  spreadWatcher.stop();
  const counts = structuredClone(counter.counts);
  const floorAfter = await floor();
  const floorUs = (floorBefore + floorAfter) / 2;
  // The same transactions as the batch's own (same actions and sizes; scratch keys, conditions kept only on the instance).
  let shapedFloorUs: number | undefined;
  if (executeTransaction) {
    const others = executeTransaction.filter((a) => !String(a.Put?.Item?.pk ?? '').startsWith('PI#'));
    const shaped = (id: string) => others.map((action) => scratch(action, id));
    shapedFloorUs = await floor(shaped);
  }

  if (outcome !== 'completed') {
    const stats = ((await observe(() => call('GET', '/batch/statistics'))) as Json[]).find((b) => b.id === batch.id);
    console.log(
      `batch ${outcome} after ${ms(batchUs)}: ${JSON.stringify(stats ? { jobsCreated: stats.jobsCreated, totalJobs: stats.totalJobs, remainingJobs: stats.remainingJobs, failedJobs: stats.failedJobs } : 'no statistics')}`,
    );
  }

  console.log(
    formatTable(
      ['', 'time', 'per instance'],
      [
        [`batch: POST → gone from /batch (${outcome})`, ms(batchUs), ms(batchUs / N)],
        ['floor before the batch', ms(floorBefore), ms(floorBefore / N)],
        ['floor after the batch', ms(floorAfter), ms(floorAfter / N)],
        ['floor (mean of both) = GetItem + conditional 1-action TransactWriteItems, 10 at a time', ms(floorUs), ms(floorUs / N)],
        ...(shapedFloorUs === undefined
          ? []
          : [[`same-shape floor: GetItem + the batch's own ${executeTransaction!.length}-action transaction, 10 at a time`, ms(shapedFloorUs), ms(shapedFloorUs / N)]]),
        ['ratio batch / floor', ratio(batchUs / floorUs), ''],
        ...(shapedFloorUs === undefined ? [] : [['ratio batch / same-shape floor (info)', ratio(batchUs / shapedFloorUs), '']]),
      ],
    ),
  );
  console.log(`floor calls the emulator failed (HTTP 500 on overlapping transactions) and were redone: ${floorErrors.count}`);
  if (emulatorCpu.batch !== undefined && emulatorCpu['floor before'] !== undefined) {
    console.log(
      `emulator CPU: floor ${emulatorCpu['floor before'].toFixed(1)} s in ${ms(floorBefore)} (${((emulatorCpu['floor before'] * 1e8) / floorBefore).toFixed(0)}% busy); ` +
        `batch ${emulatorCpu.batch.toFixed(1)} s in ${ms(batchUs)} (${((emulatorCpu.batch * 1e8) / batchUs).toFixed(0)}% busy)`,
    );
  }
  console.log(`this process's CPU (handlers, SDK, pollers): floor ${ownCpu['floor before']?.toFixed(1)} s, batch ${ownCpu.batch?.toFixed(1)} s`);
  console.log(
    `timeline after the POST: answered ${ms(timeline.created ?? 0)}, first execution ${ms(timeline.firstExecution ?? 0)}, last seed write ${ms(timeline.lastSeed ?? 0)}, last execution ${ms(timeline.lastExecution ?? 0)}, gone ${ms(batchUs)}`,
  );
  if (executeTransaction)
    console.log(
      `one batch execution transaction: ${executeTransaction.map((a) => `${Object.keys(a)[0]} ${String((Object.values(a)[0]!.Item ?? Object.values(a)[0]!.Key)?.pk).split('#')[0]}`).join(' + ')}`,
    );
  results.push({
    bench: BENCH,
    metric: `(a) batch of ${N} (POST → gone) / floor`,
    value: outcome === 'completed' ? batchUs / floorUs : Number.POSITIVE_INFINITY,
    target: 1.5,
    unit: '×',
    detail: `${ms(batchUs)} vs ${ms(floorUs)}${outcome === 'completed' ? '' : ` (${outcome})`}`,
  });
  if (shapedFloorUs !== undefined) {
    results.push({
      bench: BENCH,
      metric: `(a) batch / same-shape-transaction floor`,
      value: batchUs / shapedFloorUs,
      target: Number.NaN,
      unit: '×',
      detail: `${ms(batchUs)} vs ${ms(shapedFloorUs)}`,
      informational: true,
    });
  }

  // ---- (a') where the batch's writes landed ---------------------------------------------------------------
  heading(`(a') write spread during the batch: the busiest partition key value of the table and of each index (${config.indexShards} shards)`);
  const spreads = spread.report();
  console.log(
    formatTable(
      ['table / index', 'writes', 'busiest key value', 'its writes', 'share'],
      spreads.map((s) => [s.index, s.writes, s.busiestKey, s.busiestWrites, `${(s.share * 100).toFixed(1)}%`]),
    ),
  );
  const busiest = spreads.reduce((a, b) => (b.share > a.share ? b : a));
  results.push({
    bench: BENCH,
    metric: `(a') busiest partition key's share of its table/index writes (1/shards + 5 points)`,
    value: busiest.share * 100,
    target: 100 / config.indexShards + 5,
    unit: '%',
    detail: `${busiest.busiestWrites} of ${busiest.writes} ${busiest.index} writes on ${busiest.busiestKey}`,
  });

  // ---- (b) AWS calls per modified instance -----------------------------------------------------------
  heading(`(b) AWS API calls per modified instance (all DynamoDB + SQS clients in the process, ${N} instances)`);
  const idle = counts.byCommand['SQS.ReceiveMessage(empty)'] ?? 0;
  const work = counts.total - idle;
  printCounts(counts, N);
  console.log(`errors (after SDK retries): ${counts.errors}`);
  console.log(`per instance: ${formatNumber(work / N)} calls doing work, ${formatNumber(counts.total / N)} including ${idle} empty long-polls of the 4 idle queue pollers`);
  results.push(
    { bench: BENCH, metric: '(b) AWS calls per modified instance', value: work / N, target: 4, unit: 'calls', detail: describeCounts(withoutIdle(counts), N) },
    {
      bench: BENCH,
      metric: '(b) … including empty long-polls',
      value: counts.total / N,
      target: Number.NaN,
      unit: 'calls',
      detail: `${idle} empty ReceiveMessage in ${ms(batchUs)}`,
      informational: true,
    },
  );

  // ---- (c) modification-async handler ----------------------------------------------------------------
  heading(`(c) POST /process-instance/{id}/modification-async: handler (in process) vs PutItem + SendMessage (median of ${ASYNC_CALLS})`);
  // Workers off: the batches created here would otherwise run in the background and load the emulator.
  await Promise.all(Object.values(runtime.pollers).map((p) => p.stop()));
  let batchPut: Json | undefined;
  let seedBody: string | undefined;
  const asyncCounter = countAwsCalls({
    onCall: (command, input) => {
      if (command === 'DynamoDB.BatchWrite') {
        const requests = Object.values((input as { RequestItems: Record<string, Action[]> }).RequestItems)[0]!;
        const item = requests.find((r) => r.PutRequest?.Item?.kind === 'batch')?.PutRequest?.Item;
        if (item) batchPut = { TableName: config.tableName, Item: structuredClone(item) };
      }
      if (command === 'SQS.SendMessage') seedBody = (input as { MessageBody: string }).MessageBody;
      if (command === 'SQS.SendMessageBatch') seedBody = (input as { Entries: { MessageBody: string }[] }).Entries[0]!.MessageBody;
    },
  });
  const target = ids[0]!;
  const handler = () => call('POST', `/process-instance/${target}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task1' }] });
  await handler();
  const asyncCalls = structuredClone(asyncCounter.counts);
  asyncCounter.stop();
  let floorSeq = 0;
  const putSend = async () => {
    floorSeq += 1;
    await doc.send(new PutCommand({ ...batchPut!, Item: { ...batchPut!.Item, pk: `FLOOR#BATCH#${floorSeq}` } } as never));
    await sqs.send(new SendMessageCommand({ QueueUrl: config.batchSeedQueueUrl, MessageBody: seedBody! }));
  };
  for (let i = 0; i < 5; i++) {
    await handler();
    await putSend();
  }
  const handlerUs: number[] = [];
  const floorCallUs: number[] = [];
  // Counts (and times) the handler's own AWS calls during the measurement; the floor's are ignored.
  const inHandler = countAwsCalls({ ignore: () => observer.getStore() === true });
  const asyncDeadline = Date.now() + 60_000;
  for (let i = 0; i < ASYNC_CALLS && Date.now() < asyncDeadline; i++) {
    let start = nowNs();
    await handler();
    handlerUs.push(elapsedUs(start));
    start = nowNs();
    await observe(putSend);
    floorCallUs.push(elapsedUs(start));
  }
  inHandler.stop();
  const awsMsPerRequest = Object.values(inHandler.counts.msByCommand ?? {}).reduce((a, b) => a + b, 0) / handlerUs.length;
  const meanHandlerMs = handlerUs.reduce((a, b) => a + b, 0) / handlerUs.length / 1000;
  const asyncRatio = median(handlerUs) / median(floorCallUs);
  console.log(
    formatTable(
      ['', 'median', 'p99', 'samples'],
      [
        ['modification-async handler', ms(median(handlerUs)), ms(p99(handlerUs)), handlerUs.length],
        ['floor: PutItem (the batch item) + SendMessage (the seed message)', ms(median(floorCallUs)), ms(p99(floorCallUs)), floorCallUs.length],
        ['ratio', ratio(asyncRatio), ratio(p99(handlerUs) / p99(floorCallUs)), ''],
      ],
    ),
  );
  console.log(`AWS calls per request: ${asyncCalls.total} (${describeCounts(asyncCalls)})`);
  console.log(
    `where a request's time goes (means over ${handlerUs.length}): ${meanHandlerMs.toFixed(1)} ms in total, ${awsMsPerRequest.toFixed(1)} ms waiting for AWS calls (` +
      Object.entries(inHandler.counts.msByCommand ?? {})
        .map(([k, v]) => `${k} ${(v / handlerUs.length).toFixed(1)} ms`)
        .join(', ') +
      `), ${(meanHandlerMs - awsMsPerRequest).toFixed(1)} ms in the process`,
  );
  results.push(
    { bench: BENCH, metric: '(c) modification-async handler / PutItem+SendMessage', value: asyncRatio, target: 1.5, unit: '×', detail: `${ms(median(handlerUs))} vs ${ms(median(floorCallUs))}` },
    { bench: BENCH, metric: '(c) modification-async AWS calls / request', value: asyncCalls.total, target: Number.NaN, unit: 'calls', detail: describeCounts(asyncCalls), informational: true },
  );
} finally {
  await runtime?.stop();
  await emulator.stop();
}
publish(results);
// Stopped pollers, closed server: nothing should keep the process alive, but never hang a run on it.
setTimeout(() => process.exit(0), 2_000).unref();

/** An execution transaction's non-instance action on scratch keys, without its conditions. */
function scratch(action: Action, id: string): Action {
  const [kind, body] = Object.entries(action)[0]!;
  const copy = structuredClone(body);
  delete copy.ConditionExpression;
  if (copy.ExpressionAttributeValues && kind !== 'Update') delete copy.ExpressionAttributeValues;
  if (kind === 'Update') {
    // Keep the update's own values, drop those only its condition used.
    const used = new Set(String(copy.UpdateExpression).match(/:\w+/g) ?? []);
    copy.ExpressionAttributeValues = Object.fromEntries(Object.entries(copy.ExpressionAttributeValues ?? {}).filter(([k]) => used.has(k)));
    if (Object.keys(copy.ExpressionAttributeValues).length === 0) delete copy.ExpressionAttributeValues;
  }
  if (copy.Item) copy.Item = { ...copy.Item, pk: `FLOOR#${id}#${copy.Item.pk}` };
  if (copy.Key) copy.Key = { ...copy.Key, pk: `FLOOR#${id}#${copy.Key.pk}` };
  return { [kind]: copy };
}

function withoutIdle(counts: CallCounts): CallCounts {
  const byCommand = { ...counts.byCommand };
  delete byCommand['SQS.ReceiveMessage(empty)'];
  return { total: counts.total - (counts.byCommand['SQS.ReceiveMessage(empty)'] ?? 0), byCommand };
}

function printCounts(counts: CallCounts, per: number): void {
  const rows = Object.entries(counts.byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => [name, n, formatNumber(n / per), ms((counts.msByCommand?.[name] ?? 0) * 1000)]);
  console.log(formatTable(['call', 'count', 'per instance', 'time waiting (summed)'], rows));
}
