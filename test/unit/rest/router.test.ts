import { describe, expect, it } from 'vitest';
import type { RestRequest } from '../../../shared/rest/http.ts';
import { allRoutes } from '../../../shared/rest/routes/index.ts';
import { type Route, Router, route } from '../../../shared/rest/router.ts';
import type { Services } from '../../../shared/service/compose.ts';

const services = { authMode: 'off' } as unknown as Services;
const request = (method: string, path: string): RestRequest => ({ method, path, query: {}, headers: {}, body: Buffer.alloc(0), baseUrl: 'http://localhost/engine-rest' });
const answering = (name: string) =>
  route({
    method: 'GET',
    pattern: name,
    handler: async (ctx) => ({ status: 200, body: { route: name, params: ctx.params } }),
  });

describe('the router', () => {
  it('prefers a literal segment over a parameter whatever the declaration order', async () => {
    // given parameter routes declared before the literal ones
    const routes: Route[] = [answering('/external-task/{id}'), answering('/process-definition/{id}/{action}'), answering('/external-task/count'), answering('/process-definition/statistics/{kind}')];
    const router = new Router(routes);

    // then
    expect((await router.handle(request('GET', '/external-task/count'), services)).body).toEqual({ route: '/external-task/count', params: {} });
    expect((await router.handle(request('GET', '/external-task/abc'), services)).body).toEqual({ route: '/external-task/{id}', params: { id: 'abc' } });
    expect((await router.handle(request('GET', '/process-definition/statistics/x'), services)).body).toEqual({ route: '/process-definition/statistics/{kind}', params: { kind: 'x' } });
    expect((await router.handle(request('GET', '/process-definition/abc/xml'), services)).body).toEqual({ route: '/process-definition/{id}/{action}', params: { id: 'abc', action: 'xml' } });
  });

  it('answers every route of the API at its own path, a literal before a parameter (the order is total, whatever the table holds)', () => {
    // Regression: with a comparator that called unrelated patterns equal, sorting the grown table put
    // /history/process-instance/{id} before /history/process-instance/count.
    const router = new Router(allRoutes);
    for (const route of allRoutes) {
      const found = router.find(route.method, route.pattern.replace(/\{[^}]+\}/g, 'some-id'));
      expect(typeof found === 'object' ? `${found.route.method} ${found.route.pattern}` : found, route.pattern).toBe(`${route.method} ${route.pattern}`);
    }
    const shuffled = new Router([...allRoutes].reverse());
    expect((shuffled.find('GET', '/history/process-instance/count') as { route: Route }).route.pattern).toBe('/history/process-instance/count');
  });

  it('decodes parameters, ignores a trailing slash, and answers 405 and 404 with Camunda’s body', async () => {
    const router = new Router([answering('/task/{id}')]);
    expect((await router.handle(request('GET', '/task/a%2Fb/'), services)).body).toEqual({ route: '/task/{id}', params: { id: 'a/b' } });
    expect(await router.handle(request('DELETE', '/task/x'), services)).toEqual({ status: 405, body: { type: 'RestException', message: 'Method DELETE is not allowed for /task/x', code: null } });
    expect(await router.handle(request('GET', '/task/x/y'), services)).toEqual({ status: 404, body: { type: 'RestException', message: 'No resource found for path /task/x/y', code: null } });
    expect((await router.handle(request('GET', '/task/%E0%A4%A'), services)).status).toBe(404);
  });

  it('types a handler’s parameters from its pattern (checked by the typecheck) and fills them', async () => {
    const typed = route({
      method: 'GET',
      pattern: '/a/{first}/b/{second}',
      handler: async (ctx) => {
        const both: [string, string] = [ctx.params.first, ctx.params.second];
        // @ts-expect-error: the pattern names no such parameter
        void ctx.params.third;
        return { status: 200, body: both };
      },
    });
    expect((await new Router([typed]).handle(request('GET', '/a/1/b/2'), services)).body).toEqual(['1', '2']);
  });
});
