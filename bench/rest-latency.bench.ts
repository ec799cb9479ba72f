/**
 * REST handler latency against the emulator, in process: the API Lambda handler (createApiHandler)
 * is called with API Gateway events. Each endpoint is timed interleaved with the bare DynamoDB calls
 * it cannot avoid, issued through the same SDK client against the same emulator:
 *  - GET  /process-instance/{id}/activity-instances  vs GetItem(instance) + GetItem(definition)
 *  - POST /process-instance/{id}/modification (sync) vs GetItem(instance) + GetItem(definition)
 *        + a TransactWriteItems of the same actions and item sizes (written to scratch keys)
 * The model is cached after the first request, as in a warm Lambda. Target: ≤ 1.5× (median; p99 shown too).
 * AWS calls per request are counted with an SDK middleware on the handler's clients.
 */
import { decodeState } from '../shared/store/state-codec.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../functions/api/handler.ts';
import type { ProcessInstanceState } from '../shared/engine/state.ts';
import { integer } from '../shared/engine/typed-values.ts';
import { keys } from '../shared/store/keys.ts';
import { apiEvent, benchPrefix, clientsOf, deployXml, provisionServices } from './support/aws-setup.ts';
import { attachCallCounter, awsMs, describeCounts } from './support/count-aws-calls.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { parallelMultiInstance } from './support/models.ts';
import { formatTable, heading, ms, publish, type RatioResult, ratio } from './support/report.ts';
import { collectGarbage, elapsedUs, median, nowNs, p99 } from './support/timing.ts';

const BENCH = 'rest-latency';
const TARGET = 1.5;
const TOKEN_COUNTS = (process.env.BENCH_REST_TOKENS ?? '10,1000').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_REST_SAMPLES ?? 200);
/** Per measurement; at least 30 samples are taken even when the budget runs out first. */
const BUDGET_MS = 15_000;
/** The 1,000-token modification is slow in the emulator (large transaction): a longer budget keeps its p99 meaningful. */
const LARGE_WRITE_BUDGET_MS = 30_000;

type Action = Record<string, Record<string, unknown>>;

/** Mean time the handler spent waiting for AWS calls in the last interleaved measurement (ms). */
let lastAwsMs = Number.NaN;

