import { describe, expect, it } from 'vitest';
import { copyJson } from '../../../shared/engine/json-copy.ts';
import { InstanceDriver, loadModel } from '../../support/engine-harness.ts';

/** What every engine operation used to copy its state with, and what copyJson must give. */
const jsonRoundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('copying an instance state without JSON text in between', () => {
  it('gives exactly the JSON round trip of a real state, and shares nothing with it', async () => {
    // given a state with nested scopes, a multi-instance body, a transition instance, jobs and variables
    const state = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml')).state;

    // when
    const copy = copyJson(state);

    // then: equal field for field, in the same key order
    expect(copy).toStrictEqual(jsonRoundTrip(state));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(state));
    copy.root.children![0]!.id = 'changed';
    copy.root.children!.pop();
    expect(state.root.children![0]!.id).not.toBe('changed');
    expect(JSON.stringify(state)).toBe(JSON.stringify(jsonRoundTrip(state)));
  });

  it('changes what JSON changes: undefined, functions and symbols, non-finite numbers, -0, holes', () => {
    // given
    const value = {
      kept: 'text',
      flag: false,
      nothing: null,
      missing: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      negativeZero: -0,
      // biome-ignore lint/suspicious/noSparseArray: a hole is one of the cases JSON writes as null
      list: [1, undefined, () => 2, Symbol('t'), Number.NaN, -0, , { deep: [undefined] }],
    };

    // when
    const copy = copyJson(value);

    // then
    expect(copy).toStrictEqual(jsonRoundTrip(value));
    expect(Object.keys(copy)).toEqual(['kept', 'flag', 'nothing', 'nan', 'inf', 'negativeZero', 'list']);
    expect(Object.is(copy.negativeZero, 0)).toBe(true);
  });

  it('reads objects that are not plain the way JSON does: dates, toJSON, class instances, maps', () => {
    // given
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const value = { when: new Date(Date.UTC(2026, 0, 1)), custom: { toJSON: () => 'custom' }, point: new Point(1, 2), map: new Map([[1, 2]]) };

    // when
    const copy = copyJson(value);

    // then
    expect(copy).toStrictEqual(jsonRoundTrip(value));
    expect(Object.getPrototypeOf(copy.point)).toBe(Object.prototype);
  });

  it('keeps a variable named __proto__ an own key, never a prototype', () => {
    // given variables as the engine keeps them: user-chosen names as own properties
    const variables = JSON.parse('{"__proto__":{"type":"Json","value":{"polluted":true}},"constructor":{"type":"String","value":"c"}}');

    // when
    const copy = copyJson(variables);

    // then
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toStrictEqual({ type: 'Json', value: { polluted: true } });
    expect(JSON.stringify(copy)).toBe(JSON.stringify(variables));
  });

  it('leaves out enumerable properties a polluted Object.prototype would add, as JSON does', () => {
    // given
    const value = { own: { nested: 1 } };
    Object.defineProperty(Object.prototype, 'inherited', { value: 'x', enumerable: true, configurable: true, writable: true });
    try {
      // when
      const copy = copyJson(value);

      // then
      expect(Object.hasOwn(copy, 'inherited')).toBe(false);
      expect(Object.hasOwn(copy.own, 'inherited')).toBe(false);
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
  });

  it('throws for a bigint, as JSON does', () => {
    expect(() => copyJson({ big: 1n })).toThrow(TypeError);
  });
});
