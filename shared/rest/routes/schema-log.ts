import * as z from 'zod/v4';
import { querySchemaLog, type SchemaLogEntry } from '../../app/schema-log.ts';
import { formatDate } from '../dates.ts';
import { json } from '../http.ts';
import { firstSorting, pagingParams, qs, readQuery, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

const SORT_KEYS = ['timestamp'] as const;
const ListParams = z.object({ version: qs.string(), ...sortingParams(SORT_KEYS), ...pagingParams });
const QueryBody = z.object({ version: z.string().nullish(), sorting: SortingList }).passthrough();

const entryDto = (entry: SchemaLogEntry) => ({ id: entry.id, timestamp: formatDate(entry.timestamp), version: entry.version });

export const schemaLogRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/schema/log',
    handler: async (ctx) => {
      const { version, sortBy, sortOrder, firstResult, maxResults } = readQuery(ctx.req, ListParams);
      const descending = sortingOf({ sortBy, sortOrder })?.descending;
      return json(200, (await querySchemaLog(ctx.app, ctx.auth, { version, descending, firstResult, maxResults })).map(entryDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/schema/log',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      const body = readBody(ctx.req, QueryBody);
      const descending = firstSorting(body.sorting, SORT_KEYS)?.descending;
      return json(200, (await querySchemaLog(ctx.app, ctx.auth, { version: body.version ?? undefined, descending, firstResult, maxResults })).map(entryDto));
    },
  }),
];
