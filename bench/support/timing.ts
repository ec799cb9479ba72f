import v8 from 'node:v8';
import vm from 'node:vm';
/**
 * Timing helpers for the benchmarks. Everything is measured with process.hrtime.bigint and reported
 * as medians (and p99 where tails matter): the machines are shared and noisy, so single runs and
 * means lie. Every loop is bounded by an iteration count AND a time budget.
 */

/** Nanoseconds since an arbitrary origin. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function elapsedUs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1_000;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function p99(values: readonly number[]): number {
  return quantile(values, 0.99);
}

/** Nearest-rank quantile on a sorted copy (q in [0, 1]); NaN for no samples. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[sorted.length - 1]!;
  if (q === 0.5) {
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export interface SampleOptions {
  /** Untimed runs first (JIT, caches, connection pools). */
  warmup?: number;
  /** At least this many timed samples (unless the time budget runs out first). */
  minSamples?: number;
  /** At most this many timed samples. */
  maxSamples?: number;
  /** Stop taking samples after this much time (milliseconds), once minSamples are in. */
  budgetMs?: number;
  /** Each sample runs `fn` this many times and records the average (for sub-microsecond work). */
  innerLoops?: number;
}

export interface Samples {
  /** Microseconds per call, one entry per sample. */
  us: number[];
  median: number;
  p99: number;
  min: number;
}

function summarize(us: number[]): Samples {
  return { us, median: median(us), p99: p99(us), min: Math.min(...us) };
}

/** Times a synchronous function: warm-up, then samples until maxSamples or the budget (bounded). */
export function sampleSync(fn: () => unknown, options: SampleOptions = {}): Samples {
  const { warmup = 20, minSamples = 15, maxSamples = 2_000, budgetMs = 3_000, innerLoops = 1 } = options;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const us: number[] = [];
  const deadline = Date.now() + budgetMs;
  while (us.length < maxSamples && (us.length < minSamples || Date.now() < deadline)) {
    const start = nowNs();
    for (let i = 0; i < innerLoops; i++) sink = fn();
    us.push(elapsedUs(start) / innerLoops);
    // A hard cap so a pathological case still ends: 5× the budget even if minSamples is not reached.
    if (Date.now() > deadline + 4 * budgetMs) break;
  }
  keep(sink);
  return summarize(us);
}

/** Times an async function, one call at a time; same bounds as sampleSync. */
export async function sampleAsync(fn: () => Promise<unknown>, options: SampleOptions = {}): Promise<Samples> {
  const { warmup = 5, minSamples = 10, maxSamples = 500, budgetMs = 5_000 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const us: number[] = [];
  const deadline = Date.now() + budgetMs;
  while (us.length < maxSamples && (us.length < minSamples || Date.now() < deadline)) {
    const start = nowNs();
    await fn();
    us.push(elapsedUs(start));
    if (Date.now() > deadline + 4 * budgetMs) break;
  }
  return summarize(us);
}

/**
 * Times two functions in alternation (A, B, A, B, ...) so that both see the same machine noise;
 * the ratio of their medians is what a benchmark reports. Each gets its own warm-up first.
 */
export function sampleInterleavedSync(a: () => unknown, b: () => unknown, options: SampleOptions = {}): [Samples, Samples] {
  const { warmup = 20, minSamples = 15, maxSamples = 2_000, budgetMs = 3_000, innerLoops = 1 } = options;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) {
    sink = a();
    sink = b();
  }
  const usA: number[] = [];
  const usB: number[] = [];
  const deadline = Date.now() + budgetMs;
  while (usA.length < maxSamples && (usA.length < minSamples || Date.now() < deadline)) {
    let start = nowNs();
    for (let i = 0; i < innerLoops; i++) sink = a();
    usA.push(elapsedUs(start) / innerLoops);
    start = nowNs();
    for (let i = 0; i < innerLoops; i++) sink = b();
    usB.push(elapsedUs(start) / innerLoops);
    if (Date.now() > deadline + 4 * budgetMs) break;
  }
  keep(sink);
  return [summarize(usA), summarize(usB)];
}

/** The async counterpart of sampleInterleavedSync. */
export async function sampleInterleavedAsync(a: () => Promise<unknown>, b: () => Promise<unknown>, options: SampleOptions = {}): Promise<[Samples, Samples]> {
  const { warmup = 5, minSamples = 10, maxSamples = 500, budgetMs = 5_000 } = options;
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const usA: number[] = [];
  const usB: number[] = [];
  const deadline = Date.now() + budgetMs;
  while (usA.length < maxSamples && (usA.length < minSamples || Date.now() < deadline)) {
    let start = nowNs();
    await a();
    usA.push(elapsedUs(start));
    start = nowNs();
    await b();
    usB.push(elapsedUs(start));
    if (Date.now() > deadline + 4 * budgetMs) break;
  }
  return [summarize(usA), summarize(usB)];
}

let blackhole: unknown;
/** Keeps a result alive so the optimizer cannot drop the work that produced it. */
export function keep(value: unknown): void {
  blackhole = value;
}
export function blackholeValue(): unknown {
  return blackhole;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Times several functions in rotation, so that slow phases of a noisy machine hit all of them alike:
 * each turn runs one function for about `turnMs`, discarding what it measures during its first
 * `settleMs` (garbage the previous function left can still be collected there, and would be charged
 * to the wrong one), then the next function gets its turn, until the budget is spent. `innerLoops[i]`
 * runs fn i that many times per sample (the average is recorded). Returns one Samples per function.
 */
export function sampleRoundRobinSync(
  fns: readonly (() => unknown)[],
  options: { warmupRounds?: number; turnMs?: number; settleMs?: number; minTurns?: number; budgetMs?: number; innerLoops?: readonly number[] } = {},
): Samples[] {
  const { warmupRounds = 20, turnMs = 40, settleMs = 10, minTurns = 3, budgetMs = 8_000, innerLoops = fns.map(() => 1) } = options;
  let sink: unknown;
  for (let r = 0; r < warmupRounds; r++) for (const fn of fns) sink = fn();
  const samples: number[][] = fns.map(() => []);
  const deadline = Date.now() + budgetMs;
  const hardStop = Date.now() + 3 * budgetMs;
  for (let turn = 0; (turn < minTurns * fns.length || Date.now() < deadline) && Date.now() < hardStop; turn++) {
    const i = turn % fns.length;
    const fn = fns[i]!;
    const loops = innerLoops[i] ?? 1;
    const turnStart = performance.now();
    let kept = 0;
    // At least one kept sample per turn, however slow the function.
    while (performance.now() - turnStart < turnMs || kept === 0) {
      const start = nowNs();
      for (let k = 0; k < loops; k++) sink = fn();
      const us = elapsedUs(start) / loops;
      if (performance.now() - turnStart >= settleMs || (kept === 0 && performance.now() - turnStart >= turnMs)) {
        samples[i]!.push(us);
        kept += 1;
      }
    }
  }
  keep(sink);
  return samples.map(summarize);
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection, untimed, before a timed call: the garbage of the benchmark's own work
 * between samples (reading a state to pick the next token) is then not charged to whichever timed
 * call happens to trigger its collection. Whatever the timed call allocates is still collected on
 * its own time.
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
