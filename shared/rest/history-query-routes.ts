/**
 * The routes of a history query resource as Camunda's REST API has them: `GET <path>` (filters,
 * sorting and paging as query parameters) and `GET <path>/count`, and, where Camunda offers the
 * JSON form, `POST <path>` (filters and `sorting` in the body, paging in the query) and
 * `POST <path>/count`. One definition, so every history resource parses and answers alike.
 */
import * as z from 'zod/v4';
import type { AuthContext } from '../auth/auth-context.ts';
import type { AppContext } from '../app/app-context.ts';
import type { Sorting } from '../query/sort.ts';
import { json } from './http.ts';
import { bodyFilters, firstSorting, pagingParams, readQuery, SortingList, sortingOf, sortingParams } from './query-params.ts';
import { readBody, route, type Route } from './router.ts';

export interface HistoryQuerySpec<F, V, K extends string> {
  path: string;
  sortKeys: readonly K[];
  /** The filters as query parameters (their names are those of the JSON body too). */
  filterParams: z.ZodObject;
  /** The JSON body's filters, when Camunda offers `POST <path>`; `sorting` is added here. */
  bodyFilters?: z.ZodRawShape;
  query(app: AppContext, caller: AuthContext, input: { filter: F; sort?: Sorting<K>; firstResult?: number; maxResults?: number }): Promise<V[]>;
  count(app: AppContext, caller: AuthContext, filter: F): Promise<number>;
  dto(view: V): unknown;
}

/** Only the parameters given: an absent one filters nothing. */
const given = <F>(params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as F;

export function historyQueryRoutes<F, V, K extends string>(spec: HistoryQuerySpec<F, V, K>): Route[] {
  const ListParams = z.object({ ...sortingParams(spec.sortKeys), ...spec.filterParams.shape, ...pagingParams });
  const CountParams = z.object({ ...sortingParams(spec.sortKeys), ...spec.filterParams.shape });
  const fromQuery = (params: Record<string, unknown>): F => given<F>(params);
  const routes: Route[] = [
    route({
      method: 'GET',
      pattern: spec.path,
      handler: async (ctx) => {
        const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, ListParams) as Record<string, unknown> & {
          sortBy?: K;
          sortOrder?: 'asc' | 'desc';
          firstResult?: number;
          maxResults?: number;
        };
        const sort = sortingOf({ sortBy, sortOrder });
        const found = await spec.query(ctx.app, ctx.auth, { filter: fromQuery(filter), ...(sort ? { sort } : {}), firstResult, maxResults });
        return json(200, found.map(spec.dto));
      },
    }),
    route({
      method: 'GET',
      pattern: `${spec.path}/count`,
      handler: async (ctx) => {
        const { sortBy: _by, sortOrder: _order, ...filter } = readQuery(ctx.req, CountParams) as Record<string, unknown>;
        return json(200, { count: await spec.count(ctx.app, ctx.auth, fromQuery(filter)) });
      },
    }),
  ];
  if (!spec.bodyFilters) return routes;
  const QueryBody = z.object({ ...spec.bodyFilters, sorting: SortingList }).passthrough();
  const filterOfBody = (body: z.infer<typeof QueryBody>) => bodyFilters<F>(body, spec.filterParams.shape, true);
  return [
    ...routes,
    route({
      method: 'POST',
      pattern: spec.path,
      handler: async (ctx) => {
        const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
        const body = readBody(ctx.req, QueryBody);
        const sort = firstSorting(body.sorting, spec.sortKeys);
        const found = await spec.query(ctx.app, ctx.auth, { filter: filterOfBody(body), ...(sort ? { sort } : {}), firstResult, maxResults });
        return json(200, found.map(spec.dto));
      },
    }),
    route({
      method: 'POST',
      pattern: `${spec.path}/count`,
      handler: async (ctx) => json(200, { count: await spec.count(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
    }),
  ];
}
