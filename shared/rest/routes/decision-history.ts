import * as z from 'zod/v4';
import { countDecisionHistory, DECISION_HISTORY_SORT_KEYS, getDecisionHistory, type HistoricDecisionRecord, type HistoricDecisionValue, queryDecisionHistory } from '../../app/decision-history.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingOf, sortingParams } from '../query-params.ts';
import { route, type Route } from '../router.ts';
import { toVariableDto } from '../variables.ts';

const date = () => qs.of((raw) => parseDate(raw));

/** Camunda's HistoricDecisionInstanceQueryDto. */
const FilterParams = z.object({
  decisionInstanceId: qs.string(),
  decisionInstanceIdIn: qs.list(),
  decisionDefinitionId: qs.string(),
  decisionDefinitionIdIn: qs.list(),
  decisionDefinitionKey: qs.string(),
  decisionDefinitionKeyIn: qs.list(),
  decisionDefinitionName: qs.string(),
  decisionDefinitionNameLike: qs.string(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  processInstanceId: qs.string(),
  caseDefinitionId: qs.string(),
  caseDefinitionKey: qs.string(),
  caseInstanceId: qs.string(),
  activityIdIn: qs.list(),
  activityInstanceIdIn: qs.list(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  evaluatedBefore: date(),
  evaluatedAfter: date(),
  userId: qs.string(),
  rootDecisionInstanceId: qs.string(),
  rootDecisionInstancesOnly: qs.boolean(),
  decisionRequirementsDefinitionId: qs.string(),
  decisionRequirementsDefinitionKey: qs.string(),
});
/** What to show: inputs and outputs only when asked for; the value options change nothing here (no binary or custom serialized values). */
const DetailParams = {
  includeInputs: qs.boolean(),
  includeOutputs: qs.boolean(),
  disableBinaryFetching: qs.boolean(),
  disableCustomObjectDeserialization: qs.boolean(),
};
const ListParams = z.object({ ...sortingParams(DECISION_HISTORY_SORT_KEYS), ...FilterParams.shape, ...DetailParams, ...pagingParams });
const CountParams = z.object({ ...sortingParams(DECISION_HISTORY_SORT_KEYS), ...FilterParams.shape, ...DetailParams });
const SingleParams = z.object(DetailParams);

type Detail = { includeInputs?: boolean; includeOutputs?: boolean };

const valueDto = (value: HistoricDecisionValue) => toVariableDto({ type: value.type as never, value: value.value });

/** Camunda's HistoricDecisionInstanceDto: inputs and outputs are null unless included. */
function historicDecisionDto(record: HistoricDecisionRecord, detail: Detail) {
  const common = { decisionInstanceId: record.id, errorMessage: null, createTime: formatDate(record.evaluationTime), removalTime: null, rootProcessInstanceId: record.rootProcessInstanceId };
  return {
    id: record.id,
    decisionDefinitionId: record.decisionDefinitionId,
    decisionDefinitionKey: record.decisionDefinitionKey,
    decisionDefinitionName: record.decisionDefinitionName,
    evaluationTime: formatDate(record.evaluationTime),
    removalTime: null,
    processDefinitionId: record.processDefinitionId,
    processDefinitionKey: record.processDefinitionKey,
    processInstanceId: record.processInstanceId,
    caseDefinitionId: null,
    caseDefinitionKey: null,
    caseInstanceId: null,
    activityId: record.activityId,
    activityInstanceId: record.activityInstanceId,
    tenantId: record.tenantId,
    userId: record.userId,
    inputs: detail.includeInputs ? record.inputs.map((input) => ({ id: input.id, clauseId: input.clauseId, clauseName: input.clauseName, ...common, ...valueDto(input.value) })) : null,
    outputs: detail.includeOutputs
      ? record.outputs.map((output) => ({
          id: output.id,
          clauseId: output.clauseId,
          clauseName: output.clauseName,
          ruleId: output.ruleId,
          ruleOrder: output.ruleOrder,
          variableName: output.variableName,
          ...common,
          ...valueDto(output.value),
        }))
      : null,
    collectResultValue: record.collectResultValue,
    rootDecisionInstanceId: record.rootDecisionInstanceId,
    rootProcessInstanceId: record.rootProcessInstanceId,
    decisionRequirementsDefinitionId: record.decisionRequirementsDefinitionId,
    decisionRequirementsDefinitionKey: record.decisionRequirementsDefinitionKey,
  };
}

export const decisionHistoryRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/decision-instance',
    handler: async (ctx) => {
      const {
        sortBy,
        sortOrder,
        firstResult,
        maxResults,
        includeInputs,
        includeOutputs,
        disableBinaryFetching: _b,
        disableCustomObjectDeserialization: _d,
        ...filter
      } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryDecisionHistory(ctx.app, ctx.auth, { filter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(
        200,
        found.map((record) => historicDecisionDto(record, { includeInputs, includeOutputs })),
      );
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/decision-instance/count',
    handler: async (ctx) => {
      const { sort: _sort, includeInputs: _i, includeOutputs: _o, disableBinaryFetching: _b, disableCustomObjectDeserialization: _d, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countDecisionHistory(ctx.app, ctx.auth, filter) });
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/decision-instance/{id}',
    handler: async (ctx) => {
      const detail = readQuery(ctx.req, SingleParams);
      return json(200, historicDecisionDto(await getDecisionHistory(ctx.app, ctx.auth, { id: ctx.params.id }), detail));
    },
  }),
];
