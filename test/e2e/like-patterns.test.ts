import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/**
 * Every `…Like` parameter of every query answers a pattern that makes a backtracking regular
 * expression explode (issue #19: thirty `%` and a `!` hung the API) in its normal time. Ten `%` are
 * enough to tell: the former regular expressions took seconds per 30-character value with them,
 * and a few more took hours, so a regression fails here rather than hanging the suite.
 */
const PATHOLOGICAL = `${'%'.repeat(10)}!`;
const LONG = 'abcdefghijklmnopqrstuvwxyzabcd';
const NORMAL_MS = 1_500;

describe('…Like query parameters with pathological patterns', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    expect((await api.deploy({ 'long.bpmn': userTaskChain(LONG, ['task']) })).status).toBe(200);
    for (const i of [1, 2]) {
      expect((await api.post('/user/create', { profile: { id: `u${i}`, firstName: LONG, lastName: LONG, email: `${LONG}@example.com` }, credentials: { password: 'secret1' } })).status).toBe(204);
      expect((await api.post('/group/create', { id: `g${i}`, name: LONG, type: 'WORKFLOW' })).status).toBe(204);
      expect((await api.post('/tenant/create', { id: `t${i}`, name: LONG })).status).toBe(204);
    }
  });
  afterAll(() => runtime?.stop());

  it.each([
    ['/process-definition', 'keyLike'],
    ['/process-definition/count', 'keyLike'],
    ['/user', 'firstNameLike'],
    ['/user', 'lastNameLike'],
    ['/user', 'emailLike'],
    ['/user/count', 'firstNameLike'],
    ['/group', 'nameLike'],
    ['/group/count', 'nameLike'],
    ['/tenant', 'nameLike'],
    ['/tenant/count', 'nameLike'],
  ])('GET %s?%s=<ten %% and !> answers at once, matching nothing', async (path, parameter) => {
    // when
    const started = performance.now();
    const response = await api.get(`${path}?${parameter}=${encodeURIComponent(PATHOLOGICAL)}`);

    // then
    expect(performance.now() - started).toBeLessThan(NORMAL_MS);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(path.endsWith('/count') ? { count: 0 } : []);
  });

  it.each([
    ['/process-definition/count', 'keyLike', `%${LONG.slice(5, 12)}%`],
    ['/user/count', 'emailLike', '%@example.com'],
    ['/group/count', 'nameLike', `${LONG.slice(0, 3)}%`],
    ['/tenant/count', 'nameLike', `%${LONG.slice(-3)}`],
  ])('GET %s?%s=%s still finds what matches', async (path, parameter, pattern) => {
    const response = await api.get(`${path}?${parameter}=${encodeURIComponent(pattern)}`);
    expect(response.status).toBe(200);
    expect(response.body.count).toBeGreaterThanOrEqual(1);
  });
});
