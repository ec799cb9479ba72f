import { countHistoricProcessInstances, getHistoricProcessInstance, HISTORIC_INSTANCE_SORT_KEYS, type HistoricProcessInstance, queryHistoricProcessInstances } from '../../app/history.ts';
import { historicProcessInstanceDto } from '../dto.ts';
import { json } from '../http.ts';
import * as z from 'zod/v4';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { type Route, route } from '../router.ts';

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
  route({ method: 'GET', pattern: '/history/process-instance/{id}', handler: async ({ params, app, auth }) => json(200, dto(await getHistoricProcessInstance(app, auth, { id: params.id }))) }),
];
