import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-dmn/${name}`, import.meta.url), 'utf8');

/** A business-rule task over the dish decision (which requires `season` and `guestCount`), then a user task. */
const dishProcess = bpmnXml(
  'dishProcess',
  `<startEvent id="start"/>
   <businessRuleTask id="decide" camunda:decisionRef="dish-decision" camunda:resultVariable="result" camunda:mapDecisionResult="singleEntry"/>
   <userTask id="wait"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
   <sequenceFlow id="f2" sourceRef="decide" targetRef="wait"/>`,
);

describe('historic decision instances (HistoricDecisionInstanceRestServiceInteractionTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let processInstanceId: string;
  const variables = { temperature: { value: 35, type: 'Integer' }, dayType: { value: 'WeekDay', type: 'String' } };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'dish.bpmn': dishProcess, 'drg.dmn': fixture('drg.dmn') })).status).toBe(200);
    const started = await api.post('/process-definition/key/dishProcess/start', { variables });
    expect(started.status).toBe(200);
    processInstanceId = started.body.id;
  });
  afterAll(() => runtime?.stop());

  it('records what a business-rule task evaluated: the decision and the decisions it required, tied to the task', async () => {
    // when
    const listed = await api.get(`/history/decision-instance?processInstanceId=${processInstanceId}&sortBy=evaluationTime&sortOrder=asc`);

    // then
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(3);
    const dish = listed.body.find((one: { decisionDefinitionKey: string }) => one.decisionDefinitionKey === 'dish-decision');
    const definitionId = (await api.get('/decision-definition/key/dish-decision')).body.id;
    expect(dish).toMatchObject({
      decisionDefinitionId: definitionId,
      decisionDefinitionName: 'Dish Decision',
      processDefinitionKey: 'dishProcess',
      processInstanceId,
      rootProcessInstanceId: processInstanceId,
      activityId: 'decide',
      rootDecisionInstanceId: null,
      userId: null,
      inputs: null,
      outputs: null,
      collectResultValue: null,
      caseInstanceId: null,
      decisionRequirementsDefinitionKey: 'dish',
    });
    expect(dish.evaluationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
    const required = listed.body.filter((one: { id: string }) => one.id !== dish.id);
    expect(required.map((one: { decisionDefinitionKey: string }) => one.decisionDefinitionKey).sort()).toEqual(['guestCount', 'season']);
    for (const one of required) expect(one).toMatchObject({ rootDecisionInstanceId: dish.id, activityInstanceId: dish.activityInstanceId });
  });

  it('shows the inputs and the matching rules’ outputs when asked for', async () => {
    // given
    const [season] = (await api.get(`/history/decision-instance?processInstanceId=${processInstanceId}&decisionDefinitionKey=season`)).body;

    // when
    const detailed = await api.get(`/history/decision-instance/${season.id}?includeInputs=true&includeOutputs=true`);

    // then
    expect(detailed.status).toBe(200);
    expect(detailed.body.inputs).toEqual([
      expect.objectContaining({ decisionInstanceId: season.id, clauseId: 'temperatureInput', clauseName: 'Weather in Celsius', type: 'Integer', value: 35, valueInfo: {}, errorMessage: null }),
    ]);
    expect(detailed.body.outputs).toEqual([
      expect.objectContaining({ clauseId: 'seasonOutput', clauseName: 'season', ruleId: 'row-495762709-5', ruleOrder: 1, variableName: 'season', type: 'String', value: 'Summer' }),
    ]);
  });

  it('records an evaluation over REST without a process, and filters by root, definition and time', async () => {
    // given
    const before = (await api.get('/history/decision-instance/count')).body.count;

    // when
    const evaluated = await api.post('/decision-definition/key/season/evaluate', { variables: { temperature: { value: 40, type: 'Integer' } } });

    // then
    expect(evaluated.status).toBe(200);
    expect((await api.get('/history/decision-instance/count')).body).toEqual({ count: before + 1 });
    const [own] = (await api.get('/history/decision-instance?decisionDefinitionKey=season&sortBy=evaluationTime&sortOrder=desc&maxResults=1&includeOutputs=true')).body;
    expect(own).toMatchObject({ processInstanceId: null, activityId: null, rootDecisionInstanceId: null, outputs: [expect.objectContaining({ value: 'Summer' })] });
    expect((await api.get('/history/decision-instance/count?rootDecisionInstancesOnly=true')).body).toEqual({ count: 2 });
    const [dish] = (await api.get('/history/decision-instance?decisionDefinitionKey=dish-decision')).body;
    expect((await api.get(`/history/decision-instance/count?rootDecisionInstanceId=${dish.id}`)).body).toEqual({ count: 3 });
    expect((await api.get('/history/decision-instance/count?decisionDefinitionNameLike=%25Count')).body).toEqual({ count: 1 });
    expect((await api.get('/history/decision-instance/count?evaluatedAfter=2999-01-01T00:00:00.000%2B0000')).body).toEqual({ count: 0 });
    expect((await api.get('/history/decision-instance/count?caseInstanceId=any')).body).toEqual({ count: 0 });
    expect((await api.get('/history/decision-instance?firstResult=1&maxResults=2')).body).toHaveLength(2);
  });

  it("answers Camunda's errors: an unknown id 404, a bad sort 400", async () => {
    expect(await api.get('/history/decision-instance/no-such-id')).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: "Historic decision instance with id 'no-such-id' does not exist" },
    });
    expect((await api.get('/history/decision-instance?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
    expect((await api.get('/history/decision-instance?sortBy=evaluationTime')).status).toBe(400);
  });
});
