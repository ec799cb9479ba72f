/**
 * Process instance modification (pure engine, no AWS): a 3-instruction modification — cancel one
 * token by activityInstanceId, startBeforeActivity of a task, startAfterActivity of a task — on an
 * instance with 10 … 10,000 active activity instances, as a ratio to the floor every stored
 * instance pays anyway: JSON.parse + JSON.stringify of that state. Target: under 2× the floor.
 * Both are timed the same way, interleaved, median of many runs.
 */
import { type ModificationRequest, modifyProcessInstance, type ProcessInstanceState, startProcessInstance } from '../shared/engine/index.ts';
import { integer } from '../shared/engine/typed-values.ts';
import { testEnvironment } from '../test/support/engine-harness.ts';
import { parallelMultiInstance, parseOne } from './support/models.ts';
import { bytes, formatTable, heading, publish, type RatioResult, ratio, us } from './support/report.ts';
import { sampleInterleavedSync } from './support/timing.ts';

const BENCH = 'modification';
const TARGET = 2;
const SIZES = (process.env.BENCH_MOD_SIZES ?? '10,100,1000,10000').split(',').map(Number);

const model = await parseOne(parallelMultiInstance('modBench'));
const env = testEnvironment();

/** An instance whose multi-instance body holds `n` user-task tokens. */
function instanceWith(n: number): ProcessInstanceState {
  const state = startProcessInstance(model, { definitionId: 'modBench:1:bench', variables: { n: integer(n) } }, env).state;
  if (state.root.children?.[0]?.children?.length !== n) throw new Error(`expected ${n} tokens`);
  return state;
}

/** Cancel the middle token (by id), start one more `work` instance, start after `review` (runs to the end event). */
function requestFor(state: ProcessInstanceState): ModificationRequest {
  const tokens = state.root.children![0]!.children!;
  const victim = tokens[tokens.length >> 1]!;
  return {
    instructions: [
      { type: 'cancel', activityInstanceId: victim.id },
      { type: 'startBeforeActivity', activityId: 'work' },
      { type: 'startAfterActivity', activityId: 'review' },
    ],
  };
}

heading('3-instruction modification vs the JSON round trip of the same state');
const rows: (string | number)[][] = [];
const ratios = new Map<number, { ratio: number; mod: number; floor: number }>();
for (const n of SIZES) {
  const state = instanceWith(n);
  const request = requestFor(state);
  const text = JSON.stringify(state);
  // Sanity: the modification does what it says (one token fewer, one more, the third ran to the end).
  const check = modifyProcessInstance(state, model, request, env).state;
  if (check.status !== 'ACTIVE' || check.root.children?.[0]?.children?.length !== n) throw new Error('modification did not keep the token count');
  const modify = () => modifyProcessInstance(state, model, request, env);
  const floor = () => JSON.stringify(JSON.parse(text));
  const innerLoops = n <= 10 ? 50 : n <= 100 ? 5 : 1;
  const [m, f] = sampleInterleavedSync(modify, floor, {
    warmup: Math.max(10, Math.ceil(5_000 / n)),
    minSamples: n >= 10_000 ? 30 : 100,
    maxSamples: 5_000,
    budgetMs: n >= 10_000 ? 12_000 : 5_000,
    innerLoops,
  });
  const r = m.median / f.median;
  ratios.set(n, { ratio: r, mod: m.median, floor: f.median });
  rows.push([n, bytes(text.length), us(m.median), us(m.p99), us(f.median), us(f.p99), ratio(r), m.us.length]);
}
console.log(formatTable(['active instances', 'state', 'modification median', 'p99', 'floor median', 'floor p99', 'ratio', 'samples'], rows));

const results: RatioResult[] = SIZES.map((n) => {
  const r = ratios.get(n)!;
  return {
    bench: BENCH,
    metric: `3-instruction modification at ${n.toLocaleString('en-US')} instances / JSON floor`,
    value: r.ratio,
    target: TARGET,
    unit: '×',
    detail: `${us(r.mod)} vs ${us(r.floor)}`,
  };
});
publish(results);
