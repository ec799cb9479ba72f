import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** Two branches: a task with a timer on it, and a multi-instance task of three. */
const MODEL = bpmnXml(
  'statsProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="review"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="approve"/>
   <userTask id="review"/>
   <boundaryEvent id="reminder" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
   <userTask id="approve"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>
   <sequenceFlow id="f3" sourceRef="review" targetRef="join"/>
   <sequenceFlow id="f4" sourceRef="approve" targetRef="join"/>
   <parallelGateway id="join"/>
   <sequenceFlow id="f5" sourceRef="join" targetRef="end"/>
   <endEvent id="end"/>`,
);

type Stat = { id: string; instances: number; failedJobs: number; incidents: { incidentType: string; incidentCount: number }[] };

describe('process definition statistics and tenant lookups (ProcessDefinitionStatisticsQueryTest, ActivityStatisticsQueryTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let firstVersion: string;
  let secondVersion: string;
  let failedInstance: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'stats.bpmn': MODEL });
    firstVersion = Object.keys(deployed.body.deployedProcessDefinitions)[0]!;
    for (let i = 0; i < 2; i++) expect((await api.post(`/process-definition/${firstVersion}/start`, {})).status).toBe(200);
    failedInstance = (await api.get(`/process-instance?processDefinitionId=${firstVersion}`)).body[0].id;
    // The reminder timer of one instance runs out of retries: a failed job with its incident.
    const [timer] = (await api.get(`/job?processInstanceId=${failedInstance}`)).body;
    expect((await api.put(`/job/${timer.id}/retries`, { retries: 0 })).status).toBe(204);
    // A second version, with no instance.
    const again = await api.deploy({ 'stats.bpmn': MODEL.replace('<userTask id="review"/>', '<userTask id="review" name="Review"/>') });
    secondVersion = Object.keys(again.body.deployedProcessDefinitions)[0]!;
  });
  afterAll(() => runtime?.stop());

  it('counts the running instances of every version, and failed jobs and incidents when asked', async () => {
    const plain = (await api.get('/process-definition/statistics')).body as (Stat & { definition: { id: string; description: null } })[];
    const byId = new Map(plain.map((s) => [s.id, s]));
    expect(byId.get(firstVersion)).toMatchObject({ instances: 2, failedJobs: 0, incidents: [], definition: { id: firstVersion, key: 'statsProcess', version: 1, description: null } });
    expect(byId.get(secondVersion)).toMatchObject({ instances: 0, failedJobs: 0, incidents: [] });
    expect(plain.map((s) => s.id)).toEqual([...plain.map((s) => s.id)].sort());

    const full = new Map(((await api.get('/process-definition/statistics?failedJobs=true&incidents=true')).body as Stat[]).map((s) => [s.id, s]));
    expect(full.get(firstVersion)).toMatchObject({ instances: 2, failedJobs: 1, incidents: [{ incidentType: 'failedJob', incidentCount: 1 }] });
    expect((await api.get('/process-definition/statistics?incidentsForType=failedExternalTask')).body.find((s: Stat) => s.id === firstVersion).incidents).toEqual([]);
    expect((await api.get('/process-definition/statistics?rootIncidents=true')).body.find((s: Stat) => s.id === firstVersion).incidents).toEqual([{ incidentType: 'failedJob', incidentCount: 1 }]);
  });

  it('counts each activity’s active tokens: both branches, every instance of the multi-instance task, not the scopes above them', async () => {
    const activities = (await api.get(`/process-definition/${firstVersion}/statistics`)).body as Stat[];
    expect(activities.map(({ id, instances, failedJobs, incidents }) => ({ id, instances, failedJobs, incidents }))).toEqual([
      { id: 'approve', instances: 6, failedJobs: 0, incidents: [] },
      { id: 'review', instances: 2, failedJobs: 0, incidents: [] },
    ]);
    // The failed job and its incident belong to the timer's activity.
    const withFailures = (await api.get(`/process-definition/key/statsProcess/statistics?failedJobs=true&incidents=true`)).body as Stat[];
    expect(withFailures).toEqual([]);
    const firstWithFailures = (await api.get(`/process-definition/${firstVersion}/statistics?failedJobs=true&incidents=true`)).body as Stat[];
    expect(firstWithFailures.find((s) => s.id === 'reminder')).toMatchObject({ instances: 0, failedJobs: 1, incidents: [{ incidentType: 'failedJob', incidentCount: 1 }] });
    expect(await api.get('/process-definition/no-such-id/statistics')).toEqual({ status: 200, body: [] });
  });

  it('does not count a token waiting at a joining gateway: Camunda’s waiting execution is inactive', async () => {
    const waiting = bpmnXml(
      'waitingJoin',
      `<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="fork"/>
       <parallelGateway id="fork"/>
       <sequenceFlow id="b" sourceRef="fork" targetRef="work"/><sequenceFlow id="c" sourceRef="fork" targetRef="join"/>
       <userTask id="work"/><sequenceFlow id="d" sourceRef="work" targetRef="join"/>
       <parallelGateway id="join"/><sequenceFlow id="e" sourceRef="join" targetRef="end"/><endEvent id="end"/>`,
    );
    const id = Object.keys((await api.deploy({ 'waiting-join.bpmn': waiting })).body.deployedProcessDefinitions)[0]!;
    await api.post(`/process-definition/${id}/start`, {});
    expect(((await api.get(`/process-definition/${id}/statistics`)).body as Stat[]).map((s) => [s.id, s.instances])).toEqual([['work', 1]]);
  });

  it('refuses Camunda’s incompatible incident parameters, whatever their values', async () => {
    const refusal = (message: string) => ({ status: 400, body: { type: 'InvalidRequestException', message, code: null } });
    expect(await api.get('/process-definition/statistics?incidents=false&incidentsForType=x')).toEqual(
      refusal('Only one of the query parameter includeIncidents or includeIncidentsForType can be set.'),
    );
    expect(await api.get('/process-definition/statistics?incidents=true&rootIncidents=false')).toEqual(refusal('Only one of the query parameter includeIncidents or includeRootIncidents can be set.'));
    expect(await api.get('/process-definition/statistics?rootIncidents=true&incidentsForType=x')).toEqual(
      refusal('Only one of the query parameter includeRootIncidents or includeIncidentsForType can be set.'),
    );
    expect(await api.get(`/process-definition/${firstVersion}/statistics?incidents=true&incidentsForType=x`)).toEqual(
      refusal('Only one of the query parameter includeIncidents or includeIncidentsForType can be set.'),
    );
  });

  it('finds the latest version of a key in one tenant, and its XML', async () => {
    const deployed = await api.deploy({ 'tenant-stats.bpmn': MODEL }, { 'tenant-id': 'tenantOne' });
    const id = Object.keys(deployed.body.deployedProcessDefinitions)[0]!;
    const definition = await api.get('/process-definition/key/statsProcess/tenant-id/tenantOne');
    expect(definition.body).toMatchObject({ id, tenantId: 'tenantOne', version: 1 });
    expect((await api.get('/process-definition/key/statsProcess/tenant-id/tenantOne/xml')).body).toEqual({ id, bpmn20Xml: MODEL });
    expect(await api.get('/process-definition/key/statsProcess/tenant-id/other')).toEqual({
      status: 404,
      body: { type: 'RestException', message: 'No matching process definition with key: statsProcess and tenant-id: other', code: null },
    });
    // Without a tenant, the key names the latest version without one.
    expect((await api.get('/process-definition/key/statsProcess')).body.id).toBe(secondVersion);
  });

  it('serves the deployment’s image of a process as its diagram (named after the model file), and no content without one', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    const form = new FormData();
    form.set('deployment-name', 'with-diagram');
    form.append('pictured.bpmn', new Blob([bpmnXml('pictured', '<startEvent id="s"/>')], { type: 'application/xml' }), 'pictured.bpmn');
    form.append('pictured.png', new Blob([png], { type: 'image/png' }), 'pictured.png');
    const deployed = (await (await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form })).json()) as { deployedProcessDefinitions: Record<string, { diagram: string }> };
    const [id, dto] = Object.entries(deployed.deployedProcessDefinitions)[0]!;
    expect(dto.diagram).toBe('pictured.png');

    const image = await fetch(`${runtime.url}/process-definition/${id}/diagram`);
    expect([image.status, image.headers.get('content-type'), [...new Uint8Array(await image.arrayBuffer())]]).toEqual([200, 'image/png', [...png]]);
    expect((await fetch(`${runtime.url}/process-definition/key/pictured/diagram`)).status).toBe(200);
    expect((await fetch(`${runtime.url}/process-definition/${firstVersion}/diagram`)).status).toBe(204);
    expect(await api.get('/process-definition/nope/diagram')).toEqual({
      status: 400,
      body: { type: 'NotFoundException', message: "no deployed process definition found with id 'nope': processDefinition is null", code: 0 },
    });
  });

  it('lists the processes called by constant references, each once with its calling activities (GetStaticCalledProcessDefinitionCmd)', async () => {
    const callee = bpmnXml('calleeA', '<startEvent id="s"/>');
    const caller = bpmnXml(
      'staticCaller',
      `<startEvent id="s"/>
       <callActivity id="first" calledElement="calleeA"/>
       <callActivity id="second" calledElement="calleeA"/>
       <callActivity id="dynamic" calledElement="\${which}"/>
       <callActivity id="absent" calledElement="notDeployed"/>
       <sequenceFlow id="f1" sourceRef="s" targetRef="first"/>
       <sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
       <sequenceFlow id="f3" sourceRef="second" targetRef="dynamic"/>
       <sequenceFlow id="f4" sourceRef="dynamic" targetRef="absent"/>`,
    );
    const deployed = await api.deploy({ 'callee.bpmn': callee, 'caller.bpmn': caller });
    const ids = Object.entries(deployed.body.deployedProcessDefinitions as Record<string, { key: string }>);
    const callerId = ids.find(([, d]) => d.key === 'staticCaller')![0];
    const calleeId = ids.find(([, d]) => d.key === 'calleeA')![0];
    expect((await api.get(`/process-definition/${callerId}/static-called-process-definitions`)).body).toEqual([
      expect.objectContaining({ id: calleeId, key: 'calleeA', calledFromActivityIds: ['first', 'second'], callingProcessDefinitionId: callerId }),
    ]);
    expect((await api.get('/process-definition/nope/static-called-process-definitions')).status).toBe(404);
  });
  it('reads camunda:historyTimeToLive at deployment and sets it by id, key and tenant (UpdateProcessDefinitionHistoryTimeToLiveCmd)', async () => {
    const withTtl = await api.deploy({ 'ttl.bpmn': bpmnXml('ttlProcess', '<startEvent id="s"/>').replace('isExecutable="true"', 'isExecutable="true" camunda:historyTimeToLive="P90D"') });
    const id = Object.keys(withTtl.body.deployedProcessDefinitions)[0]!;
    expect(withTtl.body.deployedProcessDefinitions[id].historyTimeToLive).toBe(90);
    expect((await api.put(`/process-definition/${id}/history-time-to-live`, { historyTimeToLive: 5 })).status).toBe(204);
    expect((await api.get(`/process-definition/${id}`)).body.historyTimeToLive).toBe(5);
    expect((await api.put('/process-definition/key/ttlProcess/history-time-to-live', { historyTimeToLive: 0 })).status).toBe(204);
    expect((await api.get('/process-definition/key/ttlProcess')).body.historyTimeToLive).toBe(0);
    expect(await api.put(`/process-definition/${id}/history-time-to-live`, { historyTimeToLive: -3 })).toMatchObject({
      status: 400,
      body: { type: 'BadUserRequestException', message: 'historyTimeToLive is not greater than or equal to 0' },
    });
    expect(await api.put(`/process-definition/${id}/history-time-to-live`, {})).toMatchObject({
      status: 400,
      body: { type: 'NotAllowedException', message: 'Null historyTimeToLive values are not allowed' },
    });
    expect(await api.put('/process-definition/key/ttlProcess/tenant-id/nowhere/history-time-to-live', { historyTimeToLive: 1 })).toMatchObject({
      status: 404,
      body: { message: 'No matching process definition with key: ttlProcess and tenant-id: nowhere' },
    });
    // A value Camunda's ParseUtil cannot read refuses the deployment.
    const broken = await api.deploy({ 'bad.bpmn': bpmnXml('badTtl', '<startEvent id="s"/>').replace('isExecutable="true"', 'isExecutable="true" camunda:historyTimeToLive="P5W"') });
    expect(broken).toMatchObject({ status: 400, body: { type: 'ParseException', message: expect.stringContaining('Cannot parse historyTimeToLive: For input string: "P5W"') } });
  });
});
