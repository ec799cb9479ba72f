import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { RequestError } from '../../shared/app/errors.ts';
import { nullValue, processEngineError } from '../../shared/engine/errors.ts';
import { toErrorResponse } from '../../shared/rest/errors.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { readFixture } from '../support/engine-harness.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { mulberry32 } from '../support/prng.ts';

/** Reproduce a failure with FUZZ_SEED=<seed printed in the failure> npx vitest run test/e2e/fuzz.test.ts */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_c7);
const REQUESTS = 1000;
const CONCURRENCY = 16;

class Random {
  constructor(readonly next: () => number) {}
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  alnum(length: number): string {
    const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    return Array.from({ length }, () => chars[this.int(chars.length)]).join('');
  }
}

interface FuzzRequest {
  kind: string;
  method: string;
  /** Below /engine-rest, already percent-encoded (deliberately odd encodings stay as they are). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** A documented 5xx this request may answer with instead of a 4xx (matched exactly). */
  documented?: { status: number; body: unknown };
  /** A documented success whose body depends on the request (checked by shape). */
  accepts?: (status: number, body: unknown) => boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PURGE', 'PROPFIND'];

/** Strings that have broken parsers, query builders and template engines before. */
const HOSTILE_STRINGS = [
  "'; DROP TABLE instances;--",
  '${jndi:ldap://127.0.0.1/a}',
  '#{7*7}',
  '${7*7}',
  '<script>alert(1)</script>',
  '💥🔥',
  '\u0000',
  '\u202e',
  'a b',
  'a/b',
  'a?b=c',
  'a#b',
  '\\',
  '%',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  'prototype',
  'PI#x',
  'TASK#x',
];

/** Percent sequences a decoder must reject or survive; sent raw. */
const ODD_ENCODINGS = ['%zz', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%25zz', '%00', '%FF%FE', 'x%zzy', '%%'];

const VARIABLE_WITH_WRONG_VALUE: unknown[] = [
  { a: { value: 'abc', type: 'Integer' } },
  { a: { value: 2147483648, type: 'Integer' } },
  { a: { value: 1.5, type: 'Long' } },
  { a: { value: '1e999', type: 'Double' } },
  { a: { value: 'maybe', type: 'Boolean' } },
  { a: { value: 'yesterday', type: 'Date' } },
  { a: { value: { x: 1 }, type: 'Json' } },
  { a: { value: [1], type: 'Object' } },
  { a: { value: 1, type: 'NoSuchType' } },
  { a: { value: 1, type: 5 } },
  { a: { value: 1, valueInfo: 'x' } },
  { a: 5 },
  { a: 'x' },
  { a: [] },
  [],
  'variables',
  5,
];

const INVALID_INSTRUCTIONS: unknown[] = [
  'cancel',
  {},
  [1],
  [[]],
  [null],
  [{}],
  [{ type: 'bogus', activityId: 'theTask' }],
  [{ type: 5 }],
  [{ type: 'cancel' }],
  [{ type: 'cancel', activityId: 'theTask', activityInstanceId: 'x' }],
  [{ type: 'startBeforeActivity' }],
  [{ type: 'startAfterActivity', transitionId: 'flow1' }],
  [{ type: 'startTransition', activityId: 'theTask' }],
  [{ type: 'startBeforeActivity', activityId: 5 }],
  [{ type: 'startBeforeActivity', activityId: 'theTask', variables: { a: { value: 'x', type: 'Integer' } } }],
  [{ type: 'startBeforeActivity', activityId: 'theTask', variables: 'x' }],
  [{ type: 'startBeforeActivity', activityId: 'theTask', ancestorActivityInstanceId: 7 }],
];

/** Valid-looking instructions: against an unknown instance they give ENGINE-13036 (documented 500). */
const WELL_FORMED_INSTRUCTIONS: unknown[] = [
  [{ type: 'startBeforeActivity', activityId: 'theTask' }],
  [{ type: 'cancel', activityId: 'theTask' }],
  [{ type: 'startTransition', transitionId: 'flow1' }],
  [
    { type: 'cancel', activityInstanceId: 'x' },
    { type: 'startAfterActivity', activityId: 'theStart' },
  ],
];

/** Per body route: fields and values that make the body invalid, on top of a base body. */
const BODY_RULES: Record<string, { base: Record<string, unknown>; wrong: Record<string, unknown[]> }> = {
  'POST /process-definition/key/{key}/start': {
    base: {},
    wrong: { variables: VARIABLE_WITH_WRONG_VALUE, businessKey: [5, {}, [], true], withVariablesInReturn: ['yes', 1, {}], skipCustomListeners: ['no'], skipIoMappings: [0] },
  },
  'POST /process-definition/key/{key}/tenant-id/{tenantId}/start': { base: {}, wrong: { variables: VARIABLE_WITH_WRONG_VALUE, businessKey: [5] } },
  'POST /process-definition/{id}/start': { base: {}, wrong: { variables: VARIABLE_WITH_WRONG_VALUE, businessKey: [5, []] } },
  'POST /process-instance': {
    base: {},
    wrong: { processInstanceIds: ['x', [1], {}], processDefinitionId: [5, []], processDefinitionKey: [{}], businessKey: [1], activityIdIn: ['a', [2]], tenantIdIn: [3], withoutTenantId: ['true', 1] },
  },
  'POST /process-instance/count': { base: {}, wrong: { processInstanceIds: ['x'], activityIdIn: [[1]], withoutTenantId: ['false'] } },
  'POST /process-instance/{id}/modification': {
    base: { instructions: [{ type: 'startBeforeActivity', activityId: 'theTask' }] },
    wrong: { instructions: INVALID_INSTRUCTIONS, skipCustomListeners: ['no', 0, []], skipIoMappings: ['yes'], annotation: [5, {}] },
  },
  'POST /process-instance/{id}/modification-async': {
    base: { instructions: [{ type: 'startBeforeActivity', activityId: 'theTask' }] },
    wrong: { instructions: [...INVALID_INSTRUCTIONS, [], null], skipCustomListeners: ['no'], annotation: [[]] },
  },
  'POST /process-instance/{id}/variables': { base: {}, wrong: { modifications: VARIABLE_WITH_WRONG_VALUE, deletions: ['x', [1], {}, [[]]] } },
  'POST /task/{id}/complete': { base: {}, wrong: { variables: VARIABLE_WITH_WRONG_VALUE, withVariablesInReturn: ['x', 2] } },
  'POST /task/{id}/claim': { base: {}, wrong: { userId: [5, {}, [], true] } },
  'POST /external-task/fetchAndLock': {
    base: { workerId: 'fuzz-worker', topics: [] },
    wrong: {
      workerId: [5, '', null, []],
      maxTasks: ['x', -1, 1.5],
      usePriority: ['yes'],
      asyncResponseTimeout: [-1, 'x', 2.5],
      topics: ['x', {}, [{}], [5], [{ topicName: 5, lockDuration: 1 }], [{ topicName: 'a', lockDuration: 'x' }], [{ topicName: '', lockDuration: 1 }], [{ topicName: 'a', lockDuration: -1 }]],
    },
  },
  'POST /external-task/{id}/complete': { base: { workerId: 'w' }, wrong: { workerId: [5, '', null], variables: VARIABLE_WITH_WRONG_VALUE, localVariables: VARIABLE_WITH_WRONG_VALUE } },
  'POST /external-task/{id}/failure': { base: { workerId: 'w' }, wrong: { workerId: [5, ''], retries: ['x', 1.5, {}], retryTimeout: ['x', []], errorMessage: [5] } },
  'POST /external-task/{id}/extendLock': { base: { workerId: 'w', newDuration: 100 }, wrong: { workerId: [5, ''], newDuration: [0, -1, 'x', 1.5] } },
  'POST /message': {
    base: { messageName: 'fuzzMessage' },
    wrong: {
      messageName: [5, '', null, [], {}],
      processInstanceId: [5, []],
      businessKey: [7],
      correlationKeys: ['x', { k: 5 }, { k: { value: 'x', type: 'Integer' } }],
      processVariables: VARIABLE_WITH_WRONG_VALUE,
      all: ['yes'],
      resultEnabled: [1],
    },
  },
  'PUT /job/{id}/retries': { base: { retries: 1 }, wrong: { retries: ['x', 1.5, null, [], {}, true] } },
  'PUT /batch/{id}/suspended': { base: {}, wrong: { suspended: ['yes', 1, []] } },
  'POST /modification/execute': {
    base: { processDefinitionId: 'fuzzDefinition', instructions: [{ type: 'cancel', activityId: 'theTask' }], processInstanceIds: ['x'] },
    wrong: { processDefinitionId: [5, []], instructions: ['x', [{}], [{ type: 'bogus' }], [{ type: 'startTransition' }]], processInstanceIds: ['x', [5], {}], processInstanceQuery: ['x'] },
  },
  'POST /modification/executeAsync': {
    base: { processDefinitionId: 'fuzzDefinition', instructions: [{ type: 'cancel', activityId: 'theTask' }], processInstanceIds: ['x'] },
    wrong: { processDefinitionId: [5], instructions: [[{}], 'x'], processInstanceIds: [[5]], historicProcessInstanceQuery: ['x', 5] },
  },
};

/** List routes and query parameters that must be refused (anything else about them is valid). */
const QUERY_RULES: Record<string, { paging: boolean; sorting: boolean; booleans: string[]; integers?: string[] }> = {
  '/deployment': { paging: true, sorting: true, booleans: ['withoutTenantId'] },
  '/process-definition': { paging: true, sorting: true, booleans: ['latestVersion', 'withoutTenantId', 'includeProcessDefinitionsWithoutTenantId'], integers: ['version'] },
  '/process-definition/count': { paging: false, sorting: true, booleans: ['latestVersion', 'withoutTenantId'], integers: ['version'] },
  '/process-instance': { paging: true, sorting: true, booleans: ['withoutTenantId'] },
  '/process-instance/count': { paging: false, sorting: false, booleans: ['withoutTenantId'] },
  '/task': { paging: true, sorting: true, booleans: [] },
  '/task/count': { paging: false, sorting: true, booleans: [] },
  '/external-task': { paging: true, sorting: false, booleans: ['locked'] },
  '/job': { paging: true, sorting: false, booleans: ['withException', 'noRetriesLeft', 'executable'] },
  '/job/count': { paging: false, sorting: false, booleans: ['withException', 'noRetriesLeft', 'executable'] },
  '/incident': { paging: true, sorting: false, booleans: [] },
  '/history/process-instance': { paging: true, sorting: true, booleans: ['finished', 'unfinished'] },
  '/history/process-instance/count': { paging: false, sorting: true, booleans: ['finished', 'unfinished'] },
  '/batch': { paging: true, sorting: true, booleans: ['withoutTenantId', 'suspended'] },
  '/batch/count': { paging: false, sorting: true, booleans: ['suspended'] },
  '/batch/statistics': { paging: true, sorting: true, booleans: ['withFailures', 'withoutFailures'] },
  '/history/batch': { paging: true, sorting: true, booleans: ['completed'] },
};

const compiled = allRoutes.map((route) => ({
  method: route.method,
  pattern: route.pattern,
  regex: new RegExp(`^${route.pattern.replace(/\{(\w+)\}/g, '([^/]+)')}/?$`),
}));
const routeKey = (method: string, pattern: string) => `${method} ${pattern}`;
/** The router reads a path without its empty segments (`///task` is `/task`): so does this. */
const methodsFor = (path: string) => {
  const normalized = `/${path.split('/').filter(Boolean).join('/')}`;
  return new Set(compiled.filter((r) => r.regex.test(normalized)).map((r) => r.method));
};
const paramRoutes = compiled.filter((r) => r.pattern.includes('{'));

/** Builds the 1,000 requests from the seed; `real` names the stored instance the fuzz must not change. */
function generate(rng: Random, real: { instanceId: string; taskId: string; definitionId: string; key: string }): FuzzRequest[] {
  const hostileId = (): string => {
    switch (rng.int(6)) {
      case 0:
        return rng.alnum(1 + rng.int(40));
      case 1:
        return `${rng.alnum(8)}-${rng.alnum(4)}-${rng.alnum(4)}-${rng.alnum(4)}-${rng.alnum(12)}`;
      case 2:
        return 'x'.repeat(500 + rng.int(1500));
      case 3:
        return rng.pick(ODD_ENCODINGS);
      default:
        return encodeURIComponent(`${rng.pick(HOSTILE_STRINGS)}${rng.alnum(3)}`);
    }
  };
  const fill = (pattern: string, ids: Record<string, string> = {}) => pattern.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? hostileId());

  /** JSON text of base+override, sometimes with prototype keys spliced in front. */
  const bodyText = (value: Record<string, unknown>): string => {
    const text = JSON.stringify(value);
    if (!rng.chance(0.3) || text === '{}') return text;
    const proto = rng.pick([
      '"__proto__":{"polluted":"yes","isAdmin":true},',
      '"constructor":{"prototype":{"polluted":"yes"}},',
      '"__proto__":{"__proto__":{"polluted":"yes"}},"prototype":{"polluted":"yes"},',
    ]);
    return `{${proto}${text.slice(1)}`;
  };
  const wrongBody = (key: string): string => {
    const rule = BODY_RULES[key]!;
    const field = rng.pick(Object.keys(rule.wrong));
    return bodyText({ ...rule.base, [field]: rng.pick(rule.wrong[field]!) });
  };
  const malformedBody = (): string =>
    rng.pick([
      'not json',
      '{',
      '{"a":',
      "{'single': 'quotes'}",
      '{"a":1,}',
      '[1,]',
      '{"a":1}{"b":2}',
      '<xml/>',
      'NaN',
      'undefined',
      '\u0000',
      '"unterminated',
      '{"a":"\\u12"}',
      '{"a": 01}',
      '[]',
      '"just a string"',
      '42',
      'true',
      'null',
      '[{"type": "cancel"}]',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `{"deep":${'['.repeat(3000)}${']'.repeat(3000)}, "instructions": 5, "variables": 5, "workerId": 5, "messageName": 5, "retries": "x", "suspended": "x", "userId": 5, "modifications": 5, "processInstanceIds": 5, "processDefinitionId": 5}`,
    ]);

  const requests: FuzzRequest[] = [];
  const add = (request: FuzzRequest) => requests.push(request);

  let wrongMethodRound = 0;
  /** Round robin over the route table, so every route gets requests with methods it does not allow. */
  const wrongMethod = () => {
    const route = compiled[wrongMethodRound++ % compiled.length]!;
    const path = fill(route.pattern);
    const allowed = methodsFor(path);
    const method = rng.pick(METHODS.filter((m) => !allowed.has(m)));
    const body = method !== 'GET' && rng.chance(0.5) ? malformedBody() : undefined;
    add({ kind: 'wrong method', method, path, body, headers: { 'content-type': 'application/json' } });
  };

  const unknownPath = () => {
    let path = '';
    do {
      switch (rng.int(4)) {
        case 0:
          path = `/${rng.alnum(3)}zz${rng.alnum(5)}`;
          break;
        case 1:
          path = `${fill(rng.pick(compiled).pattern)}/${hostileId()}/${rng.alnum(4)}`;
          break;
        case 2:
          path = `/${rng.pick(ODD_ENCODINGS)}/${rng.pick(ODD_ENCODINGS)}`;
          break;
        default:
          path = rng.pick(['/', '//', '///task', '/process-instance//variables', '/task/%2F', '/job/%2F%2F/execute', '/deployment/create/extra', '/VERSION', '/Task']);
      }
    } while (methodsFor(path).size > 0 && path !== '/task/%2F' && path !== '/job/%2F%2F/execute');
    add({ kind: 'unknown path', method: rng.pick(['GET', 'POST', 'PUT', 'DELETE']), path, body: undefined });
  };

  const unknownResource = () => {
    const route = rng.pick(paramRoutes);
    const path = fill(route.pattern);
    const key = routeKey(route.method, route.pattern);
    const request: FuzzRequest = { kind: `unknown resource ${key}`, method: route.method, path, headers: { 'content-type': 'application/json' } };
    // Removing a membership is idempotent in Camunda (identityService.deleteMembership): 204 even when
    // the user, group, tenant or membership does not exist.
    if (route.method === 'DELETE' && /members\/\{(userId|groupId)\}$/.test(route.pattern)) request.documented = { status: 204, body: '' };
    // Unlocking a user that does not exist is no error in Camunda either (UnlockUserCmd).
    if (key === 'POST /user/{id}/unlock') request.documented = { status: 204, body: '' };
    // Camunda's OPTIONS lists links without looking the resource up; activity statistics of an
    // unknown definition are an empty list without authentication (StatisticsManager).
    if (route.method === 'OPTIONS') request.accepts = (status, body) => status === 200 && Array.isArray((body as { links?: unknown })?.links);
    if (key === 'GET /process-definition/{id}/statistics') request.accepts = (status, body) => status === 200 && Array.isArray(body) && body.length === 0;
    // A metric nothing counted sums to 0 (Camunda's meter log query finds no row).
    if (key === 'GET /metrics/{name}/sum') request.accepts = (status, body) => status === 200 && (body as { result?: unknown })?.result === 0;
    // Suspending an unknown instance, job or definition changes nothing and is no error (Camunda's bulk updates).
    if (['PUT /process-instance/{id}/suspended', 'PUT /job/{id}/suspended', 'PUT /process-definition/{id}/suspended'].includes(key)) request.accepts = (status) => status === 204;
    // A dry run answers what the real run would (an unknown instance's ENGINE-13036) as its result; a body it cannot read is a 400.
    if (key === 'POST /process-instance/{id}/modification/validate') {
      request.accepts = (status, body) => (status === 200 && (body as { valid?: unknown })?.valid === false) || status === 400;
    }
    const engineAnswer = unknownScopeAnswer(key, path);
    if (engineAnswer) request.documented = toErrorResponse(engineAnswer);
    if (route.method === 'POST' || route.method === 'PUT') {
      if (key.endsWith('/modification') || key.endsWith('/modification-async')) {
        if (rng.chance(0.5)) {
          request.body = JSON.stringify({ instructions: rng.pick(WELL_FORMED_INSTRUCTIONS) });
          const id = decodeURIComponentOr(path.split('/')[2]!);
          if (id !== undefined) {
            // Through toErrorResponse: an id thousands of characters long is cut from the message like any echo.
            request.documented = toErrorResponse(processEngineError(`ENGINE-13036 Process instance '${id}' cannot be modified. The process instance does not exist`));
          }
        } else {
          request.body = BODY_RULES[key] ? wrongBody(key) : malformedBody();
        }
      } else {
        request.body = BODY_RULES[key] && rng.chance(0.5) ? wrongBody(key) : rng.chance(0.8) ? malformedBody() : undefined;
      }
    }
    if (route.method === 'DELETE' && rng.chance(0.3)) request.path += `?cascade=${rng.pick(['maybe', 'TRUE', '1'])}`;
    add(request);
  };

  const badQuery = () => {
    const path = rng.pick(Object.keys(QUERY_RULES));
    const rule = QUERY_RULES[path]!;
    const options: (() => string)[] = [];
    if (rule.paging) {
      options.push(() => `maxResults=${rng.pick(['abc', '1.5', '1e3', '99999999999', '-', '0x10', ' 1', '１'])}`);
      options.push(() => `firstResult=${rng.pick(['x', '2147483648', '--1'])}&maxResults=10`);
      options.push(() => `maxResults=5&maxResults=${rng.pick(['abc', 'null'])}`);
    }
    if (rule.sorting) {
      options.push(() => `sortBy=${rng.pick(['id', 'name', 'version', 'startTime', 'batchId', 'instanceId'])}`);
      options.push(() => `sortOrder=${rng.pick(['asc', 'desc'])}`);
      options.push(() => `sortBy=${encodeURIComponent(rng.pick(['__proto__', 'constructor', 'bogus', "name'--"]))}&sortOrder=asc`);
      options.push(() => `sortBy=id&sortOrder=${rng.pick(['sideways', 'ASC', '1'])}`);
    }
    for (const name of rule.booleans) options.push(() => `${name}=${rng.pick(['maybe', 'TRUE', '1', 'yes', 'null', '%zz'])}`);
    for (const name of rule.integers ?? []) options.push(() => `${name}=${rng.pick(['abc', '1.0', '2147483648', '%zz'])}`);
    if (options.length === 0) return unknownPath();
    // parameter names that are Object.prototype members are excluded here: see the skipped BUG test below
    const noiseNames = HOSTILE_STRINGS.filter((name) => !(name in Object.prototype));
    const noise = rng.chance(0.5) ? `&${encodeURIComponent(rng.pick(noiseNames))}=${hostileId()}` : '';
    add({ kind: `bad query ${path}`, method: 'GET', path: `${path}?${rng.pick(options)()}${noise}` });
  };

  const badBody = () => {
    const keys = Object.keys(BODY_RULES);
    const key = rng.pick(keys);
    const [method, pattern] = key.split(' ') as [string, string];
    if (!compiled.some((r) => r.method === method && r.pattern === pattern)) return unknownPath();
    const ids: Record<string, string> = {};
    // body checks on the real definition, instance and task: every one must be refused without a change
    if (pattern.startsWith('/process-definition/key/')) ids.key = rng.chance(0.7) ? real.key : hostileId();
    if (pattern === '/process-definition/{id}/start') ids.id = rng.chance(0.7) ? encodeURIComponent(real.definitionId) : hostileId();
    if (pattern.startsWith('/process-instance/{id}')) ids.id = rng.chance(0.7) ? real.instanceId : hostileId();
    if (pattern.startsWith('/task/{id}')) ids.id = rng.chance(0.7) ? real.taskId : hostileId();
    const contentType = rng.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml']);
    add({ kind: `bad body ${key}`, method, path: fill(pattern, ids), headers: { 'content-type': contentType }, body: rng.chance(0.7) ? wrongBody(key) : malformedBody() });
  };

  const realInstanceHostile = () => {
    const id = real.instanceId;
    const options: (() => FuzzRequest)[] = [
      () => ({
        kind: 'real variable with wrong value',
        method: 'PUT',
        path: `/process-instance/${id}/variables/${encodeURIComponent(rng.pick(['amount', 'name', 'fresh', 'a b', '💥']))}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          rng.pick(Object.values(rng.pick(VARIABLE_WITH_WRONG_VALUE.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'a' in v)) as Record<string, unknown>)),
        ),
      }),
      () => ({
        kind: 'real delete with bad flag',
        method: 'DELETE',
        path: `/process-instance/${id}?${rng.pick(['skipCustomListeners', 'skipIoMappings'])}=${rng.pick(['maybe', 'TRUE', '1', '%zz'])}`,
      }),
      () => ({
        kind: 'real modification, valid then invalid instruction',
        method: 'POST',
        path: `/process-instance/${id}/modification`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          instructions: [
            rng.pick([
              { type: 'startBeforeActivity', activityId: 'theTask' },
              { type: 'cancel', activityId: 'theTask' },
              { type: 'startTransition', transitionId: 'flow1' },
            ]),
            rng.pick([
              { type: 'startBeforeActivity', activityId: `missing${rng.alnum(4)}` },
              { type: 'startAfterActivity', activityId: `missing${rng.alnum(4)}` },
              { type: 'startTransition', transitionId: `missing${rng.alnum(4)}` },
              { type: 'cancel', activityInstanceId: `missing${rng.alnum(4)}` },
              { type: 'cancel', transitionInstanceId: `missing${rng.alnum(4)}` },
              { type: 'startBeforeActivity', activityId: 'theTask', ancestorActivityInstanceId: `missing${rng.alnum(4)}` },
            ]),
          ],
        }),
      }),
      () => ({
        kind: 'real variables of unknown name',
        method: 'GET',
        path: `/process-instance/${id}/variables/${encodeURIComponent(`missing${rng.pick(HOSTILE_STRINGS.filter((s) => !['__proto__', 'constructor', 'prototype'].includes(s)))}`)}`,
      }),
      () => ({
        kind: 'real task completion with bad variables',
        method: 'POST',
        path: `/task/${real.taskId}/complete`,
        headers: { 'content-type': 'application/json' },
        body: bodyText({ variables: rng.pick(VARIABLE_WITH_WRONG_VALUE) }),
      }),
      () => ({
        kind: 'message nobody waits for',
        method: 'POST',
        path: '/message',
        headers: { 'content-type': 'application/json' },
        body: bodyText({ messageName: `msg${rng.alnum(5)}`, processInstanceId: rng.chance(0.5) ? id : undefined }),
      }),
    ];
    add(rng.pick(options)());
  };

  const multipartGarbage = () => {
    const boundary = `----fuzz${rng.alnum(12)}`;
    const part = (name: string, filename: string | undefined, content: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;
    const garbageXml = rng.pick([
      '',
      'not xml at all',
      '<definitions',
      // Two none start events (a process without any start event deploys, as in Camunda).
      '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" isExecutable="true"><startEvent id="a"/><startEvent id="b"/></process></definitions>',
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><definitions>&b;</definitions>',
      `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="${rng.alnum(5)}" isExecutable="true"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="nowhere"/></process></definitions>`,
      `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">${'<x>'.repeat(2000)}</definitions>`,
      String.fromCharCode(...Array.from({ length: 64 }, () => rng.int(256))),
    ]);
    const variants: (() => FuzzRequest)[] = [
      () => ({
        kind: 'multipart: garbage BPMN',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${part('deployment-name', undefined, 'fuzz')}${part('data', `${rng.alnum(4)}.bpmn`, garbageXml)}--${boundary}--\r\n`,
      }),
      () => ({
        kind: 'multipart: no resources',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${part('deployment-name', undefined, 'fuzz')}${part('enable-duplicate-filtering', undefined, 'true')}--${boundary}--\r\n`,
      }),
      () => ({
        kind: 'multipart: missing closing boundary',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="x"; filename="x.bpmn"\r\n\r\n<definitions/>`,
      }),
      () => ({
        kind: 'multipart: part without headers end',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="x"`,
      }),
      () => ({
        kind: 'multipart: part without name',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--${boundary}--\r\n`,
      }),
      () => ({
        kind: 'multipart: wrong boundary',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}x` },
        body: `${part('data', 'a.bpmn', garbageXml)}--${boundary}--\r\n`,
      }),
      () => ({ kind: 'multipart: no boundary', method: 'POST', path: '/deployment/create', headers: { 'content-type': 'multipart/form-data' }, body: `${part('data', 'a.bpmn', garbageXml)}` }),
      () => ({
        kind: 'multipart: json instead',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': rng.pick(['application/json', 'text/plain']) },
        body: JSON.stringify({ 'deployment-name': 'x', data: garbageXml }),
      }),
      () => ({
        kind: 'multipart: binary noise',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(256).map(() => rng.int(256)),
      }),
      () => ({
        kind: 'multipart: bad duplicate filtering flag',
        method: 'POST',
        path: '/deployment/create',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${part('enable-duplicate-filtering', undefined, rng.pick(['maybe', 'TRUE', '1']))}${part('data', 'broken.bpmn', '<definitions')}--${boundary}--\r\n`,
      }),
    ];
    add(rng.pick(variants)());
  };

  const strategies: [number, () => void][] = [
    [14, wrongMethod],
    [10, unknownPath],
    [24, unknownResource],
    [16, badQuery],
    [20, badBody],
    [10, realInstanceHostile],
    [6, multipartGarbage],
  ];
  const total = strategies.reduce((sum, [weight]) => sum + weight, 0);
  // Every route once with a method it does not have, so each is reached whatever the draw.
  for (let i = 0; i < compiled.length; i++) wrongMethod();
  while (requests.length < REQUESTS) {
    let roll = rng.int(total);
    for (const [weight, strategy] of strategies) {
      if (roll < weight) {
        strategy();
        break;
      }
      roll -= weight;
    }
  }
  return requests.slice(0, REQUESTS);
}

/**
 * What Camunda answers for an unknown task or instance where its engine command, not its REST layer,
 * finds it missing (EnsureUtil's NullValueException, a 500, wrapped by AbstractVariablesResource).
 */
function unknownScopeAnswer(key: string, path: string): Error | undefined {
  const [, resource, rawId, segment, rawName] = path.split('?')[0]!.split('/');
  const id = decodeURIComponentOr(rawId ?? '');
  if (id === undefined) return undefined;
  if (key === 'POST /task/{id}/delegate' || key === 'POST /task/{id}/resolve' || key === 'GET /task/{id}/identity-links') return nullValue(`Cannot find task with id ${id}: task is null`);
  // LockExternalTaskCmd checks its worker before it looks the task up.
  if (key === 'POST /external-task/{id}/lock') return nullValue('workerId is null');
  // MessageEventReceivedCmd looks for the subscription only, whether the execution exists or not.
  if (key === 'POST /execution/{id}/messageSubscriptions/{messageName}/trigger') {
    const message = decodeURIComponentOr(rawName ?? '');
    if (message === undefined) return undefined;
    return new RequestError(
      500,
      `Cannot trigger message ${message} for execution ${id}: Execution with id '${id}' does not have a subscription to a message event with name '${message}': eventSubscriptions is empty`,
      'RestException',
      0,
    );
  }
  if (key === 'POST /task/{id}/submit-form') return new RequestError(500, `Cannot submit task form ${id}: Cannot find task with id ${id}: task is null`, 'RestException', 0);
  if (key === 'GET /task/{id}/rendered-form') return nullValue(`Task '${id}' not found: task is null`);
  if (key === 'POST /process-definition/{id}/submit-form') {
    return new RequestError(500, `Cannot instantiate process definition ${id}: no deployed process definition found with id '${id}': processDefinition is null`, 'RestException', 0);
  }
  if (key === 'PUT /job/{id}/duedate') return new RequestError(500, `No job found with id '${id}'.`, 'InvalidRequestException');
  // SignalCmd finds the execution missing (a BadUserRequestException the resource wraps as a 500).
  if (key === 'POST /execution/{id}/signal') return new RequestError(500, `Cannot signal execution ${id}: execution ${id} doesn't exist: execution is null`, 'RestException', 0);
  const scope = key.startsWith('/task', key.indexOf(' ') + 1)
    ? { type: 'task', missing: `task ${id} doesn't exist: task is null` }
    : { type: key.startsWith('/execution', key.indexOf(' ') + 1) ? 'execution' : 'process instance', missing: `execution ${id} doesn't exist: execution is null` };
  if (resource === undefined || !['variables', 'localVariables'].includes(segment ?? '')) return undefined;
  const wrapped = (message: string) => new RequestError(500, `${message}: ${scope.missing}`, 'RestException', 0);
  if (rawName === undefined) return key.startsWith('GET') ? nullValue(scope.missing) : wrapped(`Cannot modify variables for ${scope.type} ${id}`);
  const name = decodeURIComponentOr(rawName);
  if (name === undefined) return undefined;
  if (key.startsWith('GET')) return wrapped(`Cannot get ${scope.type} variable ${name}`);
  if (key.startsWith('PUT')) return wrapped(`Cannot put ${scope.type} variable ${name}`);
  if (scope.type === 'task') return new RequestError(500, `Cannot delete task variable ${name}: Cannot find task with id ${id}: task is null`, 'RestException', 0);
  return wrapped(`Cannot delete ${scope.type} variable ${name}`);
}

function decodeURIComponentOr(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const isErrorBody = (body: unknown): boolean => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return typeof b.type === 'string' && typeof b.message === 'string' && (b.code === null || typeof b.code === 'number');
};

describe('1,000 malformed and hostile requests', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let real: { instanceId: string; taskId: string; definitionId: string; key: string };

  /** What must not change: the stored instance as clients see it, and the counts of everything. */
  const observe = async () => ({
    tree: (await api.get(`/process-instance/${real.instanceId}/activity-instances`)).body,
    variables: (await api.get(`/process-instance/${real.instanceId}/variables`)).body,
    tasks: (await api.get(`/task?processInstanceId=${real.instanceId}`)).body,
    instances: (await api.get('/process-instance/count')).body,
    deployments: (await api.get('/deployment/count')).body,
    definitions: (await api.get('/process-definition/count')).body,
    history: (await api.get('/history/process-instance/count')).body,
    batches: (await api.get('/batch/count')).body,
  });

  const send = async (request: FuzzRequest) => {
    const response = await fetch(`${runtime.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: reported below
    }
    return { status: response.status, body };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'oneTaskProcess.bpmn20.xml': readFixture('oneTaskProcess.bpmn20.xml') });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    const started = await api.post('/process-definition/key/oneTaskProcess/start', {
      businessKey: 'fuzz-target',
      variables: { amount: { value: 5, type: 'Integer' }, name: { value: 'target', type: 'String' }, when: { value: '2026-01-01T00:00:00.000+0000', type: 'Date' } },
    });
    const [task] = (await api.get(`/task?processInstanceId=${started.body.id}`)).body;
    real = { instanceId: started.body.id, taskId: task.id, definitionId: started.body.definitionId, key: 'oneTaskProcess' };
  });
  afterAll(async () => runtime?.stop());

  it('answers every one with a 4xx Camunda error body (or a documented 500), keeps serving and changes nothing', async () => {
    // given
    const requests = generate(new Random(mulberry32(SEED)), real);
    const before = await observe();

    // when
    const outcomes: { request: FuzzRequest; status: number; body: unknown }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          try {
            outcomes.push({ request, ...(await send(request)) });
          } catch (error) {
            outcomes.push({ request, status: -1, body: String(error) });
          }
        }
      }),
    );

    // then
    const violations = outcomes.filter(({ request, status, body }) => {
      if (request.accepts?.(status, body)) return false;
      if (request.documented && status === request.documented.status) return JSON.stringify(body) !== JSON.stringify(request.documented.body);
      return !(status >= 400 && status < 500 && isErrorBody(body));
    });
    const describeViolation = ({ request, status, body }: (typeof outcomes)[number]) =>
      `${request.kind}: ${request.method} ${request.path.slice(0, 200)} body=${typeof request.body === 'string' ? request.body.slice(0, 300) : request.body ? '<binary>' : '-'} → ${status} ${JSON.stringify(body).slice(0, 300)}`;
    expect(violations.map(describeViolation), `FUZZ_SEED=${SEED}: ${violations.length} of ${requests.length} requests broke the contract`).toEqual([]);
    expect(outcomes).toHaveLength(REQUESTS);
    const kinds = new Set(outcomes.map((o) => o.request.kind.split(' ').slice(0, 2).join(' ')));
    expect(kinds.size, [...kinds].join(', ')).toBeGreaterThanOrEqual(7);

    // the server still answers
    const version = await api.get('/version');
    expect(version.status).toBe(200);
    expect(version.body).toEqual({ version: expect.any(String) });

    // nothing changed: the stored instance, and no instance, deployment or batch was created
    expect(await observe(), `FUZZ_SEED=${SEED}`).toEqual(before);

    // and no prototype was polluted in the process that served the requests
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  }, 120_000);

  it('covers every route of the API at least once', () => {
    // given
    const requests = generate(new Random(mulberry32(SEED)), { instanceId: 'i', taskId: 't', definitionId: 'd', key: 'k' });

    // when
    const hit = new Set<string>();
    for (const request of requests) {
      const path = request.path.split('?')[0]!;
      for (const route of compiled) if (route.regex.test(path)) hit.add(route.pattern);
    }

    // then
    expect(compiled.map((r) => r.pattern).filter((pattern) => !hit.has(pattern))).toEqual([]);
  });

  // Regression (found while writing this suite, fixed): the local HTTP adapter (local/http-server.ts toProxyEvent) builds multiValueQueryStringParameters in a plain object, so a query parameter named constructor, __proto__, toString, ... makes every request answer 500 ProcessEngineException "(multi[key] ?? []) is not iterable"
  it('ignores query parameters named like Object.prototype members', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      // when
      const response = await api.get(`/process-definition?${name}=x`);

      // then
      expect(response.status, name).toBe(200);
      expect(Array.isArray(response.body)).toBe(true);
    }
  });

  describe('variable names that are Object.prototype members', () => {
    // Regression (found while writing this suite, fixed): GET /process-instance/{id}/variables/{name} answers 200 {"valueInfo":{}} for names like constructor, toString, hasOwnProperty, valueOf, __proto__ that the instance does not have (plain-object lookup hits Object.prototype) instead of 404
    it('answers 404 for a variable named like an Object.prototype member that does not exist', async () => {
      for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
        // when
        const response = await api.get(`/process-instance/${real.instanceId}/variables/${name}`);

        // then
        expect(response.status, name).toBe(404);
        expect(response.body).toEqual({ type: 'InvalidRequestException', message: `process instance variable with name ${name} does not exist`, code: null });
      }
    });

    // Regression (found while writing this suite, fixed): a variable named "__proto__" is acknowledged (204 / 200 on PUT, POST /variables, start, task completion) but silently dropped: it never appears in GET /variables
    it('stores a variable named __proto__ like any other name', async () => {
      // given
      const started = await api.post('/process-definition/key/oneTaskProcess/start', {});
      const id = started.body.id as string;

      // when
      const put = await api.put(`/process-instance/${id}/variables/__proto__`, { value: 'kept', type: 'String' });

      // then
      expect(put.status).toBe(204);
      // (an object literal `{ __proto__: … }` would set a prototype, so the own key is checked directly)
      const variables = (await api.get(`/process-instance/${id}/variables`)).body as Record<string, unknown>;
      expect(Object.keys(variables)).toEqual(['__proto__']);
      expect(Object.getOwnPropertyDescriptor(variables, '__proto__')?.value).toEqual({ type: 'String', value: 'kept', valueInfo: {} });
    });

    it('stores variables named constructor and toString like any other name', async () => {
      // given
      const started = await api.raw(
        'POST',
        '/process-definition/key/oneTaskProcess/start',
        JSON.stringify({ variables: { constructor: { value: 'c' }, toString: { value: 't', type: 'String' } }, withVariablesInReturn: true }),
      );
      const id = started.body.id as string;

      // when
      const put = await api.put(`/process-instance/${id}/variables/hasOwnProperty`, { value: 1, type: 'Integer' });

      // then
      expect(put.status).toBe(204);
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual({
        constructor: { type: 'String', value: 'c', valueInfo: {} },
        toString: { type: 'String', value: 't', valueInfo: {} },
        hasOwnProperty: { type: 'Integer', value: 1, valueInfo: {} },
      });
      expect((await api.get(`/process-instance/${id}/variables/constructor`)).body).toEqual({ type: 'String', value: 'c', valueInfo: {} });
      expect((await api.delete(`/process-instance/${id}`)).status).toBe(204);
    });
  });
});
