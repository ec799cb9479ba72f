/**
 * GET /openapi.json: the OpenAPI document of what this product implements, and GET /openapi.html:
 * the same, as a page to read (issue 16). Both are this product's own (extensions of Camunda's API)
 * and, like every resource but /version and /engine, need an authenticated caller when
 * authentication is on.
 */
import { json } from '../http.ts';
import { camundaDocument, documentPage, productDocument } from '../openapi/product-document.ts';
import { route, type Route, type RouteContext } from '../router.ts';

async function document(ctx: RouteContext) {
  // The route table imports this module: it is read when asked for, not at load.
  const { allRoutes } = await import('./index.ts');
  return productDocument(await camundaDocument(), allRoutes, ctx.req.baseUrl);
}

export const openApiRoutes: Route[] = [
  route({ method: 'GET', pattern: '/openapi.json', handler: async (ctx) => json(200, await document(ctx)) }),
  route({
    method: 'GET',
    pattern: '/openapi.html',
    handler: async (ctx) => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, rawBody: documentPage(await document(ctx)) }),
  }),
];
