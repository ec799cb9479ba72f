import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptScope } from '../../../shared/engine/scripts.ts';
import { type SandboxOutcome, ScriptSandbox } from '../../../shared/script/sandbox.ts';

/** A scope with the given variables and an execution that records its calls. */
function scope(variables: Record<string, unknown> = {}): ScriptScope & { calls: unknown[][]; variables: Record<string, unknown> } {
  const store = { ...variables };
  const calls: unknown[][] = [];
  return {
    calls,
    variables: store,
    hasTask: false,
    has: (name) => Object.hasOwn(store, name),
    variable: (name) => store[name],
    invoke(target, method, args) {
      calls.push([target, method, ...args]);
      if (method === 'setVariable') store[String(args[0])] = args[1];
      if (method === 'getVariable') return store[String(args[0])] ?? null;
      if (method === 'getId') return 'execution-1';
      if (method === 'fail') throw new Error('the host refused');
      if (method === 'slow') {
        // A host call that takes 20 ms of this thread.
        const until = Date.now() + 20;
        while (Date.now() < until);
      }
      return null;
    },
  };
}

let sandbox: ScriptSandbox;
beforeAll(async () => {
  sandbox = await ScriptSandbox.load();
});
afterAll(() => sandbox.close());

const value = (outcome: SandboxOutcome) => ('value' in outcome ? outcome.value : outcome);

