import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { expectError } from '../support/instances.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, userTaskChain } from './inline-bpmn.ts';

/**
 * Input that would not fit the store is bad input (issue #19): a Camunda 400 that names the limit,
 * checked before anything is written, never a 500 with DynamoDB's words and never half a write.
 */
describe('inputs beyond the store’s limits', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('refuses an assignee or a business key over Camunda’s 255 characters (both are index keys here) with a 400 naming the limit', async () => {
    expect((await api.deploy({ 'limits.bpmn': userTaskChain('limitsProcess', ['task']) })).status).toBe(200);
    const started = await api.post('/process-definition/key/limitsProcess/start', { businessKey: 'b'.repeat(256) });
    expect(started.status).toBe(400);
    expect(started.body.message).toMatch(/businessKey.*<=255 characters|<=255 characters.*businessKey/);
    const instance = await api.post('/process-definition/key/limitsProcess/start', { businessKey: 'b'.repeat(255) });
    expect(instance.status).toBe(200);
    const [task] = (await api.get(`/task?processInstanceId=${instance.body.id}`)).body as { id: string }[];
    const claimed = await api.post(`/task/${task!.id}/claim`, { userId: 'u'.repeat(256) });
    expect(claimed.status).toBe(400);
    expect(claimed.body.message).toMatch(/<=255 characters/);
    expect((await api.get(`/task/${task!.id}`)).body.assignee).toBeNull();
  });

  const bigBpmn = (key: string, kilobytes: number) =>
    userTaskChain(key, ['task']).replace('<startEvent id="start"/>', `<startEvent id="start"><documentation>${'d'.repeat(kilobytes * 1024)}</documentation></startEvent>`);
  const deploymentCount = async () => (await api.get('/deployment/count')).body.count as number;

  it.each([
    ['/group/create', { id: 'g'.repeat(1_000_000), name: 'n' }, "'id'"],
    ['/tenant/create', { id: 't'.repeat(65), name: 'n' }, "'id'"],
    ['/user/create', { profile: { id: 'u'.repeat(65) }, credentials: { password: 'secret1' } }, "'profile.id'"],
    ['/group/create', { id: 'g1', name: 'n'.repeat(256) }, "'name'"],
  ])('POST %s with an id or name over Camunda’s column size is a 400 naming the limit', async (path, body, field) => {
    const response = await api.post(path, body);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('InvalidRequestException');
    expect(response.body.message).toContain(`at ${field}`);
    expect(response.body.message).toMatch(/<=(64|255) characters/);
  });

  it('refuses a model declaring a DOCTYPE (entities) with a 400 ParseException, deploying nothing', async () => {
    // given
    const xml = userTaskChain('entityProcess', ['task']).replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    );

    // when
    const response = await api.deploy({ 'entities.bpmn': xml });

    // then
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'ParseException', message: expect.stringContaining('DOCTYPE is disallowed') });
    expect((await api.get('/process-definition?key=entityProcess')).body).toEqual([]);
  });

  it('refuses a resource name longer than a sort key holds, writing nothing', async () => {
    const before = await deploymentCount();
    const response = await api.deploy({ [`${'r'.repeat(2000)}.bpmn`]: userTaskChain('longName', ['task']) });
    expectError(response, 400, 'InvalidRequestException', `Deployment resource name '${'r'.repeat(64)}…' is 2005 bytes long; a resource name can be at most 1006 bytes.`);
    expect(await deploymentCount()).toBe(before);
  });

  it('deploys 150 resources, one of them 500 KB, as one deployment: every resource and definition, the big model readable', async () => {
    // given
    const resources: Record<string, string> = {};
    for (let i = 0; i < 149; i++) resources[`many${i}.bpmn`] = userTaskChain(`many${i}`, ['task']);
    resources['huge.bpmn'] = bigBpmn('huge', 500);

    // when
    const response = await api.deploy(resources);

    // then
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(200);
    expect(Object.keys(response.body.deployedProcessDefinitions)).toHaveLength(150);
    expect((await api.get(`/deployment/${response.body.id}`)).status).toBe(200);
    const huge = (await api.get('/process-definition/key/huge')).body;
    expect(huge.version).toBe(1);
    expect((await api.get(`/process-definition/${huge.id}/xml`)).body.bpmn20Xml).toBe(resources['huge.bpmn']);
    const started = await api.post('/process-definition/key/huge/start', {});
    expect(started.status).toBe(200);
  });

  it('refuses a deployment whose start events do not fit its commit, writing nothing and taking no version number', async () => {
    // given more message start events than one commit registers
    const before = await deploymentCount();
    const resources: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      resources[`msg${i}.bpmn`] = bpmnXml(
        `msgStart${i}`,
        `<startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t"/>`,
        `<message id="m" name="limitMessage${i}"/>`,
      );
    }

    // when
    const response = await api.deploy(resources);

    // then
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('one deployment commits at most 99');
    expect(await deploymentCount()).toBe(before);
    expect((await api.get('/process-definition/count?key=msgStart0')).body).toEqual({ count: 0 });
    // and a later deployment of the same key is its first version
    expect((await api.deploy({ 'msg0.bpmn': resources['msg0.bpmn']! })).status).toBe(200);
    expect((await api.get('/process-definition/key/msgStart0')).body.version).toBe(1);
  });

  it('refuses a deployment larger than a request to a function can carry', async () => {
    const before = await deploymentCount();
    const response = await api.deploy({ 'a.bpmn': bigBpmn('tooBigA', 3100), 'b.bpmn': bigBpmn('tooBigB', 3100) });
    expectError(response, 400, 'InvalidRequestException', "The deployment's resources are 6202 KB; a deployment can hold at most 6144 KB.");
    expect(await deploymentCount()).toBe(before);
  });

  it('refuses a body nested deeper than Camunda’s 1,000 levels, and accepts one just within', async () => {
    expect((await api.deploy({ 'nested.bpmn': userTaskChain('nested', ['task']) })).status).toBe(200);
    const nested = (levels: number) => `{"variables":{"v":{"value":${'['.repeat(levels)}1${']'.repeat(levels)}}}}`;
    expectError(
      await api.post('/process-definition/key/nested/start', nested(5_000)),
      400,
      'InvalidRequestException',
      'Cannot deserialize request body: nesting depth exceeds the maximum allowed (1000)',
    );
    const within = await api.post('/process-definition/key/nested/start', nested(990));
    expect(within.status, JSON.stringify(within.body).slice(0, 200)).toBe(200);
  });

  it('echoes at most 1,000 characters of the offending input in an error message', async () => {
    // given a definition, and a variable whose 250 KB value is no Integer
    expect((await api.deploy({ 'echo.bpmn': userTaskChain('echo', ['task']) })).status).toBe(200);
    const huge = 'x'.repeat(250 * 1024);

    // when
    const response = await api.post('/process-definition/key/echo/start', { variables: { v: { value: huge, type: 'Integer' } } });

    // then the message says what was wrong, and where it was cut
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Cannot convert value 'x{900,}… \(\d+ more characters\)$/);
    expect(response.body.message.length).toBeLessThan(1_100);
    expect(JSON.stringify(response.body).length).toBeLessThan(1_300);
  });

  it('answers a write that the store refuses as too big with a 400 naming the item limit, and stores nothing', async () => {
    // given
    expect((await api.deploy({ 'bulky.bpmn': userTaskChain('bulky', ['task']) })).status).toBe(200);

    // when a started instance would hold a 500 KB variable
    const response = await api.post('/process-definition/key/bulky/start', { variables: { v: { value: 'v'.repeat(500 * 1024) } } });

    // then
    expectError(response, 400, 'InvalidRequestException', 'The request exceeds a limit of the store: an item of the store holds at most 400 KB.');
    expect((await api.get('/process-instance/count?processDefinitionKey=bulky')).body).toEqual({ count: 0 });
  });
});
