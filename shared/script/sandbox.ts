/**
 * JavaScript in a WebAssembly sandbox: QuickJS compiled to WebAssembly (quickjs-emscripten,
 * docs/decisions.md #48), in a worker thread of its own. A script gets a QuickJS runtime and context
 * of its own, with limits on memory and stack; it sees no Node.js, no file system, network,
 * environment or host object, only what the guest prelude builds from one string-in, string-out
 * host function. The engine is synchronous, so the main thread hands the script over through a
 * shared buffer and waits (Atomics), answering the script's host calls; past the time limit it
 * terminates the worker and starts a fresh one: no slow built-in, long host call or module abort
 * holds or breaks the engine.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScriptScope, ScriptTarget } from '../engine/script-runner.ts';
import { DATE_TAG, GUEST_PRELUDE, SCOPE_NAME } from './guest-prelude.ts';
import { WORKER_SOURCE } from './worker-source.ts';

export interface ScriptLimits {
  /** Wall-clock time one evaluation may take, host calls included. */
  readonly timeMs: number;
  /** The script's own memory; it may also move at most this much across the boundary per evaluation. */
  readonly memoryBytes: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { timeMs: 1000, memoryBytes: 32 * 1024 * 1024 };

/**
 * QuickJS's own stack limit. Larger limits let deep recursion overflow the WebAssembly stack before
 * QuickJS notices, which aborts the module; 256 KiB is QuickJS's default and recurses ~1,000 deep.
 */
const STACK_BYTES = 256 * 1024;
/** The largest message (a request, reply, script or result) the shared buffer carries. */
const CHANNEL_BYTES = 8 * 1024 * 1024;
/** Checks of the channel before a thread sleeps on it (some tens of microseconds). */
const SPINS = 20_000;
/** How long a worker may take to load QuickJS before a script that needs it fails. */
const START_TIMEOUT_MS = 10_000;
/** The worker's own checks stop a script at its limit; the main thread terminates it this much later. */
const GRACE_MS = 100;

/** The prelude without its comments and indentation: QuickJS parses it for every evaluation (~40 % less to parse). */
const COMPACT_PRELUDE = GUEST_PRELUDE.split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('//'))
  .join('\n');

/** The channel's states; the worker sets READY once QuickJS is loaded and after each evaluation, FAILED if it cannot load it. */
const STATE = { STARTING: 0, JOB: 1, CALL: 2, REPLY: 3, DONE: 4, READY: 5, FAILED: 6 } as const;

/** What a script threw, or the limit it ran into; `bpmnError` when it threw Camunda's BpmnError. */
export type SandboxOutcome = { readonly value: unknown } | { readonly failure: string; readonly bpmnError?: { readonly code: string; readonly message: string } };

/** Where the worker finds the sandbox's packages: beside this module (in a bundle, beside the bundle). */
const resolveFrom = (() => {
  try {
    return `${dirname(fileURLToPath(import.meta.url))}/`;
  } catch {
    return `${process.cwd()}/`;
  }
})();

class SandboxWorker {
  readonly channel = new SharedArrayBuffer(8 + CHANNEL_BYTES);
  readonly state = new Int32Array(this.channel, 0, 2);
  readonly data = new Uint8Array(this.channel, 8);
  readonly worker: Worker;
  readonly started: Promise<void>;