describe('the script sandbox', () => {
  it('returns the completion value of a script, with the variables as global names', () => {
    expect(value(sandbox.run('a + b', scope({ a: 2, b: 40 })))).toBe(42);
    expect(value(sandbox.run('`${name}!`', scope({ name: 'kermit' })))).toBe('kermit!');
    expect(value(sandbox.run('({ list: [1, "x", true, null], nested: { n: 1.5 } })', scope()))).toEqual({ list: [1, 'x', true, null], nested: { n: 1.5 } });
    expect(value(sandbox.run('undefined', scope()))).toBeNull();
  });

  it('carries dates across the boundary both ways', () => {
    // given
    const when = new Date('2026-01-02T03:04:05.006Z');

    const s = scope({ due: when });

    // when
    const result = value(sandbox.run('execution.setVariable("later", new Date(due.getTime() + 1000)); due.toISOString()', s));

    // then
    expect(result).toBe('2026-01-02T03:04:05.006Z');
    expect(s.variables.later).toEqual(new Date('2026-01-02T03:04:06.006Z'));
    // An invalid date is null; an object that only looks like a tagged date stays an object.
    expect(value(sandbox.run('[new Date("garbage"), { "\\u0000date": "x" }]', scope()))).toEqual([null, { '\u0000date': 'x' }]);
  });

  it('calls execution methods on the host and sees their results', () => {
    // given
    const s = scope({ counter: 1 });

    // when
    const result = value(sandbox.run('execution.setVariable("counter", counter + 1); execution.getId() + ":" + execution.getVariable("counter")', s));

    // then
    expect(result).toBe('execution-1:2');
    expect(s.calls).toEqual([
      ['execution', 'setVariable', 'counter', 2],
      ['execution', 'getId'],
      ['execution', 'getVariable', 'counter'],
    ]);
  });

  it('reports what a script throws as the name and message of its error', () => {
    expect(sandbox.run('throw new TypeError("boom")', scope())).toEqual({ failure: 'TypeError: boom' });
    expect(sandbox.run('throw "plain"', scope())).toEqual({ failure: 'Uncaught plain' });
    expect(sandbox.run('notDefined + 1', scope())).toEqual({ failure: "ReferenceError: 'notDefined' is not defined" });
    expect(sandbox.run('execution.fail()', scope())).toEqual({ failure: 'Error: the host refused' });
  });

  it("gives Camunda's BpmnError through Java.type and refuses every other host class", () => {
    expect(sandbox.run('var BpmnError = Java.type("org.camunda.bpm.engine.delegate.BpmnError"); throw new BpmnError("E42", "no stock")', scope())).toEqual({
      failure: 'no stock',
      bpmnError: { code: 'E42', message: 'no stock' },
    });
    expect(sandbox.run('Java.type("java.lang.System").exit(0)', scope())).toEqual({ failure: "TypeError: Access to host class 'java.lang.System' is not allowed in the script sandbox" });
  });

  it('offers nothing of Node.js, the file system, the network or the process environment', () => {
    const probe = 'JSON.stringify([typeof process, typeof require, typeof module, typeof fetch, typeof XMLHttpRequest, typeof setTimeout, typeof Buffer, typeof WebAssembly, typeof globalThis.host])';
    expect(value(sandbox.run(probe, scope()))).toBe(JSON.stringify(Array(9).fill('undefined')));
    expect(sandbox.run('require("fs").readFileSync("/etc/passwd")', scope())).toEqual({ failure: "ReferenceError: 'require' is not defined" });
    expect(sandbox.run('import fs from "fs"', scope())).toMatchObject({ failure: expect.stringMatching(/^SyntaxError/) });
  });

  it('keeps what a script does to its globals to that script', () => {
    // given: a script that tampers with the globals and the prototypes it shares with the prelude
    sandbox.run('globalThis.leak = 1; Object.prototype.polluted = true; JSON.parse = () => 666; Array.prototype.slice = null; execution.getId()', scope());

    // when
    const next = sandbox.run('typeof leak + ":" + ({}).polluted + ":" + JSON.parse("1") + ":" + execution.getId()', scope());

    // then
    expect(value(next)).toBe('undefined:undefined:1:execution-1');
    expect(value(sandbox.run('JSON.parse = () => 666; Array.prototype.slice = null; execution.getId()', scope()))).toBe('execution-1');
  });

  it('stops an endless loop at its time limit, and the sandbox goes on', () => {
    // when
    const started = Date.now();
    const outcome = sandbox.run('while (true) {}', scope(), { timeMs: 100, memoryBytes: 16 * 1024 * 1024 });

    // then
    expect(outcome).toEqual({ failure: 'the script ran longer than its limit of 100 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(value(sandbox.run('1 + 1', scope()))).toBe(2);
  });

  it('stops a loop of slow built-in calls, and a loop of host calls, at the time limit', () => {
    // QuickJS checks its interrupt handler only every few thousand steps, however slow they are:
    // the worker is terminated at the limit instead.
    for (const script of ['const text = "ab".repeat(6e6); for (;;) text.indexOf("c")', 'for (;;) execution.slow()']) {
      const started = Date.now();
      expect(sandbox.run(script, scope(), { timeMs: 200, memoryBytes: 32 * 1024 * 1024 })).toEqual({ failure: 'the script ran longer than its limit of 200 ms' });
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    expect(value(sandbox.run('1 + 1', scope()))).toBe(2);
  });

  it('stops a script that moves more than its memory across the boundary, before the host holds it', () => {
    // given
    const s = scope();

    // when
    const outcome = sandbox.run('const big = "x".repeat(1 << 20); let i = 0; for (;;) execution.setVariable("v" + i++, big)', s, { timeMs: 10_000, memoryBytes: 8 * 1024 * 1024 });

    // then
    expect(outcome).toEqual({ failure: 'Error: the script moved more than 8388608 bytes across the sandbox boundary' });
    expect(Object.keys(s.variables).length).toBeLessThan(9);
  });

  it('sees a variable the script itself created, by its name', () => {
    expect(value(sandbox.run('execution.setVariable("fresh", 1); fresh + 1', scope()))).toBe(2);
  });

  it('keeps a variable visible under a var of the same name, which JavaScript hoists before the first line', () => {
    expect(value(sandbox.run('var discount = discount || 0; discount', scope({ discount: 10 })))).toBe(10);
    expect(value(sandbox.run('var total = amount * 2; var amount = 3; [total, amount]', scope({ amount: 5 })))).toEqual([10, 3]);
    // The language's own globals still win over variables of their name.
    expect(value(sandbox.run('typeof JSON.parse', scope({ JSON: 'shadow' })))).toBe('function');
  });

  it('refuses to start a script from a host call of a running one, and finishes the running one', () => {
    // given: a host whose method runs another script on the same sandbox
    const s = scope();
    let inner: SandboxOutcome | undefined;
    s.invoke = () => {
      inner = sandbox.run('1', scope());
      return 'outer';
    };

    // when
    const outer = sandbox.run('execution.nested() + "!"', s);

    // then
    expect(inner).toEqual({ failure: 'a script cannot run while another script is running' });
    expect(value(outer)).toBe('outer!');
  });

  it('reads results the guest encodes oddly: a toJSON giving nothing, a deeply nested value', () => {
    expect(value(sandbox.run('({ toJSON() {} })', scope()))).toBeNull();
    const nested = value(sandbox.run('let v = 0; for (let i = 0; i < 5000; i++) v = [v]; v', scope()));
    let depth = 0;
    for (let v = nested; Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(5000);
  });

  it('stops a loop that catches its own interruption', () => {
    const outcome = sandbox.run('for (;;) { try { while (true) {} } catch (e) {} }', scope(), { timeMs: 100, memoryBytes: 16 * 1024 * 1024 });
    expect(outcome).toEqual({ failure: 'the script ran longer than its limit of 100 ms' });
  });

  it('stops a memory bomb at its memory limit, and the sandbox goes on', () => {
    // when
    const outcome = sandbox.run('const parts = []; for (;;) parts.push({ index: parts.length, text: "x" + parts.length })', scope(), { timeMs: 10_000, memoryBytes: 8 * 1024 * 1024 });

    // then
    expect(outcome).toMatchObject({ failure: expect.stringMatching(/out of memory/) });
    expect(value(sandbox.run('[1, 2, 3].length', scope()))).toBe(3);
  });

  it('reports a runaway recursion as a stack overflow', () => {
    expect(sandbox.run('function down() { return down() + 1 } down()', scope())).toEqual({ failure: 'InternalError: stack overflow' });
    expect(value(sandbox.run('function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1) } depth(500)', scope()))).toBe(500);
  });

  it('survives a script that recurses natively past the WebAssembly stack: it is stopped, a fresh worker takes over', () => {
    // when: QuickJS recurses in C inside JSON.stringify, where neither its stack check nor its interrupt handler runs
    const started = Date.now();
    const outcome = sandbox.run('JSON.stringify(new Array(100000).fill(0).reduce((nested) => [nested], []))', scope(), { timeMs: 300, memoryBytes: 32 * 1024 * 1024 });

    // then
    expect(outcome).toEqual({ failure: 'the script ran longer than its limit of 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(value(sandbox.run('6 * 7', scope()))).toBe(42);
  });

  it('lets a script assign a variable name without changing the variable', () => {
    // given
    const s = scope({ amount: 5 });

    // when
    const result = value(sandbox.run('amount = 7; amount * 2', s));

    // then
    expect(result).toBe(14);
    expect(s.variables.amount).toBe(5);
  });
});
