/**
 * The JavaScript a sandbox context runs before a user's script: it builds `execution`, `task`, the
 * variables as global names and Camunda's `Java.type('…BpmnError')` from one host function, and
 * returns the two functions the host uses to read results and errors. Only strings cross the
 * boundary (JSON, dates tagged), so nothing the script does reaches a host object; whatever it
 * tampers with (globalThis, prototypes) lives in its own context, which is thrown away after it.
 */
export const DATE_TAG = '\u0000date';

export const GUEST_PRELUDE = String.raw`(function (host, variableNamesJson, hasTask) {
  'use strict';
  const G = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const DateType = Date;
  const ErrorType = Error;
  const define = Object.defineProperty;
  const slice = Array.prototype.slice;
  const ProxyType = Proxy;
  const DATE = '\u0000date';

  function encode(value) {
    return stringify(value === undefined ? null : value, function (key, plain) {
      const raw = this[key];
      if (raw instanceof DateType) return { [DATE]: raw.getTime() };
      if (typeof raw === 'function' || typeof raw === 'symbol' || raw === undefined) return null;
      return plain;
    });
  }
  function decode(text) {
    return parse(text, function (key, value) {
      return value !== null && typeof value === 'object' && DATE in value ? new DateType(value[DATE]) : value;
    });
  }
  function call(request) {
    const response = parse(host(encode(request)));
    if (response.error !== undefined) throw new ErrorType(response.error);
    return decode(response.value);
  }
  function facade(target) {
    return new ProxyType({}, {
      get(_, method) {
        if (typeof method !== 'string' || method === 'then' || method === 'toJSON') return undefined;
        if (target === 'task' && method === 'getExecution') return function () { return executionFacade; };
        return function () { return call({ op: 'invoke', target, method, args: slice.call(arguments) }); };
      },
    });
  }
  const executionFacade = facade('execution');
  define(G, 'execution', { value: executionFacade, writable: true, configurable: true });
  if (hasTask) define(G, 'task', { value: facade('task'), writable: true, configurable: true });
  for (const name of parse(variableNamesJson)) {
    // A variable named like a global of the language (Date, JSON, execution) does not hide it.
    if (name in G) continue;
    define(G, name, {
      configurable: true,
      get() { return call({ op: 'variable', name }); },
      // Without Camunda's autoStoreScriptVariables, assigning a name keeps the value in the script only.
      set(value) { define(G, name, { value, writable: true, configurable: true, enumerable: true }); },
    });
  }

  class BpmnError extends ErrorType {
    constructor(errorCode, message) {
      super(message === undefined || message === null ? '' : String(message));
      this.name = 'BpmnError';
      this.errorCode = String(errorCode);
    }
  }
  const hostClasses = { 'org.camunda.bpm.engine.delegate.BpmnError': BpmnError };
  define(G, 'Java', {
    configurable: true,
    value: {
      type(name) {
        const found = hostClasses[name];
        if (!found) throw new TypeError("Access to host class '" + name + "' is not allowed in the script sandbox");
        return found;
      },
    },
  });

  function describe(error) {
    if (error instanceof BpmnError) return stringify({ bpmnError: error.errorCode, message: error.message });
    if (error instanceof ErrorType) return stringify({ message: error.name + ': ' + error.message });
    return stringify({ message: 'Uncaught ' + String(error) });
  }
  return { encode, describe };
})`;
