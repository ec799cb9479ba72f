import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-dmn/${name}`, import.meta.url), 'utf8');

/** A one-decision FEEL table whose output has no typeRef (untyped) beside a typed one. */
const SCORE_DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="scoring" name="Scoring" namespace="http://example.com/scoring">
  <decision id="score" name="Score" camunda:versionTag="v7" camunda:historyTimeToLive="P30D">
    <decisionTable id="scoreTable" hitPolicy="COLLECT">
      <input id="amountInput" label="Amount"><inputExpression id="amountExpr" typeRef="double"><text>amount</text></inputExpression></input>
      <output id="levelOutput" name="level" typeRef="string"/>
      <output id="pointsOutput" name="points"/>
      <rule id="small"><inputEntry id="e1"><text>&lt; 100</text></inputEntry><outputEntry id="o1"><text>"small"</text></outputEntry><outputEntry id="p1"><text>1</text></outputEntry></rule>
      <rule id="any"><inputEntry id="e2"><text>-</text></inputEntry><outputEntry id="o2"><text>"any"</text></outputEntry><outputEntry id="p2"><text>amount * 2</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

describe('decision definitions over REST (DecisionDefinitionRestServiceInteractionTest, DecisionDefinitionQueryTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let drgDeployment: {
    id: string;
    deployedDecisionDefinitions: Record<string, { id: string; key: string }>;
    deployedDecisionRequirementsDefinitions: Record<string, { id: string; key: string }> | null;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const drg = await api.deploy({ 'drg.dmn': fixture('drg.dmn'), 'drg.png': 'not really a png' }, { 'deployment-name': 'dishes' });
    expect(drg.status).toBe(200);
    drgDeployment = drg.body;
    expect((await api.deploy({ 'score.dmn': SCORE_DMN }, { 'deployment-name': 'scoring' })).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('deploys every decision of a DMN resource: versions, a decision requirements graph for several, the DTO fields', async () => {
    const deployed = Object.values(drgDeployment.deployedDecisionDefinitions);
    expect(deployed.map((d) => d.key).sort()).toEqual(['dish-decision', 'guestCount', 'season']);
    const dish = (await api.get('/decision-definition/key/dish-decision')).body;
    expect(dish).toEqual({
      id: expect.stringMatching(/^dish-decision:1:/),
      key: 'dish-decision',
      category: 'test-drg',
      name: 'Dish Decision',
      version: 1,
      resource: 'drg.dmn',
      deploymentId: drgDeployment.id,
      tenantId: null,
      decisionRequirementsDefinitionId: expect.stringMatching(/^dish:1:/),
      decisionRequirementsDefinitionKey: 'dish',
      historyTimeToLive: null,
      versionTag: null,
    });
    // A resource with a single decision has no decision requirements graph (Camunda persists none).
    const score = (await api.get('/decision-definition/key/score')).body;
    expect(score).toMatchObject({ decisionRequirementsDefinitionId: null, decisionRequirementsDefinitionKey: null, versionTag: 'v7', historyTimeToLive: 30, category: 'http://example.com/scoring' });

    const again = await api.deploy({ 'score.dmn': SCORE_DMN.replace('<text>"small"</text>', '<text>"tiny"</text>') }, { 'deployment-name': 'scoring' });
    expect(Object.values(again.body.deployedDecisionDefinitions as Record<string, { version: number }>)[0]!.version).toBe(2);
    expect((await api.get('/decision-definition/key/score')).body.version).toBe(2);
  });

  it('queries with Camunda’s filters, sorting and count; refuses latestVersion with an id', async () => {
    expect((await api.get('/decision-definition?key=score&sortBy=version&sortOrder=desc')).body.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    expect((await api.get('/decision-definition?latestVersion=true&keyLike=s%25')).body.map((d: { key: string }) => d.key).sort()).toEqual(['score', 'season']);
    expect((await api.get('/decision-definition/count?decisionRequirementsDefinitionKey=dish')).body).toEqual({ count: 3 });
    expect((await api.get('/decision-definition/count?withoutDecisionRequirementsDefinition=true')).body).toEqual({ count: 2 });
    expect((await api.get('/decision-definition?versionTagLike=v%25&resourceName=score.dmn')).body).toHaveLength(2);
    expect((await api.get('/decision-definition?nameLike=%25Count')).body.map((d: { key: string }) => d.key)).toEqual(['guestCount']);
    expect(await api.get('/decision-definition?sortBy=color&sortOrder=asc')).toMatchObject({ status: 400, body: { type: 'InvalidRequestException' } });
    expect(await api.get('/decision-definition?latestVersion=true&decisionDefinitionId=x')).toMatchObject({
      status: 400,
      body: { type: 'NotValidException', message: 'Calling latest() can only be used in combination with key(String) and keyLike(String)' },
    });
  });

  it('answers Camunda’s not-found messages by id, key and tenant', async () => {
    expect(await api.get('/decision-definition/nope')).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: "no deployed decision definition found with id 'nope': decisionDefinition is null" },
    });
    expect(await api.get('/decision-definition/key/nope')).toMatchObject({ status: 404, body: { type: 'RestException', message: 'No matching decision definition with key: nope and no tenant-id' } });
    expect(await api.get('/decision-definition/key/score/tenant-id/t1')).toMatchObject({ status: 404, body: { message: 'No matching decision definition with key: score and tenant-id: t1' } });
  });

  it('gives the resource’s XML and the deployment’s diagram of the decision (204 without)', async () => {
    const dish = (await api.get('/decision-definition/key/dish-decision')).body;
    const xml = await api.get(`/decision-definition/${dish.id}/xml`);
    expect(xml).toMatchObject({ status: 200, body: { id: dish.id, dmnXml: fixture('drg.dmn') } });
    const image = await fetch(`${runtime.url}/decision-definition/key/dish-decision/diagram`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(await image.text()).toBe('not really a png');
    expect((await fetch(`${runtime.url}/decision-definition/key/score/diagram`)).status).toBe(204);
  });

  it('evaluates a decision with its required decisions; typed and untyped outputs as Camunda’s variable DTOs', async () => {
    const dish = await api.post('/decision-definition/key/dish-decision/evaluate', {
      variables: { temperature: { value: 35, type: 'Integer' }, dayType: { value: 'WeekDay', type: 'String' } },
    });
    expect(dish).toEqual({ status: 200, body: [{ desiredDish: { type: 'String', value: 'Steak', valueInfo: {} } }] });
    const score = await api.post('/decision-definition/key/score/evaluate', { variables: { amount: { value: 40, type: 'Double' } } });
    expect(score.body).toEqual([
      { level: { type: 'String', value: 'tiny', valueInfo: {} }, points: { type: null, value: 1, valueInfo: null } },
      { level: { type: 'String', value: 'any', valueInfo: {} }, points: { type: null, value: 80, valueInfo: null } },
    ]);
    expect((await api.post('/decision-definition/key/score/evaluate', { variables: { amount: { value: 400, type: 'Double' } } })).body).toHaveLength(1);
  });

  it('answers a failing evaluation as Camunda’s resource does: a 500 naming the decision, the DMN error logged as its cause', async () => {
    const score = (await api.get('/decision-definition/key/score')).body;
    // "abc" does not convert to the input's double: DMN-01005 inside.
    const failed = await api.post(`/decision-definition/${score.id}/evaluate`, { variables: { amount: { value: 'abc', type: 'String' } } });
    expect(failed).toEqual({ status: 500, body: { type: 'RestException', message: `Cannot evaluate decision ${score.id}: Exception while evaluating decision with key 'null'`, code: 0 } });
    expect(await api.post('/decision-definition/nope/evaluate', { variables: {} })).toMatchObject({ status: 404 });
  });

  it('sets the history time to live: a whole number of days; negative and null refused', async () => {
    expect((await api.put('/decision-definition/key/season/history-time-to-live', { historyTimeToLive: 12 })).status).toBe(204);
    expect((await api.get('/decision-definition/key/season')).body.historyTimeToLive).toBe(12);
    expect(await api.put('/decision-definition/key/season/history-time-to-live', { historyTimeToLive: -1 })).toMatchObject({
      status: 400,
      body: { type: 'BadUserRequestException', message: 'historyTimeToLive is not greater than or equal to 0' },
    });
    expect(await api.put('/decision-definition/key/season/history-time-to-live', { historyTimeToLive: null })).toMatchObject({
      status: 400,
      body: { type: 'NotAllowedException', message: 'Null historyTimeToLive values are not allowed' },
    });
  });

  it('refuses a DMN resource Camunda cannot transform, whole, with ENGINE-22004 and the element named', async () => {
    const refused = await api.deploy({ 'loop.dmn': fixture('LoopInRequiredDecision.dmn'), 'ok.dmn': SCORE_DMN.replace(/score/g, 'other') });
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ type: 'ProcessEngineException', code: 0 });
    expect(refused.body.message).toMatch(/^ENGINE-22004 Unable to transform DMN resource 'loop\.dmn'\. .*DMN-02015 The decision '.+' has a loop\./s);
    // Nothing of the deployment was written.
    expect((await api.get('/decision-definition/count?key=other')).body).toEqual({ count: 0 });
    // One key twice in one deployment, across its resources: Camunda's refusal.
    const twice = await api.deploy({ 'a.dmn': SCORE_DMN.replace(/score/g, 'twice'), 'b.dmn': SCORE_DMN.replace(/score/g, 'twice') });
    expect(twice).toMatchObject({ status: 400, body: { message: "The deployment contains definitions with the same key 'twice' (id attribute), this is not allowed" } });
    expect((await api.get('/decision-definition/count?key=twice')).body).toEqual({ count: 0 });
  });

  it('removes the decisions with their deployment', async () => {
    const temporary = await api.deploy({ 'gone.dmn': SCORE_DMN.replace(/score/g, 'gone') }, { 'deployment-name': 'temporary' });
    expect((await api.get('/decision-definition/count?key=gone')).body).toEqual({ count: 1 });
    expect((await api.delete(`/deployment/${temporary.body.id}`)).status).toBe(204);
    expect((await api.get('/decision-definition/count?key=gone')).body).toEqual({ count: 0 });
  });
  it('keeps the decision requirements graph of a resource with several decisions (DecisionRequirementsDefinitionRestServiceInteractionTest)', async () => {
    const [graph] = Object.values(drgDeployment.deployedDecisionRequirementsDefinitions ?? {});
    expect(graph).toEqual({ id: expect.stringMatching(/^dish:1:/), key: 'dish', category: 'test-drg', name: 'Dish', version: 1, resource: 'drg.dmn', deploymentId: drgDeployment.id, tenantId: null });
    expect((await api.get('/decision-requirements-definition/key/dish')).body).toEqual(graph);
    expect((await api.get(`/decision-requirements-definition/${graph!.id}/xml`)).body).toEqual({ id: graph!.id, dmnXml: fixture('drg.dmn') });
    expect((await fetch(`${runtime.url}/decision-requirements-definition/key/dish/diagram`)).headers.get('content-type')).toBe('image/png');
    // One decision, no graph: the scoring deployment added none.
    expect((await api.get('/decision-requirements-definition')).body.map((g: { key: string }) => g.key)).toEqual(['dish']);
    expect((await api.get('/decision-requirements-definition/count?keyLike=d%25&latestVersion=true')).body).toEqual({ count: 1 });
    expect((await api.get('/decision-requirements-definition/count?name=Other')).body).toEqual({ count: 0 });
    expect(await api.get('/decision-requirements-definition/nope')).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: "no deployed decision requirements definition found with id 'nope': decisionRequirementsDefinition is null" },
    });
    expect(await api.get('/decision-requirements-definition/key/nope')).toMatchObject({
      status: 404,
      body: { type: 'RestException', message: 'No matching decision requirements definition with key: nope and no tenant-id' },
    });
  });
});
