import {
  countHistoricProcessInstances,
  getHistoricProcessInstance,
  HISTORIC_INSTANCE_SORT_KEYS,
  type HistoricInstanceFilter,
  type HistoricProcessInstance,
  queryHistoricProcessInstances,
} from '../../app/history.ts';
import { historicProcessInstanceDto } from '../dto.ts';
import { json } from '../http.ts';
import { booleanParam, pagingParams, sorting, stringParam } from '../query-params.ts';
import { type Route, route } from '../router.ts';

type Query = Record<string, string | undefined>;

/** Sorting first, then the filters, as Camunda reports the first bad parameter. */
function historyQuery(q: Query) {
  const sort = sorting(q, HISTORIC_INSTANCE_SORT_KEYS);
  const filter: HistoricInstanceFilter = {
    processInstanceId: stringParam(q, 'processInstanceId'),
    processDefinitionId: stringParam(q, 'processDefinitionId'),
    processDefinitionKey: stringParam(q, 'processDefinitionKey'),
    processInstanceBusinessKey: stringParam(q, 'processInstanceBusinessKey'),
    finished: booleanParam(q, 'finished'),
    unfinished: booleanParam(q, 'unfinished'),
    state: stringParam(q, 'state'),
  };
  return { ...filter, sort };
}

const dto = ({ item, definitionVersion }: HistoricProcessInstance) => historicProcessInstanceDto(item, definitionVersion);

export const historyRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/process-instance',
    handler: async ({ req, app, auth }) => {
      const query = historyQuery(req.query);
      return json(200, (await queryHistoricProcessInstances(app, auth, { ...query, ...pagingParams(req.query) })).map(dto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/process-instance/count',
    handler: async ({ req, app, auth }) => json(200, { count: await countHistoricProcessInstances(app, auth, historyQuery(req.query)) }),
  }),
  route({ method: 'GET', pattern: '/history/process-instance/{id}', handler: async ({ params, app, auth }) => json(200, dto(await getHistoricProcessInstance(app, auth, { id: params.id }))) }),
];
