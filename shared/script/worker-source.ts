/**
 * The worker thread a sandbox runs its scripts in (plain CommonJS, evaluated by `new Worker(…, {
 * eval: true })` so that it needs no file of its own beside the bundle). It loads QuickJS once, then
 * serves evaluations through the shared buffer ScriptSandbox (sandbox.ts) made: the main thread writes
 * a job and waits; the worker runs it, asks the main thread for each host call and writes the
 * outcome. A script that outlives its time is stopped by the main thread terminating this thread,
 * so no slow built-in or long host call can hold the engine past the limit.
 */
export const WORKER_SOURCE = String.raw`'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { createRequire } = require('node:module');
const channel = workerData.channel;
const state = new Int32Array(channel, 0, 2);
const data = new Uint8Array(channel, 8);
const STATE = { STARTING: 0, JOB: 1, CALL: 2, REPLY: 3, DONE: 4, READY: 5, FAILED: 6 };
const SPINS = 20000;

function write(text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > data.length) return false;
  data.set(bytes, 0);
  Atomics.store(state, 1, bytes.length);
  return true;
}
function read() {
  return Buffer.from(channel, 8, Atomics.load(state, 1)).toString('utf8');
}
function hand(next) {
  Atomics.store(state, 0, next);
  Atomics.notify(state, 0);
}
/** One host call: the main thread answers while this thread waits. */
function host(requestText) {
  if (!write(requestText)) return 'Ea value too large to cross the sandbox boundary';
  hand(STATE.CALL);
  // Most replies come within microseconds: spin briefly before sleeping (a futex wake-up costs far more).
  for (let spin = 0; spin < SPINS && Atomics.load(state, 0) === STATE.CALL; spin++);
  while (Atomics.load(state, 0) === STATE.CALL) Atomics.wait(state, 0, STATE.CALL);
  return read();
}

/**
 * A runtime and context with the prelude installed, made ready while no script waits (the prelude
 * is most of an evaluation's cost). Its limits are set when a job takes it.
 */
function prepare(module) {
  const runtime = module.newRuntime();
  const clock = { deadline: Infinity, timedOut: false };
  runtime.setMaxStackSize(workerData.stackBytes);
  runtime.setInterruptHandler(() => (clock.timedOut = clock.timedOut || Date.now() > clock.deadline));
  const context = runtime.newContext();
  const hostFunction = context.newFunction('host', (request) => context.newString(host(context.getString(request))));
  const prelude = context.unwrapResult(context.evalCode(workerData.prelude, 'prelude.js'));
  const installed = context.unwrapResult(context.callFunction(prelude, context.undefined, hostFunction));
  const handles = { encode: context.getProp(installed, 'encode'), describe: context.getProp(installed, 'describe'), enableTask: context.getProp(installed, 'enableTask') };
  for (const handle of [hostFunction, prelude, installed]) handle.dispose();
  return { runtime, context, clock, ...handles };
}

function evaluate(prepared, job) {
  const { runtime, context, clock, encode, describe, enableTask } = prepared;
  clock.deadline = Date.now() + job.timeMs;
  runtime.setMemoryLimit(job.memoryBytes);
  const limit = () => (clock.timedOut ? { failure: 'the script ran longer than its limit of ' + job.timeMs + ' ms' } : undefined);
  const failed = (error) => {
    const reached = limit();
    if (reached) {
      error.dispose();
      return reached;
    }
    const described = context.callFunction(describe, context.undefined, error);
    error.dispose();
    if (described.error) {
      described.error.dispose();
      return { failure: 'the script failed with an error that could not be read (out of memory?)' };
    }
    const text = context.getString(described.value);
    described.value.dispose();
    return { described: text };
  };
  try {
    if (job.hasTask) context.unwrapResult(context.callFunction(enableTask, context.undefined)).dispose();
    // The variables resolve through the scope the prelude built (Camunda's bindings): each name is looked up when used.
    const result = context.evalCode('with (globalThis[' + JSON.stringify(workerData.scopeName) + ']) {\n' + job.source + '\n}', 'script.js');
    if (result.error) return failed(result.error);
    const encoded = context.callFunction(encode, context.undefined, result.value);
    result.value.dispose();
    if (encoded.error) return failed(encoded.error);
    const text = context.getString(encoded.value);
    encoded.value.dispose();
    return { encoded: text };
  } finally {
    for (const handle of [encode, describe, enableTask]) handle.dispose();
    context.dispose();
    runtime.dispose();
  }
}

(async () => {
  let module;
  try {
    const load = createRequire(workerData.resolveFrom);
    const { newQuickJSWASMModuleFromVariant, newVariant } = load('quickjs-emscripten-core');
    const build = load('@jitl/quickjs-wasmfile-release-sync');
    // The module prints its aborts on stderr; the failure is reported as the script's instead.
    const quiet = newVariant(build.default || build, { emscriptenModule: { printErr: () => {}, print: () => {} } });
    module = await newQuickJSWASMModuleFromVariant(quiet);
  } catch (error) {
    // The main thread may be blocked waiting: tell it through the channel, not only by exiting.
    hand(STATE.FAILED);
    throw error;
  }
  hand(STATE.READY);
  parentPort.postMessage('ready');
  let spare = prepare(module);
  for (;;) {
    while (Atomics.load(state, 0) !== STATE.JOB) Atomics.wait(state, 0, Atomics.load(state, 0));
    const job = JSON.parse(read());
    let outcome;
    try {
      outcome = evaluate(spare, job);
    } catch (error) {
      // QuickJS aborted the WebAssembly module (a native recursion past its stack): this thread is done.
      outcome = { failure: 'the script broke the sandbox (' + String(error && error.message).split('.')[0] + '); it was restarted', broken: true };
    }
    if (!write(JSON.stringify(outcome))) write(JSON.stringify({ failure: 'the script result is too large to cross the sandbox boundary' }));
    hand(STATE.DONE);
    if (outcome.broken) return;
    try {
      spare = prepare(module);
    } catch (error) {
      hand(STATE.FAILED);
      throw error;
    }
  }
})();
`;