  constructor(memoryBytes: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { channel: this.channel, resolveFrom, prelude: COMPACT_PRELUDE, scopeName: SCOPE_NAME, stackBytes: STACK_BYTES },
      // QuickJS's memory is the worker's WebAssembly memory; its heap holds what crosses the boundary:
      // a result as large as the script's memory, in a few copies, must fit.
      resourceLimits: { maxOldGenerationSizeMb: 64 + Math.ceil((memoryBytes * 4) / 1024 / 1024), maxYoungGenerationSizeMb: 16 },
    });
    this.worker.unref();
    this.started = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
      this.worker.once('exit', () => reject(new Error('the script sandbox stopped while starting')));
    });
    // A worker that dies after starting is replaced at the next evaluation.
    this.started.catch(() => {});
  }

  write(text: string): boolean {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.data.length) return false;
    this.data.set(bytes, 0);
    Atomics.store(this.state, 1, bytes.length);
    return true;
  }

  read(): string {
    return Buffer.from(this.channel, 8, Atomics.load(this.state, 1)).toString('utf8');
  }

  hand(next: number): void {
    Atomics.store(this.state, 0, next);
    Atomics.notify(this.state, 0);
  }

  /** Waits, blocking this thread, until the worker has loaded QuickJS (true), failed to (false) or the deadline passes (false). */
  awaitLoaded(deadline: number): boolean {
    for (let remaining = deadline - Date.now(); Atomics.load(this.state, 0) === STATE.STARTING && remaining > 0; remaining = deadline - Date.now()) {
      Atomics.wait(this.state, 0, STATE.STARTING, remaining);
    }
    const state = Atomics.load(this.state, 0);
    return state !== STATE.STARTING && state !== STATE.FAILED;
  }
}

export class ScriptSandbox {
  private worker: SandboxWorker | undefined;
  /** A script is running: a host call must not start another on the same channel. */
  private busy = false;

  /** @param memoryBytes the largest memory limit its scripts will get (the worker's heap is sized by it) */
  private constructor(private readonly memoryBytes: number) {}

  /** Starts the worker and waits until QuickJS is loaded in it (about 40 ms). */
  static async load(memoryBytes = DEFAULT_SCRIPT_LIMITS.memoryBytes): Promise<ScriptSandbox> {
    const sandbox = new ScriptSandbox(memoryBytes);
    await sandbox.ready();
    return sandbox;
  }

  /** Starts a worker if none runs, and waits for it. */
  async ready(): Promise<void> {
    this.worker ??= new SandboxWorker(this.memoryBytes);
    const worker = this.worker;
    try {
      await worker.started;
    } catch (error) {
      if (this.worker === worker) this.worker = undefined;
      throw error;
    }
  }

  /** Runs a script to its end, its time limit, or its failure; synchronous. */
  run(source: string, scope: ScriptScope, limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS): SandboxOutcome {
    if (this.busy) return { failure: 'a script cannot run while another script is running' };
    this.busy = true;
    try {
      return this.runOnWorker(source, scope, limits);
    } finally {
      this.busy = false;
    }
  }

  private runOnWorker(source: string, scope: ScriptScope, limits: ScriptLimits): SandboxOutcome {
    // A replacement is started as soon as a worker is terminated; loading QuickJS takes ~40 ms.
    this.worker ??= new SandboxWorker(this.memoryBytes);
    const worker = this.worker;
    if (!worker.awaitLoaded(Date.now() + START_TIMEOUT_MS)) {
      this.stop(worker);
      return { failure: 'the script sandbox did not start' };
    }
    const job = { source, hasTask: scope.hasTask, timeMs: limits.timeMs, memoryBytes: limits.memoryBytes };
    if (!worker.write(JSON.stringify(job))) return { failure: 'the script is too large for the sandbox' };
    const deadline = Date.now() + limits.timeMs + GRACE_MS;
    let moved = 0;
    worker.hand(STATE.JOB);
    for (;;) {
      const current = Atomics.load(worker.state, 0);
      if (current === STATE.DONE) {
        const outcome = this.outcomeOf(worker, worker.read());
        worker.hand(STATE.READY);
        return outcome;
      }
      if (current === STATE.CALL) {
        const request = worker.read();
        moved += request.length;
        const reply = moved > limits.memoryBytes ? errorReply(`the script moved more than ${limits.memoryBytes} bytes across the sandbox boundary`) : answer(scope, request);
        moved += reply.length;
        if (!worker.write(reply)) worker.write(errorReply('a value too large to cross the sandbox boundary'));
        worker.hand(STATE.REPLY);
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.stop(worker);
        return { failure: `the script ran longer than its limit of ${limits.timeMs} ms` };
      }
      // The worker usually answers within microseconds: spin briefly before sleeping (a futex wake-up costs far more).
      for (let spin = 0; spin < SPINS && Atomics.load(worker.state, 0) === current; spin++);
      if (Atomics.load(worker.state, 0) === current) Atomics.wait(worker.state, 0, current, remaining);
    }
  }

