/**
 * JavaScript in a WebAssembly sandbox: QuickJS compiled to WebAssembly (quickjs-emscripten,
 * docs/decisions.md #48). A script gets a runtime and context of its own, with limits on time,
 * memory and stack; it sees no Node.js, no file system, network, environment or host object, only
 * what the guest prelude builds from one string-in, string-out host function. A script that breaks
 * the WebAssembly module itself (QuickJS aborts on a few pathological recursions) costs that module:
 * it is dropped and loaded afresh, the engine goes on.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSSyncVariant, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { ScriptScope, ScriptTarget } from '../engine/script-runner.ts';
import { DATE_TAG, GUEST_PRELUDE } from './guest-prelude.ts';

export interface ScriptLimits {
  /** Wall-clock time one evaluation may take, host calls included. */
  readonly timeMs: number;
  readonly memoryBytes: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { timeMs: 1000, memoryBytes: 32 * 1024 * 1024 };

/**
 * QuickJS's own stack limit. Larger limits let deep recursion overflow the WebAssembly stack before
 * QuickJS notices, which aborts the module; 256 KiB is QuickJS's default and recurses ~1,000 deep.
 */
const STACK_BYTES = 256 * 1024;

/** What a script threw, or the limit it ran into; `bpmnError` when it threw Camunda's BpmnError. */
export type SandboxOutcome = { readonly value: unknown } | { readonly failure: string; readonly bpmnError?: { readonly code: string; readonly message: string } };

export class ScriptSandbox {
  private constructor(private module: QuickJSWASMModule | undefined) {}

  /** Loads QuickJS (about 30 ms: the WebAssembly file is read and compiled). */
  static async load(): Promise<ScriptSandbox> {
    return new ScriptSandbox(await loadModule());
  }

  /** Loads the module again if a script broke it. */
  async ready(): Promise<void> {
    if (!this.module) this.module = await loadModule();
  }

  run(source: string, scope: ScriptScope, limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS): SandboxOutcome {
    const module = this.module;
    if (!module) return { failure: 'the script sandbox is being restarted after a script broke it; retry the operation' };
    const deadline = Date.now() + limits.timeMs;
    let timedOut = false;
    const runtime = module.newRuntime();
    let broken = false;
    try {
      runtime.setMemoryLimit(limits.memoryBytes);
      runtime.setMaxStackSize(STACK_BYTES);
      runtime.setInterruptHandler(() => {
        timedOut ||= Date.now() > deadline;
        return timedOut;
      });
      const context = runtime.newContext();
      try {
        return evaluate(context, source, scope, () => (timedOut ? `the script ran longer than its limit of ${limits.timeMs} ms` : undefined));
      } finally {
        context.dispose();
      }
    } catch (error) {
      // Not the script's error (those come back as outcomes): the WebAssembly module aborted.
      broken = true;
      this.module = undefined;
      return { failure: `the script broke the sandbox (${(error as Error).message.split('.')[0]}); it was restarted` };
    } finally {
      if (!broken) runtime.dispose();
    }
  }
}

async function loadModule(): Promise<QuickJSWASMModule> {
  const [{ newQuickJSWASMModuleFromVariant, newVariant }, build] = await Promise.all([import('quickjs-emscripten-core'), import('@jitl/quickjs-wasmfile-release-sync')]);
  // The build's default export is its variant, under ES and CommonJS module interop alike.
  const releaseSync = ((build as { default?: unknown }).default ?? build) as QuickJSSyncVariant;
  // The module prints its aborts on stderr; the failure is reported as the script's instead.
  const quiet = newVariant(releaseSync, { emscriptenModule: { printErr: () => {}, print: () => {} } as never });
  return newQuickJSWASMModuleFromVariant(quiet);
}

function evaluate(context: QuickJSContext, source: string, scope: ScriptScope, limitReached: () => string | undefined): SandboxOutcome {
  const host = context.newFunction('host', (request) => context.newString(answer(scope, context.getString(request))));
  const prelude = context.unwrapResult(context.evalCode(GUEST_PRELUDE, 'prelude.js'));
  const names = context.newString(JSON.stringify(scope.variableNames));
  const installed = context.unwrapResult(context.callFunction(prelude, context.undefined, host, names, scope.hasTask ? context.true : context.false));
  const encode = context.getProp(installed, 'encode');
  const describe = context.getProp(installed, 'describe');
  for (const handle of [host, prelude, names, installed]) handle.dispose();
  try {
    const result = context.evalCode(source, 'script.js');
    if (result.error) return failure(context, describe, result.error, limitReached);
    const encoded = context.callFunction(encode, context.undefined, result.value);
    result.value.dispose();
    if (encoded.error) return failure(context, describe, encoded.error, limitReached);
    const text = context.getString(encoded.value);
    encoded.value.dispose();
    return { value: decodeHostSide(text) };
  } finally {
    encode.dispose();
    describe.dispose();
  }
}

function failure(context: QuickJSContext, describe: QuickJSHandle, error: QuickJSHandle, limitReached: () => string | undefined): SandboxOutcome {
  try {
    const limit = limitReached();
    if (limit) return { failure: limit };
    const described = context.callFunction(describe, context.undefined, error);
    if (described.error) {
      described.error.dispose();
      return { failure: 'the script failed with an error that could not be read (out of memory?)' };
    }
    const text = context.getString(described.value);
    described.value.dispose();
    const read = JSON.parse(text) as { message: string; bpmnError?: string };
    return read.bpmnError === undefined ? { failure: read.message } : { failure: read.message, bpmnError: { code: read.bpmnError, message: read.message } };
  } finally {
    error.dispose();
  }
}

/** Serves one request of the guest prelude: a method call or a variable read, as JSON. */
function answer(scope: ScriptScope, requestText: string): string {
  try {
    const request = decodeHostSide(requestText) as { op: string; name?: unknown; target?: unknown; method?: unknown; args?: unknown };
    let value: unknown;
    if (request.op === 'variable') value = scope.variable(String(request.name));
    else {
      const target: ScriptTarget = request.target === 'task' ? 'task' : 'execution';
      value = scope.invoke(target, String(request.method), Array.isArray(request.args) ? request.args : []);
    }
    return JSON.stringify({ value: encodeHostSide(value) });
  } catch (error) {
    return JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
  }
}

/** Host values as the prelude decodes them: JSON text, dates tagged. */
function encodeHostSide(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, function (this: Record<string, unknown>, key, plain) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.getTime() } : plain;
  });
}

function decodeHostSide(text: string): unknown {
  return JSON.parse(text, (_key, value) => (value !== null && typeof value === 'object' && DATE_TAG in value ? new Date((value as Record<string, number>)[DATE_TAG]!) : value));
}
