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
});
