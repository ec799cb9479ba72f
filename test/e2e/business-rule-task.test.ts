import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-dmn/${name}`, import.meta.url), 'utf8');
/** One of Camunda's DmnBusinessRuleTaskTest processes under a key of its own (they all use `testProcess`). */
const processAs = (name: string, key: string) => fixture(`DmnBusinessRuleTaskTest.${name}.bpmn20.xml`).replace('id="testProcess"', `id="${key}"`);
const OKAY = fixture('DmnBusinessRuleTaskTest.testDecisionOkay.dmn11.xml');
const NOT_OKAY = fixture('DmnBusinessRuleTaskTest.testDecisionNotOkay.dmn11.xml');

/** A business-rule task over the dish decisions, its result mapped as asked, then a user task. */
const dishProcess = (key: string, mapping: string, decisionRef = 'dish-decision') =>
  bpmnXml(
    key,
    `<startEvent id="start"/>
     <businessRuleTask id="decide" camunda:decisionRef="${decisionRef}" camunda:resultVariable="result" camunda:mapDecisionResult="${mapping}"/>
     <userTask id="wait"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
     <sequenceFlow id="f2" sourceRef="decide" targetRef="wait"/>`,
  );

describe('business-rule tasks evaluating DMN decisions (DmnBusinessRuleTaskTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const start = async (key: string, variables: Record<string, { value: unknown; type: string }> = {}) => api.post(`/process-definition/key/${key}/start`, { variables });
  const resultOf = async (processInstanceId: string) => (await api.get(`/process-instance/${processInstanceId}/variables/result`)).body;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('evaluates the decision named by camunda:decisionRef into the result variable (decisionRef, testDmn13Decision)', async () => {
    expect((await api.deploy({ 'process.bpmn': processAs('testDecisionRef', 'refProcess'), 'okay.dmn11.xml': OKAY })).status).toBe(200);
    const started = await start('refProcess');
    expect(started.status).toBe(200);
    expect(await resultOf(started.body.id)).toEqual({ type: 'String', value: 'okay', valueInfo: {} });
  });

  it('binds to the latest version, to the process’s own deployment, or to a version (decisionRef…Binding)', async () => {
    expect(
      (
        await api.deploy({
          'latest.bpmn': processAs('testDecisionRefLatestBinding', 'latestProcess'),
          'deployment.bpmn': processAs('testDecisionRefDeploymentBinding', 'deploymentProcess'),
          'okay.dmn11.xml': OKAY,
        })
      ).status,
    ).toBe(200);
    expect((await api.deploy({ 'not-okay.dmn11.xml': NOT_OKAY })).status).toBe(200);
    expect(await resultOf((await start('latestProcess')).body.id)).toMatchObject({ value: 'not okay' });
    expect(await resultOf((await start('deploymentProcess')).body.id)).toMatchObject({ value: 'okay' });
    // testDecision's versions: 1 and 2 OKAY (the first test's deployment and this one's), 3 NOT_OKAY, and now 4 OKAY.
    const version3 = processAs('testDecisionRefVersionBinding', 'versionProcess').replace('camunda:decisionRefVersion="2"', 'camunda:decisionRefVersion="3"');
    expect((await api.deploy({ 'version.bpmn': version3 })).status).toBe(200);
    expect((await api.deploy({ 'okay-again.dmn11.xml': OKAY })).status).toBe(200);
    expect(await resultOf((await start('versionProcess')).body.id)).toMatchObject({ value: 'not okay' });
    expect(await resultOf((await start('latestProcess')).body.id)).toMatchObject({ value: 'okay' });
  });

  it('maps the result as camunda:mapDecisionResult says: singleEntry, singleResult, collectEntries, resultList', async () => {
    const processes = {
      'single-entry.bpmn': dishProcess('singleEntryDish', 'singleEntry'),
      'single-result.bpmn': dishProcess('singleResultDish', 'singleResult'),
      'collect.bpmn': dishProcess('collectSeasons', 'collectEntries', 'season'),
      'list.bpmn': dishProcess('listDish', 'resultList'),
    };
    expect((await api.deploy({ ...processes, 'drg.dmn': fixture('drg.dmn') })).status).toBe(200);
    const variables = { temperature: { value: 35, type: 'Integer' }, dayType: { value: 'WeekDay', type: 'String' } };
    expect(await resultOf((await start('singleEntryDish', variables)).body.id)).toEqual({ type: 'String', value: 'Steak', valueInfo: {} });
    expect(await resultOf((await start('singleResultDish', variables)).body.id)).toMatchObject({ type: 'Object', value: JSON.stringify({ desiredDish: 'Steak' }) });
    expect(await resultOf((await start('collectSeasons', variables)).body.id)).toMatchObject({ type: 'Object', value: JSON.stringify(['Summer']) });
    expect(await resultOf((await start('listDish', variables)).body.id)).toMatchObject({ type: 'Object', value: JSON.stringify([{ desiredDish: 'Steak' }]) });
    // Nothing matched: singleEntry gives null, the list mappings an empty list.
    const none = { temperature: { value: 35, type: 'Integer' }, dayType: { value: 'Holiday', type: 'String' } };
    expect(await resultOf((await start('singleEntryDish', none)).body.id)).toMatchObject({ type: 'Null', value: null });
    expect(await resultOf((await start('listDish', none)).body.id)).toMatchObject({ value: '[]' });
  });

  it('fails the start, rolling it back, when no decision is deployed or the result does not fit the mapping', async () => {
    expect((await api.deploy({ 'missing.bpmn': dishProcess('missingDecision', 'singleEntry', 'no-such-decision') })).status).toBe(200);
    const missing = await start('missingDecision');
    const definitionId = (await api.get('/process-definition/key/missingDecision')).body.id;
    expect(missing).toMatchObject({
      status: 500,
      body: {
        type: 'RestException',
        message: `Cannot instantiate process definition ${definitionId}: no decision definition deployed with key 'no-such-decision' and tenant-id 'null': decisionDefinition is null`,
      },
    });
    expect((await api.get('/process-instance/count?processDefinitionKey=missingDecision')).body).toEqual({ count: 0 });

    // Two outputs where singleEntry wants one: Camunda's ENGINE-22001.
    const twoOutputs = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="two" name="two" namespace="x">
  <decision id="twoOutputs" name="Two"><decisionTable id="t"><output id="o1" name="a" typeRef="string"/><output id="o2" name="b" typeRef="string"/>
    <rule id="r"><outputEntry id="e1"><text>"x"</text></outputEntry><outputEntry id="e2"><text>"y"</text></outputEntry></rule></decisionTable></decision>
</definitions>`;
    expect((await api.deploy({ 'two.dmn': twoOutputs, 'two.bpmn': dishProcess('twoOutputsProcess', 'singleEntry', 'twoOutputs') })).status).toBe(200);
    const refused = await start('twoOutputsProcess');
    expect(refused).toMatchObject({ status: 500, body: { type: 'RestException' } });
    expect(refused.body.message).toMatch(/^Cannot instantiate process definition .*: ENGINE-22001 The decision result mapper 'SingleEntryDecisionResultMapper' failed to process/);
  });

  it('refuses at deployment what it cannot resolve before running: a decisionRef expression, a version binding without version', async () => {
    const expression = await api.deploy({ 'expression.bpmn': fixture('DmnBusinessRuleTaskTest.testDecisionRefExpression.bpmn20.xml') });
    expect(expression).toMatchObject({ status: 400, body: { type: 'ParseException' } });
    expect(expression.body.message).toContain("camunda:decisionRef '${decision}' of business rule task 'task' is an expression; only a constant is supported");
    const noVersion = await api.deploy({ 'no-version.bpmn': dishProcess('noVersion', 'singleEntry').replace('camunda:decisionRef=', 'camunda:decisionRefBinding="version" camunda:decisionRef=') });
    expect(noVersion.body.message).toContain("Missing attribute 'decisionRefVersion' when 'decisionRefBinding' has value 'version'");
  });
  it('binds by version tag; none or several with the tag fail the start with Camunda’s messages (decisionRefVersionTagBinding…)', async () => {
    const tagged = (tag: string, answer: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="tagged" name="tagged" namespace="x">
  <decision id="taggedDecision" name="t" camunda:versionTag="${tag}"><decisionTable id="t"><output id="o" name="result"/><rule id="r"><outputEntry id="e"><text>"${answer}"</text></outputEntry></rule></decisionTable></decision>
</definitions>`;
    const process = dishProcess('taggedProcess', 'singleEntry', 'taggedDecision').replace(
      'camunda:decisionRef=',
      'camunda:decisionRefBinding="versionTag" camunda:decisionRefVersionTag="0.0.2" camunda:decisionRef=',
    );
    expect((await api.deploy({ 'tagged.bpmn': process, 'tagged.dmn': tagged('0.0.1', 'A') })).status).toBe(200);
    expect((await start('taggedProcess')).body.message).toContain("no decision definition deployed with key = 'taggedDecision', versionTag = '0.0.2' and tenant-id 'null'");
    expect((await api.deploy({ 'tagged.dmn': tagged('0.0.2', 'B') })).status).toBe(200);
    expect(await resultOf((await start('taggedProcess')).body.id)).toMatchObject({ value: 'B' });
    expect((await api.deploy({ 'tagged.dmn': tagged('0.0.2', 'C') })).status).toBe(200);
    expect((await start('taggedProcess')).body.message).toContain("Found more than one decision definition for key 'taggedDecision' and versionTag '0.0.2'");
  });
});
