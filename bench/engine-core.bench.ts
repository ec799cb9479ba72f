/**
 * Engine core (pure, in-process, no AWS):
 *  (a) µs per start + complete-all cycle of a 10-task sequential user-task process, next to the
 *      JSON round trips a stored instance pays for the same 11 operations anyway;
 *  (b) instance state size (JSON bytes) at 1, 100 and 1,000 parallel user-task tokens, against the
 *      target "under 200 KB at 1,000";
 *  (c) buildActivityInstanceTree at 10 … 10,000 tokens: µs, µs per token, and the per-token cost at
 *      10,000 relative to 100 (linear ⇒ ≈ 1; target ≤ 1.3).
 */
import { encodeState } from '../shared/store/state-codec.ts';
import { buildActivityInstanceTree, completeTask, type ProcessInstanceState, startProcessInstance } from '../shared/engine/index.ts';
import { integer } from '../shared/engine/typed-values.ts';
import { testEnvironment } from '../test/support/engine-harness.ts';
import { parallelMultiInstance, parseOne, sequentialUserTasks } from './support/models.ts';
import { bytes, formatTable, heading, publish, type RatioResult, ratio, us } from './support/report.ts';
import { sampleInterleavedSync, sampleRoundRobinSync } from './support/timing.ts';

const BENCH = 'engine-core';
const results: RatioResult[] = [];

function taskIdOf(state: ProcessInstanceState): string {
  const task = state.root.children?.[0]?.task;
  if (!task) throw new Error('expected a waiting user task');
  return task.id;
}

// ---- (a) start + complete 10 tasks --------------------------------------------------------------
{
  heading('(a) start → 10 user tasks → end: one cycle = start + 10 completions');
  const model = await parseOne(sequentialUserTasks('tenTasks', 10));
  const env = testEnvironment();
  const cycle = () => {
    let state = startProcessInstance(model, { definitionId: 'tenTasks:1:bench' }, env).state;
    for (let i = 0; i < 10; i++) state = completeTask(state, model, taskIdOf(state), undefined, env).state;
    if (state.status !== 'COMPLETED') throw new Error(`cycle ended ${state.status}`);
    return state;
  };
  // The storage floor of the same cycle: the 11 states it produces, each parsed and stringified once.
  const states: string[] = [];
  {
    let state = startProcessInstance(model, { definitionId: 'tenTasks:1:bench' }, env).state;
    states.push(JSON.stringify(state));
    for (let i = 0; i < 10; i++) {
      state = completeTask(state, model, taskIdOf(state), undefined, env).state;
      states.push(JSON.stringify(state));
    }
  }
  const floor = () => {
    let n = 0;
    for (const text of states) n += JSON.stringify(JSON.parse(text)).length;
    return n;
  };
  const [engine, json] = sampleInterleavedSync(cycle, floor, { warmup: 200, minSamples: 200, maxSamples: 20_000, budgetMs: 6_000 });
  console.log(
    formatTable(
      ['measure', 'median', 'p99', 'samples'],
      [
        ['start + 10 completions (one cycle)', us(engine.median), us(engine.p99), engine.us.length],
        ['per engine operation (cycle / 11)', us(engine.median / 11), us(engine.p99 / 11), engine.us.length],
        ['floor: JSON.parse+stringify of the 11 states', us(json.median), us(json.p99), json.us.length],
      ],
    ),
  );
  results.push({
    bench: BENCH,
    metric: '(a) 10-task cycle vs JSON floor',
    value: engine.median / json.median,
    target: Number.NaN,
    unit: '×',
    detail: `${us(engine.median)}/cycle vs ${us(json.median)}`,
    informational: true,
  });
}

