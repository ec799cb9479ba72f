/**
 * The JavaScript a sandbox context runs before a user's script: it builds `execution`, `task`, the
 * variables as global names and Camunda's `Java.type('…BpmnError')` from one host function, and
 * returns the two functions the host uses to read results and errors. Only strings cross the
 * boundary (JSON, dates tagged), so nothing the script does reaches a host object; whatever it
 * tampers with (globalThis, prototypes) lives in its own context, which is thrown away after it.
 */
export const DATE_TAG = '\u0000date';

/** The global the variables' scope is kept under, for `with`. */
export const SCOPE_NAME = '__camundaVariables__';

export const GUEST_PRELUDE = String.raw`(function (host) {
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
  const SCOPE_NAME = '${SCOPE_NAME}';

  function encode(value) {
    // A toJSON that gives nothing leaves nothing to read: null.
    const text = stringify(value === undefined ? null : value, function (key, plain) {
      const raw = this[key];
      // An invalid date is no date: null, as JSON has it.
      if (raw instanceof DateType) return isFinite(raw.getTime()) ? { [DATE]: raw.getTime() } : null;
      if (typeof raw === 'function' || typeof raw === 'symbol' || raw === undefined) return null;
      return plain;
    });
    return text === undefined ? 'null' : text;
  }
  function decode(text) {
    // Most values hold no date: the reviver (slow here) only when one does.
    if (text.indexOf('\\u0000date') < 0) return parse(text);
    return parse(text, function (key, value) {
      return value !== null && typeof value === 'object' && DATE in value ? new DateType(value[DATE]) : value;
    });
  }
  // A reply is 'V' and the value's JSON, 'N' for no such variable, or 'E' and an error message.
  function reply(text) {
    if (text[0] === 'E') throw new ErrorType(text.slice(1));
    return text[0] === 'N' ? undefined : decode(text.slice(1));
  }
  function facade(target) {
    return new ProxyType({}, {
      get(_, method) {
        if (typeof method !== 'string' || method === 'then' || method === 'toJSON') return undefined;
        if (target === 'task' && method === 'getExecution') return function () { return executionFacade; };
        return function () {
          // A call may create or remove variables: names found missing must be asked again.
          absent.clear();
          lookedUp = undefined;
          return reply(host('I' + encode({ target, method, args: slice.call(arguments) })));
        };
      },
    });
  }
  const executionFacade = facade('execution');
  define(G, 'execution', { value: executionFacade, writable: true, configurable: true });

  // The script runs inside with (scope): a name that is no global of the script asks the host
  // whether a variable has it, when it is used (Camunda's VariableScopeResolver); the value found
  // serves the read that follows. Assigning one keeps the value in the script only, as Camunda
  // without autoStoreScriptVariables.
  // The language's own globals win over variables, as they did before the script ran: a var the
  // script declares does not (it is hoisted onto the global object before the first line runs).
  const builtins = new Set();
  const absent = new Set();
  const assigned = new Map();
  let lookedUp;
  let found;
  const scope = new ProxyType(Object.create(null), {
    has(_, name) {
      if (typeof name !== 'string') return false;
      if (assigned.has(name) || name === lookedUp) return true;
      if (builtins.has(name) || absent.has(name)) return false;
      const value = reply(host('L' + name));
      if (value === undefined) absent.add(name);
      else {
        lookedUp = name;
        found = value;
      }
      return value !== undefined;
    },
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      if (assigned.has(name)) return assigned.get(name);
      if (name === lookedUp) {
        lookedUp = undefined;
        return found;
      }
      return reply(host('L' + name));
    },
    set(_, name, value) {
      assigned.set(name, value);
      return true;
    },
  });
  define(G, SCOPE_NAME, { value: scope });

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
  for (let holder = G; holder; holder = Object.getPrototypeOf(holder)) for (const name of Object.getOwnPropertyNames(holder)) builtins.add(name);
  // Task listeners' scripts see the task too.
  function enableTask() {
    define(G, 'task', { value: facade('task'), writable: true, configurable: true });
    builtins.add('task');
  }
  return { encode, describe, enableTask };
})`;
