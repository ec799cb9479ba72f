import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** start → the given element `work` → a user task `wait`. */
const around = (key: string, work: string) =>
  bpmnXml(key, `<startEvent id="start"/>${work}<userTask id="wait"/><sequenceFlow id="f1" sourceRef="start" targetRef="work"/><sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>`);

describe('script tasks through the REST API (JavaScript in the sandbox)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const variable = async (processInstanceId: string, name: string) => (await api.get(`/process-instance/${processInstanceId}/variables/${name}`)).body;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('runs an inline script and a script deployed as a resource beside the model', async () => {
    // given
    const inline = around(
      'inlineScript',
      `<scriptTask id="work" scriptFormat="javascript" camunda:resultVariable="total"><script>order.items.reduce((sum, item) => sum + item.price, 0)</script></scriptTask>`,
    );
    const fromResource = around('resourceScript', `<scriptTask id="work" scriptFormat="javascript" camunda:resource="deployment://scripts/discount.js"/>`);
    const discount = `execution.setVariable('discounted', Math.round(total * 0.9)); execution.setVariable('at', new Date(Date.UTC(2026, 11, 24)));`;
    expect((await api.deploy({ 'inline.bpmn': inline, 'resource.bpmn': fromResource, 'scripts/discount.js': discount })).status).toBe(200);

    // when
    const order = { type: 'Json', value: JSON.stringify({ items: [{ price: 40 }, { price: 60 }] }) };
    const first = await api.post('/process-definition/key/inlineScript/start', { variables: { order } });
    const second = await api.post('/process-definition/key/resourceScript/start', { variables: { total: { value: 100, type: 'Integer' } } });

    // then
    expect(first.status).toBe(200);
    expect(await variable(first.body.id, 'total')).toEqual({ type: 'Integer', value: 100, valueInfo: {} });
    expect(second.status).toBe(200);
    expect(await variable(second.body.id, 'discounted')).toEqual({ type: 'Integer', value: 90, valueInfo: {} });
    expect(await variable(second.body.id, 'at')).toMatchObject({ type: 'Date', value: '2026-12-24T00:00:00.000+0000' });
  });

  it('runs an asynchronous script task when its job is executed', async () => {
    // given
    expect(
      (
        await api.deploy({
          'async.bpmn': around(
            'asyncScript',
            `<scriptTask id="work" camunda:asyncBefore="true" scriptFormat="js"><script>execution.setVariable('ran', execution.getActivityId())</script></scriptTask>`,
          ),
        })
      ).status,
    ).toBe(200);
    const started = await api.post('/process-definition/key/asyncScript/start', {});
    const [job] = (await api.get(`/job?processInstanceId=${started.body.id}`)).body;

    // when
    const executed = await api.post(`/job/${job.id}/execute`, {});

    // then
    expect(executed.status).toBe(204);
    expect(await variable(started.body.id, 'ran')).toMatchObject({ type: 'String', value: 'work' });
  });

  it("answers a failing script with Camunda's ScriptEvaluationException and starts nothing", async () => {
    // given
    expect(
      (await api.deploy({ 'failing.bpmn': around('failingScript', `<scriptTask id="work" scriptFormat="javascript"><script>throw new Error('credit limit exceeded')</script></scriptTask>`) })).status,
    ).toBe(200);

    // when
    const started = await api.post('/process-definition/key/failingScript/start', {});

    // then
    expect(started.status).toBe(500);
    expect(started.body).toEqual({
      type: 'ScriptEvaluationException',
      message: expect.stringMatching(/^Unable to evaluate script while executing activity 'work' in the process definition with id 'failingScript:1:[^']+':Error: credit limit exceeded$/),
      code: 0,
    });
    expect((await api.get('/process-instance/count?processDefinitionKey=failingScript')).body).toEqual({ count: 0 });
  });

  it('stops scripts that try to escape or exhaust the sandbox, and goes on serving', async () => {
    // given
    const attempts = {
      requireFs: `require('fs').readFileSync('/etc/passwd', 'utf8')`,
      processEnv: `process.env.AWS_SECRET_ACCESS_KEY`,
      endless: 'while (true) {}',
      memoryBomb: 'const kept = []; for (;;) kept.push({ index: kept.length, text: "x" + kept.length })',
    };
    const resources = Object.fromEntries(
      Object.entries(attempts).map(([key, script]) => [`${key}.bpmn`, around(key, `<scriptTask id="work" scriptFormat="javascript"><script><![CDATA[${script}]]></script></scriptTask>`)]),
    );
    expect((await api.deploy(resources)).status).toBe(200);

    // when
    const answers = Object.fromEntries(await Promise.all(Object.keys(attempts).map(async (key) => [key, (await api.post(`/process-definition/key/${key}/start`, {})).body.message as string])));

    // then
    expect(answers.requireFs).toMatch(/:ReferenceError: 'require' is not defined$/);
    expect(answers.processEnv).toMatch(/:ReferenceError: 'process' is not defined$/);
    expect(answers.endless).toMatch(/:the script ran longer than its limit of 1000 ms$/);
    expect(answers.memoryBomb).toMatch(/:InternalError: out of memory$/);
    expect((await api.post('/process-definition/key/inlineScript/start', { variables: { order: { type: 'Json', value: '{"items":[]}' } } })).status).toBe(200);
  });

  it('refuses a model whose script language has no engine here, naming the element and the language', async () => {
    // when
    const deployed = await api.deploy({ 'groovy.bpmn': around('groovyScript', `<scriptTask id="work" scriptFormat="groovy"><script>execution.setVariable('x', 1)</script></scriptTask>`) });

    // then
    expect(deployed.status).toBe(400);
    expect(deployed.body.message).toContain("Script language 'groovy' of script task 'work' is not supported: scripts run in javascript (in a sandbox) or juel");
  });
});
