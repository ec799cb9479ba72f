import {
  countHistoricProcessInstances,
  deleteHistoricProcessInstance,
  historicDurationReport,
  getHistoricProcessInstance,
  HISTORIC_INSTANCE_SORT_KEYS,
  type HistoricInstanceFilter,
  type HistoricProcessInstance,
  queryHistoricProcessInstances,
} from '../../app/history.ts';
import { historicProcessInstanceDto } from '../dto.ts';
import { json, noContent } from '../http.ts';
import { attachmentHeader } from '../attachment.ts';
import { parseDate } from '../dates.ts';
import { invalidRequest } from '../errors.ts';
import { notValid } from '../../engine/errors.ts';
import * as z from 'zod/v4';
import { bodyFilters, firstSorting, pagingParams, qs, readQuery, SortingList, sorted, sortingParams } from '../query-params.ts';
import { readBody, type Route, route } from '../router.ts';

/** Sorting first, then the filters, as Camunda reports the first bad parameter. */
const HistoryQueryParams = z.object({
  ...sortingParams(HISTORIC_INSTANCE_SORT_KEYS),
  processInstanceId: qs.string(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  processInstanceBusinessKey: qs.string(),
  finished: qs.boolean(),
  unfinished: qs.boolean(),
  state: qs.string(),
  superProcessInstanceId: qs.string(),
  subProcessInstanceId: qs.string(),
  rootProcessInstanceId: qs.string(),
  rootProcessInstances: qs.boolean(),
});
const HistoryListParams = z.object({ ...HistoryQueryParams.shape, ...pagingParams });

/** The same filters as a JSON body (Camunda's HistoricProcessInstanceQueryDto), `sorting` as a list whose first known entry orders. */
export const HistoryQueryBody = z
  .object({
    processInstanceId: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    processInstanceBusinessKey: z.string().nullish(),
    finished: z.boolean().nullish(),
    unfinished: z.boolean().nullish(),
    state: z.string().nullish(),
    superProcessInstanceId: z.string().nullish(),
    subProcessInstanceId: z.string().nullish(),
    rootProcessInstanceId: z.string().nullish(),
    rootProcessInstances: z.boolean().nullish(),
    sorting: SortingList,
  })
  .passthrough();
type SortKey = (typeof HISTORIC_INSTANCE_SORT_KEYS)[number];

export function fromQueryBody(body: z.infer<typeof HistoryQueryBody>): HistoricInstanceFilter & { sort?: { by: SortKey; descending: boolean } } {
  const { sorting, ...fields } = body;
  return { ...bodyFilters<HistoricInstanceFilter>(fields, HistoryQueryParams.shape), sort: firstSorting(sorting, HISTORIC_INSTANCE_SORT_KEYS) };
}

/** Camunda's HistoricProcessInstanceReportDto: periodUnit through its enum converter. */
const PERIOD_UNITS = ['MONTH', 'QUARTER'] as const;
const ReportParams = z.object({
  reportType: qs.string(),
  periodUnit: qs.of(
    (raw) => ((PERIOD_UNITS as readonly string[]).includes(raw.toUpperCase()) ? (raw.toUpperCase() as (typeof PERIOD_UNITS)[number]) : undefined),
    (raw) => `: Cannot convert value ${raw} to java enum type org.camunda.bpm.engine.query.PeriodUnit`,
  ),
  processDefinitionIdIn: qs.list(),
  processDefinitionKeyIn: qs.list(),
  startedBefore: qs.of((raw) => parseDate(raw)),
  startedAfter: qs.of((raw) => parseDate(raw)),
});

const dto = ({ item, definitionVersion }: HistoricProcessInstance) => historicProcessInstanceDto(item, definitionVersion);

export const historyRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/process-instance',
    handler: async ({ req, app, auth }) => {
      return json(200, (await queryHistoricProcessInstances(app, auth, sorted(readQuery(req, HistoryListParams)))).map(dto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/process-instance/count',
    handler: async ({ req, app, auth }) => json(200, { count: await countHistoricProcessInstances(app, auth, sorted(readQuery(req, HistoryQueryParams))) }),
  }),
  route({
    method: 'POST',
    pattern: '/history/process-instance',
    handler: async ({ req, app, auth }) => {
      const paging = readQuery(req, z.object(pagingParams));
      return json(200, (await queryHistoricProcessInstances(app, auth, { ...fromQueryBody(readBody(req, HistoryQueryBody)), ...paging })).map(dto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/process-instance/count',
    handler: async ({ req, app, auth }) => json(200, { count: await countHistoricProcessInstances(app, auth, fromQueryBody(readBody(req, HistoryQueryBody))) }),
  }),
  route({
    method: 'GET',
    pattern: '/history/process-instance/report',
    handler: async (ctx) => {
      const query = readQuery(ctx.req, ReportParams);
      if (query.reportType !== 'duration') throw invalidRequest(`Unknown report type ${query.reportType ?? null}`);
      if (!query.periodUnit) throw notValid('periodUnit is null');
      const rows = await historicDurationReport(ctx.app, ctx.auth, {
        periodUnit: query.periodUnit,
        ...(query.processDefinitionIdIn ? { processDefinitionIdIn: query.processDefinitionIdIn } : {}),
        ...(query.processDefinitionKeyIn ? { processDefinitionKeyIn: query.processDefinitionKeyIn } : {}),
        ...(query.startedBefore !== undefined ? { startedBefore: query.startedBefore } : {}),
        ...(query.startedAfter !== undefined ? { startedAfter: query.startedAfter } : {}),
      });
      const accept = ctx.req.headers.accept ?? '';
      if (/\b(text|application)\/csv\b/.test(accept) && !accept.includes('application/json')) {
        const csv = ['PERIOD,PERIOD_UNIT,MINIMUM,MAXIMUM,AVERAGE', ...rows.map((r) => `${r.period},${r.periodUnit},${r.minimum},${r.maximum},${r.average}`)].join('\n');
        return {
          status: 200,
          rawBody: csv,
          headers: { 'content-type': accept.includes('application/csv') ? 'application/csv' : 'text/csv', 'content-disposition': attachmentHeader('process-instance-report.csv') },
        };
      }
      return json(200, rows);
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/history/process-instance/{id}',
    handler: async (ctx) => {
      const { failIfNotExists } = readQuery(ctx.req, z.object({ failIfNotExists: qs.boolean() }));
      await deleteHistoricProcessInstance(ctx.app, ctx.auth, { id: ctx.params.id, failIfNotExists: failIfNotExists ?? true });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/history/process-instance/{id}', handler: async ({ params, app, auth }) => json(200, dto(await getHistoricProcessInstance(app, auth, { id: params.id }))) }),
];
