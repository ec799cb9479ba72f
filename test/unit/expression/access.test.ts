// biome-ignore-all lint/suspicious/noTemplateCurlyInString: JUEL expression texts are written with ${...} in plain strings.
import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError, INVOKE, type Invocable } from '../../../shared/expression/index.ts';
import { errorOf, run } from './helpers.ts';

describe('identifiers', () => {
  it('given an unknown identifier, when evaluated, then the error carries Camunda’s exact message with the full text', () => {
    const error = errorOf(() => run('${a > b}', { a: 1 }));
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe("Unknown property used in expression: ${a > b}. Cause: Cannot resolve identifier 'b'");
  });

  it('given an unknown identifier inside a composite, when evaluated, then the message names the whole composite text', () => {
    expect(errorOf(() => run('Hello ${name}!')).message).toBe("Unknown property used in expression: Hello ${name}!. Cause: Cannot resolve identifier 'name'");
  });

  it('given an identifier resolved to null or undefined, when evaluated, then it yields null rather than an error', () => {
    expect(run('${x}', { x: null })).toBeNull();
    expect(run('${x}', { x: undefined })).toBeNull();
  });
});

describe('property and index access', () => {
  const variables = { order: { id: 'o-1', lines: [{ sku: 'A' }, { sku: 'B' }], meta: null } };

  it('given nested plain objects and arrays, when accessed with dots and brackets, then the values are returned', () => {
    expect(run('${order.id}', variables)).toBe('o-1');
    expect(run("${order['id']}", variables)).toBe('o-1');
    expect(run('${order.lines[1].sku}', variables)).toBe('B');
    expect(run("${order.lines['0'].sku}", variables)).toBe('A');
    expect(run('${order.lines[i].sku}', { ...variables, i: 1 })).toBe('B');
  });

  it('given a missing key on a plain object, when accessed, then the result is null like a Java map', () => {
    expect(run('${order.missing}', variables)).toBeNull();
    expect(run('${empty order.missing}', variables)).toBe(true);
  });

  it('given an out-of-range index, when accessed, then the result is null', () => {
    expect(run('${order.lines[5]}', variables)).toBeNull();
    expect(run('${order.lines[-1]}', variables)).toBeNull();
  });

  it('given a property of null, when accessed, then an evaluation error names the property', () => {
    const error = errorOf(() => run('${order.meta.x}', variables));
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe("Cannot resolve property 'x' of null in expression: ${order.meta.x}");
  });

  it('given a property of a number, string or list, when accessed, then an evaluation error is thrown', () => {
    expect(() => run('${n.x}', { n: 1 })).toThrow(ExpressionEvaluationError);
    expect(() => run('${s.length}', { s: 'abc' })).toThrow(ExpressionEvaluationError);
    expect(() => run('${l.length}', { l: [1] })).toThrow(ExpressionEvaluationError);
  });

  it('given prototype property names on a plain object, when accessed, then they read as null, never a function', () => {
    const a = { x: 1 };
    for (const text of ['${a.constructor}', "${a['constructor']}", "${a['__proto__']}", '${a.__proto__}', '${a.toString}', '${a.hasOwnProperty}', "${a['constructor']['name']}"]) {
      const result = errorOrValue(() => run(text, { a }));
      expect(typeof result, text).not.toBe('function');
      expect(result === null || result instanceof ExpressionEvaluationError, text).toBe(true);
    }
    expect(run('${a.constructor}', { a })).toBeNull();
    expect(run("${a['__proto__']}", { a })).toBeNull();
  });

  it('given prototype names on an array, when accessed, then they are rejected instead of reaching Array.prototype', () => {
    expect(() => run('${l.constructor}', { l: [] })).toThrow(ExpressionEvaluationError);
    expect(() => run("${l['map']}", { l: [] })).toThrow(ExpressionEvaluationError);
  });

  it('given a JSON object whose own key is __proto__, when accessed, then its own value is returned', () => {
    expect(run("${a['__proto__']}", { a: JSON.parse('{"__proto__": 7}') })).toBe(7);
  });

  it('given a method name on a plain object, when called, then it is not found instead of running JavaScript', () => {
    const error = errorOf(() => run('${a.toString()}', { a: {} }));
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe('Method not found: toString in expression: ${a.toString()}');
    expect(() => run("${a.constructor('x')}", { a: {} })).toThrow(ExpressionEvaluationError);
  });
});