  /** Ends the worker thread (the next evaluation starts another). */
  close(): Promise<number> | undefined {
    const worker = this.worker;
    this.worker = undefined;
    return worker?.worker.terminate();
  }

  /** Terminates a worker and starts its replacement, which loads while the engine goes on. */
  private stop(worker: SandboxWorker): void {
    void worker.worker.terminate();
    if (this.worker === worker) this.worker = new SandboxWorker(this.memoryBytes);
  }

  private outcomeOf(worker: SandboxWorker, text: string): SandboxOutcome {
    const outcome = JSON.parse(text) as { encoded?: string; described?: string; failure?: string; broken?: boolean };
    if (outcome.broken) this.stop(worker);
    if (outcome.encoded !== undefined) {
      try {
        return { value: decodeHostSide(outcome.encoded) };
      } catch (error) {
        return { failure: `the script's result could not be read: ${(error as Error).message}` };
      }
    }
    if (outcome.described !== undefined) {
      const described = JSON.parse(outcome.described) as { message?: unknown; bpmnError?: unknown };
      const message = String(described.message ?? '');
      return described.bpmnError === undefined ? { failure: message } : { failure: message, bpmnError: { code: String(described.bpmnError), message } };
    }
    return { failure: outcome.failure ?? 'the script failed' };
  }
}

const errorReply = (message: string) => `E${message}`;

/**
 * Serves one request of the guest prelude: 'L' and a name looks a variable up ('V' and its JSON,
 * or 'N'); 'I' and JSON calls a method of `execution` or `task` ('V' and the result's JSON). A
 * failure answers 'E' and its message, which the script sees thrown.
 */
function answer(scope: ScriptScope, request: string): string {
  try {
    if (request[0] === 'L') {
      const name = request.slice(1);
      return scope.has(name) ? `V${encodeHostSide(scope.variable(name))}` : 'N';
    }
    const call = decodeHostSide(request.slice(1)) as { target?: unknown; method?: unknown; args?: unknown };
    const target: ScriptTarget = call.target === 'task' ? 'task' : 'execution';
    return `V${encodeHostSide(scope.invoke(target, String(call.method), Array.isArray(call.args) ? call.args : []))}`;
  } catch (error) {
    return errorReply(error instanceof Error ? error.message : String(error));
  }
}

/** Host values as the prelude decodes them: JSON text, dates tagged. */
function encodeHostSide(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, function (this: Record<string, unknown>, key, plain) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.getTime() } : plain;
  });
}

/**
 * The guest's JSON with its dates restored: plain JSON.parse (no reviver, whose recursion a deeply
 * nested value would overflow), then the tags replaced without recursion. A tag that holds no
 * finite number is no date and stays as it is.
 */
function decodeHostSide(text: string): unknown {
  const root = { value: JSON.parse(text) as unknown };
  const pending: Record<string, unknown>[] = [root];
  while (pending.length > 0) {
    const holder = pending.pop()!;
    for (const key of Object.keys(holder)) {
      const value = holder[key];
      if (value === null || typeof value !== 'object') continue;
      const tagged = (value as Record<string, unknown>)[DATE_TAG];
      if (typeof tagged === 'number' && Number.isFinite(tagged) && Object.keys(value).length === 1) holder[key] = new Date(tagged);
      else pending.push(value as Record<string, unknown>);
    }
  }
  return root.value;
}