// ---- (b) state size ------------------------------------------------------------------------------
const miModel = await parseOne(parallelMultiInstance('manyTokens'));
function startWithTokens(n: number): ProcessInstanceState {
  const state = startProcessInstance(miModel, { definitionId: 'manyTokens:1:bench', variables: { n: integer(n) } }, testEnvironment()).state;
  const body = state.root.children?.[0];
  if (body?.children?.length !== n) throw new Error(`expected ${n} tokens, got ${body?.children?.length}`);
  return state;
}
{
  heading('(b) stored instance state size (encodeState, the DynamoDB attribute) with N parallel user-task tokens (multi-instance, loopCardinality N)');
  const TARGET = 200 * 1024;
  const rows: (string | number)[][] = [];
  let at1000 = 0;
  for (const n of [1, 100, 1_000]) {
    const size = Buffer.byteLength(encodeState(startWithTokens(n)));
    if (n === 1_000) at1000 = size;
    rows.push([n, `${size.toLocaleString('en-US')} B (${bytes(size)})`, `${Math.round(size / n)} B`, n === 1_000 ? ratio(size / TARGET) : '-']);
  }
  console.log(formatTable(['tokens', 'state size', 'bytes / token', 'vs 200 KB target'], rows));
  // Where one token's bytes go (the 1,000-token state is ~1,000 of these).
  const token = startWithTokens(2).root.children![0]!.children![1]!;
  const parts = Object.entries(token).map(([key, value]) => [key, `${JSON.stringify({ [key]: value }).length - 2} B`, JSON.stringify(value)]);
  console.log(`\nOne token, ${JSON.stringify(token).length} B:`);
  console.log(formatTable(['field', 'bytes', 'value'], parts));
  results.push({
    bench: BENCH,
    metric: '(b) state size at 1,000 tokens / 200 KB',
    value: at1000 / TARGET,
    target: 1,
    unit: '×',
    detail: `${at1000.toLocaleString('en-US')} B = ${bytes(at1000)} (${Math.round(at1000 / 1000)} B/token)`,
  });
}

// ---- (c) activity-instance tree ------------------------------------------------------------------
{
  heading('(c) buildActivityInstanceTree: cost per token should stay flat (linear total cost)');
  const rows: (string | number)[][] = [];
  const perToken = new Map<number, number>();
  const sizes = [10, 100, 1_000, 10_000];
  const states = sizes.map((n) => startWithTokens(n));
  // All sizes in rotation (40 ms turns), so a noisy phase of the machine hits every size alike.
  const samples = sampleRoundRobinSync(
    states.map((state) => () => buildActivityInstanceTree(state, miModel)),
    { warmupRounds: 20, turnMs: 40, settleMs: 10, budgetMs: 8_000, innerLoops: sizes.map((n) => Math.max(1, Math.round(1_000 / n))) },
  );
  sizes.forEach((n, i) => {
    const s = samples[i]!;
    const tokens = n + 1; // inner instances + the multi-instance body
    perToken.set(n, s.median / tokens);
    rows.push([n, us(s.median), us(s.p99), `${(s.median / tokens).toFixed(3)} µs`, s.us.length]);
  });
  console.log(formatTable(['tokens', 'median', 'p99', 'µs / token', 'samples'], rows));
  const growth = perToken.get(10_000)! / perToken.get(100)!;
  console.log(`per-token cost at 10,000 vs 100 tokens: ${ratio(growth)} (1× = perfectly linear)`);
  const spread = Math.max(...perToken.values()) / Math.min(...perToken.values());
  console.log(`worst ÷ best per-token cost over all four sizes: ${ratio(spread)}`);
  results.push({
    bench: BENCH,
    metric: '(c) tree µs/token at 10,000 ÷ at 100',
    value: growth,
    target: 1.3,
    unit: '×',
    detail: `${perToken.get(10_000)!.toFixed(3)} vs ${perToken.get(100)!.toFixed(3)} µs/token`,
  });
  results.push({
    bench: BENCH,
    metric: '(c) tree µs/token: worst ÷ best of the 4 sizes',
    value: spread,
    target: Number.NaN,
    unit: '×',
    detail: sizes.map((n) => `${n}: ${perToken.get(n)!.toFixed(3)}`).join(', '),
    informational: true,
  });
}

publish(results);