describe('method calls on Invocables', () => {
  const execution = (variables: Record<string, unknown>): Invocable & { calls: unknown[][] } => {
    const calls: unknown[][] = [];
    return {
      calls,
      [INVOKE](method, args) {
        calls.push([method, ...args]);
        if (method === 'getVariable') return variables[String(args[0])];
        if (method === 'getProcessBusinessKey') return 'bk-1';
        if (method === 'fail') throw new RangeError('boom');
        throw new ExpressionEvaluationError(`Method not found: ${method}`, '');
      },
    };
  };

  it('given an Invocable, when a method is called with arguments, then INVOKE receives the name and evaluated arguments', () => {
    const ex = execution({ amount: 12 });
    expect(run("${execution.getVariable('amount') > 10}", { execution: ex })).toBe(true);
    expect(ex.calls).toEqual([['getVariable', 'amount']]);
  });

  it('given an Invocable, when a method returns undefined, then the result is null', () => {
    expect(run("${execution.getVariable('nope')}", { execution: execution({}) })).toBeNull();
  });

  it('given an Invocable, when a property is read, then its JavaBeans getter is invoked', () => {
    const ex = execution({});
    expect(run('${execution.processBusinessKey}', { execution: ex })).toBe('bk-1');
    expect(ex.calls).toEqual([['getProcessBusinessKey']]);
  });

  it('given an Invocable whose method throws, when called, then the error propagates unchanged', () => {
    expect(() => run('${execution.fail()}', { execution: execution({}) })).toThrow(RangeError);
  });

  it('given a method call on null, when evaluated, then an evaluation error is thrown', () => {
    expect(() => run('${x.foo(1)}', { x: null })).toThrow(ExpressionEvaluationError);
  });

  it('given a function resolved from the context, when called by name, then it receives the arguments', () => {
    expect(run('${twice(21)}', { twice: (n: unknown) => Number(n) * 2 })).toBe(42);
    expect(() => run('${twice(1)}', { twice: 5 })).toThrow('Function not found: twice');
  });
});

describe('built-in methods', () => {
  it('given a string, when its Java methods are called, then they behave like java.lang.String', () => {
    const s = { s: '  Hello World  ' };
    expect(run('${s.length()}', s)).toBe(15);
    expect(run('${s.isEmpty()}', s)).toBe(false);
    expect(run("${''.isEmpty()}")).toBe(true);
    expect(run("${s.contains('World')}", s)).toBe(true);
    expect(run("${s.trim().startsWith('Hello')}", s)).toBe(true);
    expect(run("${s.trim().endsWith('World')}", s)).toBe(true);
    expect(run("${s.trim().equals('Hello World')}", s)).toBe(true);
    expect(run("${'1'.equals(1)}")).toBe(false);
    expect(run("${'aBc'.toUpperCase()}")).toBe('ABC');
    expect(run("${'aBc'.toLowerCase()}")).toBe('abc');
    expect(run("${'abcdef'.substring(2)}")).toBe('cdef');
    expect(run("${'abcdef'.substring(1, 3)}")).toBe('bc');
  });

  it('given substring bounds outside the string, when called, then an evaluation error is thrown', () => {
    expect(() => run("${'abc'.substring(2, 9)}")).toThrow(ExpressionEvaluationError);
    expect(() => run("${'abc'.substring(2, 1)}")).toThrow(ExpressionEvaluationError);
  });

  it('given an array, when its List methods are called, then they behave like java.util.List', () => {
    const v = { l: ['a', 'b', { k: 1 }] };
    expect(run('${l.size()}', v)).toBe(3);
    expect(run('${l.isEmpty()}', v)).toBe(false);
    expect(run("${l.contains('b')}", v)).toBe(true);
    expect(run("${l.contains('z')}", v)).toBe(false);
    expect(run('${l.contains(m)}', { ...v, m: { k: 1 } })).toBe(true);
    expect(run('${l.get(1)}', v)).toBe('b');
    expect(() => run('${l.get(3)}', v)).toThrow(ExpressionEvaluationError);
  });

  it('given a plain object, when its Map methods are called, then they behave like java.util.Map', () => {
    const v = { m: { a: 1, b: null } };
    expect(run('${m.size()}', v)).toBe(2);
    expect(run('${m.isEmpty()}', v)).toBe(false);
    expect(run("${m.containsKey('b')}", v)).toBe(true);
    expect(run("${m.containsKey('constructor')}", v)).toBe(false);
    expect(run("${m.get('a')}", v)).toBe(1);
    expect(run("${m.get('zzz')}", v)).toBeNull();
    expect(run("${m.get('constructor')}", v)).toBeNull();
  });

  it('given an unknown method or a wrong argument count, when called, then Method not found is reported', () => {
    expect(errorOf(() => run("${'abc'.matches('a.*')}")).message).toBe("Method not found: matches in expression: ${'abc'.matches('a.*')}");
    expect(() => run("${'abc'.length(1)}")).toThrow('Method not found: length');
    expect(() => run('${n.intValue()}', { n: 1 })).toThrow('Method not found: intValue');
  });
});

function errorOrValue(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    return error;
  }
}