/** The floor's own calls run inside this scope: the counting middleware leaves them out. */
const floorScope = new AsyncLocalStorage<boolean>();
const emulator = await startBenchEmulator();
const results: RatioResult[] = [];
try {
  const { services, config } = await provisionServices(emulator.endpoint, benchPrefix('rest'));
  const { doc, sqs } = clientsOf(services);
  const definition = await deployXml(services, 'restBench', parallelMultiInstance('restBench'));
  const handler = createApiHandler(services);

  // What the handler sends, captured by the counting middleware (by reference: no copying inside the
  // timed request; the SDK marshals into new objects and never changes its input): the floor replays it.
  let captured: { command: string; input: unknown }[] = [];
  const inFloor = () => floorScope.getStore() === true;
  const dynamoCounter = attachCallCounter(doc, 'DynamoDB', (command, input) => captured.push({ command, input }), inFloor);
  const sqsCounter = attachCallCounter(sqs, 'SQS', undefined, inFloor);
  /** AWS time of the handler's requests so far (ms), across resets. */
  let handlerAwsMs = 0;
  let handlerRequests = 0;
  const snapshot = () => structuredClone({ dynamo: dynamoCounter.counts, sqs: sqsCounter.counts });
  const resetCounters = () => {
    handlerAwsMs += awsMs(dynamoCounter.counts) + awsMs(sqsCounter.counts);
    captured = [];
    dynamoCounter.reset();
    sqsCounter.reset();
  };

  const call = async (method: string, path: string, body?: unknown) => {
    handlerRequests += 1;
    const response = await handler(apiEvent(method, path, body));
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const getInput = (command: string, n: number) => {
    const found = captured.filter((c) => c.command === command)[n];
    if (!found) throw new Error(`no ${command} #${n} captured (saw ${captured.map((c) => c.command).join(', ')})`);
    return found.input as ConstructorParameters<typeof GetCommand>[0];
  };

  for (const tokens of TOKEN_COUNTS) {
    const state = await services.engine.start(definition, { variables: { n: integer(tokens) } });
    const id = state.id;

    // ---- GET activity-instances ---------------------------------------------------------------------
    heading(`GET /process-instance/{id}/activity-instances — instance with ${tokens} tokens`);
    resetCounters();
    await call('GET', `/process-instance/${id}/activity-instances`);
    const readCalls = snapshot();
    // The floor replays exactly the reads the handler made (the definition is cached per
    // container, so a warm request reads only the instance).
    const reads = captured.filter((c) => c.command === 'DynamoDB.GetItem').map((_, n) => getInput('DynamoDB.GetItem', n));
    const readFloor = () =>
      floorScope.run(true, async () => {
        for (const input of reads) await doc.send(new GetCommand(input));
      });
    const readHandler = () => call('GET', `/process-instance/${id}/activity-instances`);
    const [h, f] = await interleave(readHandler, readFloor, async () => {}, BUDGET_MS, awsTime);
    report(`activity-instances (${tokens} tokens)`, h, f, readCalls);

    // ---- sync modification --------------------------------------------------------------------------
    heading(`POST /process-instance/{id}/modification (sync, 3 instructions) — instance with ${tokens} tokens`);
    // The floor writes the same actions to scratch keys, with its own version guard on the instance copy.
    let floorVersion = 0;
    let lastTransaction: Action[] | undefined;
    const victim = () => floorScope.run(true, () => readVictim());
    const readVictim = async () => {
      const { Item } = await doc.send(new GetCommand({ TableName: config.tableName, Key: keys.instance(id), ConsistentRead: true }));
      const current: ProcessInstanceState = decodeState(Item!.state as string);
      const inner = current.root.children!.find((c) => c.activityId.endsWith('#multiInstanceBody'))!.children!;
      return inner[inner.length >> 1]!.id;
    };
    let nextVictim = await victim();
    const body = () => ({
      instructions: [
        { type: 'cancel', activityInstanceId: nextVictim },
        { type: 'startBeforeActivity', activityId: 'work' },
        { type: 'startAfterActivity', activityId: 'review' },
      ],
    });
    const modifyHandler = async () => {
      resetCounters();
      await call('POST', `/process-instance/${id}/modification`, body());
      const write = captured.find((c) => c.command === 'DynamoDB.TransactWriteItems');
      if (!write) throw new Error('the modification request sent no TransactWriteItems');
      lastTransaction = (write.input as { TransactItems: Action[] }).TransactItems;
    };
    const writeFloor = () =>
      floorScope.run(true, async () => {
        for (const input of reads) await doc.send(new GetCommand(input));
        floorVersion += 1;
        await doc.send(new TransactWriteCommand({ TransactItems: toScratch(lastTransaction!, floorVersion) as never }));
      });
    // One request first: its transaction is the shape the floor replays.
    await modifyHandler();
    const writeCalls = snapshot();
    const actions = lastTransaction!.map((a) => Object.keys(a)[0]).join(' + ');
    const transactionBytes = JSON.stringify(lastTransaction).length;
    await floorScope.run(true, () => doc.send(new TransactWriteCommand({ TransactItems: toScratch(lastTransaction!, 0, true) as never })));
    nextVictim = await victim();
    const [mh, mf] = await interleave(
      modifyHandler,
      writeFloor,
      async () => {
        nextVictim = await victim();
      },
      tokens >= 1_000 ? LARGE_WRITE_BUDGET_MS : BUDGET_MS,
      awsTime,
    );
    report(`sync modification (${tokens} tokens)`, mh, mf, writeCalls, `transaction: ${actions} (${(transactionBytes / 1024).toFixed(1)} KB)`);
  }
  /** Mean AWS time per handler request since the last call (for "where the time goes"). */
  function awsTime(): number {
    resetCounters();
    const mean = handlerRequests > 0 ? handlerAwsMs / handlerRequests : Number.NaN;
    handlerAwsMs = 0;
    handlerRequests = 0;
    return mean;
  }
  dynamoCounter.detach();
  sqsCounter.detach();
} finally {
  await emulator.stop();
}
publish(results);

/**
 * Alternates handler and floor (A, B, A, B …) so both see the same machine and emulator noise;
 * `between` runs untimed before each handler call, and each timed call starts from a collected heap
 * (collectGarbage). Warm-up first; bounded by count and time.
 */
async function interleave(a: () => Promise<unknown>, b: () => Promise<unknown>, between: () => Promise<void>, budgetMs: number, awsTimeOfA: () => number): Promise<[number[], number[]]> {
  const warmup = budgetMs > BUDGET_MS ? 5 : 10;
  for (let i = 0; i < warmup; i++) {
    await between();
    await a();
    await b();
  }
  awsTimeOfA(); // forget the warm-up
  const usA: number[] = [];
  const usB: number[] = [];
  const deadline = Date.now() + budgetMs;
  // At least 30 samples, unless even that would take more than twice the budget.
  const hardStop = Date.now() + 2 * budgetMs;
  while (usA.length < SAMPLES && (usA.length < 30 || Date.now() < deadline) && Date.now() < hardStop) {
    await between();
    collectGarbage();
    let start = nowNs();
    await a();
    usA.push(elapsedUs(start));
    collectGarbage();
    start = nowNs();
    await b();
    usB.push(elapsedUs(start));
  }
  lastAwsMs = awsTimeOfA();
  return [usA, usB];
}

function report(
  name: string,
  handlerUs: number[],
  floorUs: number[],
  calls: { dynamo: { total: number; byCommand: Record<string, number> }; sqs: { total: number; byCommand: Record<string, number> } },
  note?: string,
): void {
  const medianRatio = median(handlerUs) / median(floorUs);
  const p99Ratio = p99(handlerUs) / p99(floorUs);
  const callList = [describeCounts(calls.dynamo), describeCounts(calls.sqs)].filter(Boolean).join(', ');
  console.log(
    formatTable(
      ['', 'median', 'p99', 'samples'],
      [
        ['handler', ms(median(handlerUs)), ms(p99(handlerUs)), handlerUs.length],
        ['floor (bare DynamoDB calls)', ms(median(floorUs)), ms(p99(floorUs)), floorUs.length],
        ['handler − floor (time in the handler itself)', ms(median(handlerUs) - median(floorUs)), ms(p99(handlerUs) - p99(floorUs)), ''],
        ['ratio', ratio(medianRatio), ratio(p99Ratio), ''],
      ],
    ),
  );
  const meanHandlerMs = handlerUs.reduce((x, y) => x + y, 0) / handlerUs.length / 1000;
  console.log(
    `where a request's time goes (means): ${meanHandlerMs.toFixed(1)} ms in the handler, ${lastAwsMs.toFixed(1)} ms of it waiting for AWS calls, ${(meanHandlerMs - lastAwsMs).toFixed(1)} ms in the process`,
  );
  if (handlerUs.length < 100) console.log(`(only ${handlerUs.length} samples within the time budget: p99 is close to the maximum)`);
  console.log(`AWS calls per request: ${calls.dynamo.total + calls.sqs.total} (${callList})${note ? `; ${note}` : ''}`);
  results.push(
    { bench: BENCH, metric: `${name}: median / floor`, value: medianRatio, target: TARGET, unit: '×', detail: `${ms(median(handlerUs))} vs ${ms(median(floorUs))}` },
    { bench: BENCH, metric: `${name}: p99 / floor p99`, value: p99Ratio, target: TARGET, unit: '×', detail: `${ms(p99(handlerUs))} vs ${ms(p99(floorUs))}` },
    { bench: BENCH, metric: `${name}: AWS calls / request`, value: calls.dynamo.total + calls.sqs.total, target: Number.NaN, unit: 'calls', detail: callList, informational: true },
  );
}

/**
 * The handler's transaction moved to scratch keys (`FLOOR#…`): same actions, same item sizes, same
 * index attributes. The instance put keeps a version guard, against the floor's own copy. `seed`
 * writes the copy unguarded (version 0) before the first timed floor call.
 */
function toScratch(actions: Action[], version: number, seed = false): Action[] {
  return actions.map((action) => {
    const [kind, body] = Object.entries(action)[0]!;
    const copy = structuredClone(body) as Record<string, unknown> & {
      Item?: Record<string, unknown>;
      Key?: Record<string, unknown>;
      ConditionExpression?: string;
      ExpressionAttributeValues?: Record<string, unknown>;
    };
    if (copy.Item) copy.Item.pk = `FLOOR#${copy.Item.pk}`;
    if (copy.Key) copy.Key.pk = `FLOOR#${copy.Key.pk}`;
    if (copy.ConditionExpression?.includes(':expected')) {
      if (seed) {
        delete copy.ConditionExpression;
        delete copy.ExpressionAttributeValues;
      } else {
        copy.ExpressionAttributeValues = { ...copy.ExpressionAttributeValues, ':expected': version - 1 };
      }
      if (copy.Item) copy.Item.version = seed ? 0 : version;
    }
    return { [kind]: copy };
  });
}
