import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { readFixture } from '../support/engine-harness.ts';
import { CAMUNDA_DATE } from '../support/instances.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape, userTaskChain } from './inline-bpmn.ts';

const FAILING_DELEGATE = 'org.camunda.bpm.engine.test.api.runtime.FailingDelegate';

const MESSAGE_MODEL = bpmnXml(
  'messageProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="waitForPayment"/>
   <intermediateCatchEvent id="waitForPayment"><messageEventDefinition messageRef="paid"/></intermediateCatchEvent>
   <sequenceFlow id="f2" sourceRef="waitForPayment" targetRef="waitForShipment"/>
   <intermediateCatchEvent id="waitForShipment"><messageEventDefinition messageRef="shipped"/></intermediateCatchEvent>
   <sequenceFlow id="f3" sourceRef="waitForShipment" targetRef="confirm"/>
   <userTask id="confirm"/>
   <sequenceFlow id="f4" sourceRef="confirm" targetRef="end"/>
   <endEvent id="end"/>`,
  '<message id="paid" name="paymentReceived"/><message id="shipped" name="goodsShipped"/>',
);

const RECEIVE_TASK_MODEL = bpmnXml(
  'receiveTaskProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="waitForInvoice"/>
   <receiveTask id="waitForInvoice" messageRef="invoiced"/>
   <sequenceFlow id="f2" sourceRef="waitForInvoice" targetRef="pay"/>
   <userTask id="pay"/>
   <sequenceFlow id="f3" sourceRef="pay" targetRef="end"/>
   <endEvent id="end"/>`,
  '<message id="invoiced" name="invoiceReceived"/>',
);

const timerModel = (duration: string) =>
  bpmnXml(
    `timer${duration}Process`,
    `<startEvent id="start"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="timer"/>
     <intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>${duration}</timeDuration></timerEventDefinition></intermediateCatchEvent>
     <sequenceFlow id="f2" sourceRef="timer" targetRef="afterTimer"/>
     <userTask id="afterTimer"/>
     <sequenceFlow id="f3" sourceRef="afterTimer" targetRef="end"/>
     <endEvent id="end"/>`,
  );

describe('the process lifecycle over the Camunda REST API', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  /** The registered FailingDelegate throws while this is true. */
  let delegateFails = true;

  const start = async (key: string, body: unknown = {}) => {
    const response = await api.post(`/process-definition/key/${key}/start`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  };
  const tree = async (id: string) => (await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode;
  const tasksOf = async (id: string) => (await api.get(`/task?processInstanceId=${id}`)).body as { id: string; taskDefinitionKey: string; assignee: string | null }[];

  beforeAll(async () => {
    const registry = new DelegateRegistry().register(FAILING_DELEGATE, {
      execute() {
        if (delegateFails) throw new Error('boom');
      },
    });
    runtime = await startTestRuntime({ registry });
    api = restClient(runtime.url);
    const deployed = await api.deploy({
      'oneTaskProcess.bpmn20.xml': readFixture('oneTaskProcess.bpmn20.xml'),
      'subprocess.bpmn20.xml': readFixture('ProcessInstanceModificationTest.subprocess.bpmn20.xml'),
      'message.bpmn': MESSAGE_MODEL,
      'receive.bpmn': RECEIVE_TASK_MODEL,
      'chain.bpmn': userTaskChain('reviewProcess', ['review', 'approve']),
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  describe('deployments and process definitions', () => {
    it('deploys a multipart upload and lists, counts and reads the deployment', async () => {
      // given
      const xml = userTaskChain('listedProcess', ['only']);

      // when
      const deployed = await api.deploy({ 'listed.bpmn': xml }, { 'deployment-name': 'listed', 'deployment-source': 'e2e' });

      // then
      expect(deployed.status).toBe(200);
      const deployment = deployed.body;
      expect(deployment).toMatchObject({ name: 'listed', source: 'e2e', tenantId: null, deployedCaseDefinitions: null, deployedDecisionDefinitions: null });
      expect(deployment.deploymentTime).toMatch(CAMUNDA_DATE);
      expect(deployment.links).toEqual([{ method: 'GET', href: `${runtime.url}/deployment/${deployment.id}`, rel: 'self' }]);
      const definitions = Object.values(deployment.deployedProcessDefinitions) as { id: string; key: string; version: number; deploymentId: string; resource: string }[];
      expect(definitions).toHaveLength(1);
      expect(definitions[0]).toMatchObject({ key: 'listedProcess', version: 1, deploymentId: deployment.id, resource: 'listed.bpmn', suspended: false });
      expect(Object.keys(deployment.deployedProcessDefinitions)).toEqual([definitions[0]!.id]);

      const single = await api.get(`/deployment/${deployment.id}`);
      expect(single.status).toBe(200);
      expect(single.body).toEqual({ links: deployment.links, id: deployment.id, name: 'listed', source: 'e2e', deploymentTime: deployment.deploymentTime, tenantId: null });
      const byName = await api.get('/deployment?name=listed');
      expect(byName.body.map((d: { id: string }) => d.id)).toEqual([deployment.id]);
      const all = await api.get('/deployment');
      expect(all.body.length).toBeGreaterThanOrEqual(2);
      expect((await api.get('/deployment/count')).body).toEqual({ count: all.body.length });
      const missing = await api.get('/deployment/no-such-deployment');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ type: 'InvalidRequestException', message: "Deployment with id 'no-such-deployment' does not exist", code: null });
    });

    it('increments the version on every redeployment and resolves the key to the latest version', async () => {
      // given
      const first = await api.deploy({ 'versioned.bpmn': userTaskChain('versionedProcess', ['a']) }, { 'deployment-name': 'v1' });
      const second = await api.deploy({ 'versioned.bpmn': userTaskChain('versionedProcess', ['a', 'b']) }, { 'deployment-name': 'v2' });
      const firstId = Object.keys(first.body.deployedProcessDefinitions)[0]!;
      const secondId = Object.keys(second.body.deployedProcessDefinitions)[0]!;

      // when
      const latest = await api.get('/process-definition/key/versionedProcess');
      const listed = await api.get('/process-definition?key=versionedProcess&sortBy=version&sortOrder=asc');
      const latestOnly = await api.get('/process-definition?key=versionedProcess&latestVersion=true');
      const count = await api.get('/process-definition/count?key=versionedProcess');

      // then
      expect(latest.status).toBe(200);
      expect(latest.body).toMatchObject({ id: secondId, key: 'versionedProcess', version: 2, deploymentId: second.body.id });
      expect(listed.body.map((d: { id: string; version: number }) => [d.id, d.version])).toEqual([
        [firstId, 1],
        [secondId, 2],
      ]);
      expect(latestOnly.body.map((d: { id: string }) => d.id)).toEqual([secondId]);
      expect(count.body).toEqual({ count: 2 });
      expect((await api.get(`/process-definition/${firstId}`)).body).toMatchObject({ id: firstId, version: 1, deploymentId: first.body.id });
      expect((await api.get('/process-definition?key=versionedProcess&version=1')).body.map((d: { id: string }) => d.id)).toEqual([firstId]);
      const unknown = await api.get('/process-definition/key/noSuchProcess');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ message: 'No matching process definition with key: noSuchProcess and no tenant-id', code: null });
    });

    // Regression (found while writing this suite, fixed): GET /process-definition/key/{unknown} answers type InvalidRequestException; Camunda's ProcessDefinitionRestServiceImpl throws RestException(NOT_FOUND, ...)
    it('answers an unknown definition key with a 404 RestException as Camunda does', async () => {
      // when
      const unknown = await api.get('/process-definition/key/noSuchProcess');

      // then
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ type: 'RestException', message: 'No matching process definition with key: noSuchProcess and no tenant-id', code: null });
    });

    it('returns the earlier deployment without new definitions when duplicate filtering finds no change', async () => {
      // given
      const fields = { 'deployment-name': 'duplicates', 'enable-duplicate-filtering': 'true' };
      const resources = { 'dup.bpmn': userTaskChain('duplicateProcess', ['t']) };
      const first = await api.deploy(resources, fields);

      // when
      const again = await api.deploy(resources, fields);
      const changed = await api.deploy({ 'dup.bpmn': userTaskChain('duplicateProcess', ['t', 'u']) }, fields);

      // then
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.deployedProcessDefinitions).toBeNull();
      expect(again.body.deploymentTime).toBe(first.body.deploymentTime);
      expect(changed.body.id).not.toBe(first.body.id);
      expect(Object.values(changed.body.deployedProcessDefinitions).map((d) => (d as { version: number }).version)).toEqual([2]);
      expect((await api.get('/process-definition/count?key=duplicateProcess')).body).toEqual({ count: 2 });
    });

    it('serves the deployed BPMN XML by key and by id', async () => {
      // given
      const xml = userTaskChain('xmlProcess', ['x']);
      const deployed = await api.deploy({ 'xml.bpmn': xml });
      const id = Object.keys(deployed.body.deployedProcessDefinitions)[0]!;

      // when
      const byKey = await api.get('/process-definition/key/xmlProcess/xml');
      const byId = await api.get(`/process-definition/${id}/xml`);

      // then
      expect(byKey.status).toBe(200);
      expect(byKey.body).toEqual({ id, bpmn20Xml: xml });
      expect(byId.body).toEqual({ id, bpmn20Xml: xml });
      expect((await api.get('/process-definition/nope/xml')).status).toBe(404);
    });

    it('refuses a deployment whose BPMN does not parse and a form without resources', async () => {
      // when
      const broken = await api.deploy({ 'broken.bpmn': '<definitions><process id="x"' });
      const empty = await api.deploy({}, { 'deployment-name': 'nothing' });

      // then
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ type: 'ParseException', code: 0 });
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ type: 'InvalidRequestException', message: 'No deployment resources contained in the form upload.', code: null });
    });
  });

  describe('starting process instances', () => {
    it('starts by key with typed variables and returns them with withVariablesInReturn', async () => {
      // given
      const variables = {
        amount: { value: 42, type: 'Integer' },
        big: { value: 9007199254740991, type: 'Long' },
        rate: { value: 0.25, type: 'Double' },
        urgent: { value: true, type: 'Boolean' },
        due: { value: '2026-03-01T10:00:00.000+0200', type: 'Date' },
        name: { value: 'Kermit', type: 'String' },
        payload: { value: '{"a":[1,2]}', type: 'Json' },
        untyped: { value: 'plain' },
      };

      // when
      const response = await api.post('/process-definition/key/oneTaskProcess/start', { variables, businessKey: 'order-1', withVariablesInReturn: true });

      // then
      expect(response.status).toBe(200);
      const id = response.body.id as string;
      expect(response.body).toMatchObject({ id, businessKey: 'order-1', definitionKey: 'oneTaskProcess', ended: false, suspended: false, tenantId: null, caseInstanceId: null });
      expect(response.body.links).toEqual([{ method: 'GET', href: `${runtime.url}/process-instance/${id}`, rel: 'self' }]);
      expect(response.body.variables).toEqual({
        amount: { type: 'Integer', value: 42, valueInfo: {} },
        big: { type: 'Long', value: 9007199254740991, valueInfo: {} },
        rate: { type: 'Double', value: 0.25, valueInfo: {} },
        urgent: { type: 'Boolean', value: true, valueInfo: {} },
        due: { type: 'Date', value: '2026-03-01T08:00:00.000+0000', valueInfo: {} },
        name: { type: 'String', value: 'Kermit', valueInfo: {} },
        payload: { type: 'Json', value: '{"a":[1,2]}', valueInfo: {} },
        untyped: { type: 'String', value: 'plain', valueInfo: {} },
      });
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual(response.body.variables);
    });

    it('starts by definition id and answers without variables unless asked', async () => {
      // given
      const definition = (await api.get('/process-definition/key/oneTaskProcess')).body;

      // when
      const response = await api.post(`/process-definition/${definition.id}/start`, { variables: { x: { value: 1, type: 'Integer' } } });

      // then
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ definitionId: definition.id, businessKey: null });
      expect(response.body.variables).toBeUndefined();
      expect((await api.get(`/process-instance/${response.body.id}`)).body).toEqual(response.body);
      expect((await api.post('/process-definition/unknown-definition/start', {})).status).toBe(404);
    });

    it('refuses a start variable whose value does not convert to its type', async () => {
      // when
      const response = await api.post('/process-definition/key/oneTaskProcess/start', { variables: { n: { value: 'abc', type: 'Integer' } } });

      // then
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ type: 'InvalidRequestException', message: "Cannot convert value 'abc' of type 'Integer' to java type java.lang.Integer", code: null });
    });
  });

  describe('user tasks', () => {
    it('filters, claims and completes user tasks with variables until the instance ends', async () => {
      // given
      const id = await start('reviewProcess', { businessKey: 'review-1' });
      const [review] = await tasksOf(id);
      expect(review).toMatchObject({ taskDefinitionKey: 'review', assignee: null, name: 'review name', processInstanceId: id });

      // when
      expect((await api.post(`/task/${review!.id}/claim`, { userId: 'kermit' })).status).toBe(204);

      // then
      expect((await api.get(`/task?assignee=kermit&processInstanceId=${id}`)).body.map((t: { id: string }) => t.id)).toEqual([review!.id]);
      expect((await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=approve`)).body).toEqual([]);
      expect((await api.get(`/task/count?processInstanceId=${id}`)).body).toEqual({ count: 1 });
      expect((await api.get(`/task/${review!.id}`)).body).toMatchObject({ id: review!.id, assignee: 'kermit', priority: 50, suspended: false });
      expect((await api.get(`/task?processDefinitionKey=reviewProcess&taskDefinitionKey=review`)).body.some((t: { id: string }) => t.id === review!.id)).toBe(true);

      // when
      const completed = await api.post(`/task/${review!.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } }, withVariablesInReturn: true });

      // then
      expect(completed.status).toBe(200);
      expect(completed.body).toEqual({ approved: { type: 'Boolean', value: true, valueInfo: {} } });
      const [approve] = await tasksOf(id);
      expect(approve).toMatchObject({ taskDefinitionKey: 'approve' });
      expect((await api.get(`/task/${review!.id}`)).status).toBe(404);

      // when
      expect((await api.post(`/task/${approve!.id}/complete`, { variables: { note: { value: 'ok' } } })).status).toBe(204);

      // then
      expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
      const history = (await api.get(`/history/process-instance/${id}`)).body;
      expect(history).toMatchObject({ id, state: 'COMPLETED', businessKey: 'review-1', processDefinitionKey: 'reviewProcess', processDefinitionVersion: 1, deleteReason: null });
      expect(history.endTime).toMatch(CAMUNDA_DATE);
      expect(history.durationInMillis).toBeGreaterThanOrEqual(0);
    });

    it('answers 404 when completing a task that does not exist', async () => {
      // when
      const response = await api.post('/task/no-such-task/complete', {});

      // then
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ type: 'RestException', code: null });
      expect(response.body.message).toMatch(/^Cannot complete task no-such-task: /);
    });
  });

  describe('message correlation', () => {
    it('correlates to intermediate message catch events by process instance id and by business key', async () => {
      // given
      const id = await start('messageProcess', { businessKey: 'shipment-7' });
      expect(treeShape(await tree(id))).toBe('root{waitForPayment}');

      // when
      const paid = await api.post('/message', { messageName: 'paymentReceived', processInstanceId: id, processVariables: { paidAmount: { value: 12.5, type: 'Double' } } });

      // then
      expect(paid.status).toBe(204);
      expect(treeShape(await tree(id))).toBe('root{waitForShipment}');
      expect((await api.get(`/process-instance/${id}/variables/paidAmount`)).body).toEqual({ type: 'Double', value: 12.5, valueInfo: {} });

      // when
      const shipped = await api.post('/message', { messageName: 'goodsShipped', businessKey: 'shipment-7', resultEnabled: true });

      // then
      expect(shipped.status).toBe(200);
      expect(shipped.body).toEqual([{ resultType: 'Execution', execution: { id, processInstanceId: id, ended: false, tenantId: null }, processInstance: null }]);
      expect(treeShape(await tree(id))).toBe('root{confirm}');
    });

    // Regression (found while writing this suite, fixed): a receiveTask with messageRef gets no message subscription (the parser only reads messageRef from event definitions), so POST /message answers 400 MismatchingMessageCorrelationException and the instance waits forever
    it('correlates a message to a waiting receive task by business key', async () => {
      // given
      const id = await start('receiveTaskProcess', { businessKey: 'invoice-1' });
      expect(treeShape(await tree(id))).toBe('root{waitForInvoice}');

      // when
      const response = await api.post('/message', { messageName: 'invoiceReceived', businessKey: 'invoice-1' });

      // then
      expect(response.status).toBe(204);
      expect(treeShape(await tree(id))).toBe('root{pay}');
    });

    it('answers 400 MismatchingMessageCorrelationException when no execution waits for the message', async () => {
      // given
      const id = await start('messageProcess', { businessKey: 'shipment-8' });

      // when
      const wrongMessage = await api.post('/message', { messageName: 'goodsShipped', processInstanceId: id });
      const wrongKey = await api.post('/message', { messageName: 'paymentReceived', businessKey: 'someone-else' });
      const unknown = await api.post('/message', { messageName: 'neverSent' });

      // then
      for (const [response, name] of [
        [wrongMessage, 'goodsShipped'],
        [wrongKey, 'paymentReceived'],
        [unknown, 'neverSent'],
      ] as const) {
        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          type: 'MismatchingMessageCorrelationException',
          message: `Cannot correlate message '${name}': No process definition or execution matches the parameters`,
          code: 0,
        });
      }
      expect(treeShape(await tree(id))).toBe('root{waitForPayment}');
    });
  });

  describe('jobs', () => {
    it('runs asyncBefore continuations through the background job queue', async () => {
      // given
      const deployed = await api.deploy({ 'async.bpmn20.xml': readFixture('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml') });
      expect(deployed.status).toBe(200);

      // when
      const id = await start('nestedOneTaskProcess');

      // then
      const shape = await eventually(async () => {
        const s = treeShape(await tree(id));
        return s === 'root{outerTask, subProcess{innerTask}}' ? s : undefined;
      }, 30_000);
      expect(shape).toBe('root{outerTask, subProcess{innerTask}}');
      expect((await api.get(`/job?processInstanceId=${id}`)).body).toEqual([]);
    });

    it('fires a PT1S timer through the sweeper within a few seconds', async () => {
      // given
      await api.deploy({ 'timer.bpmn': timerModel('PT1S') });

      // when
      const id = await start('timerPT1SProcess');

      // then
      const [job] = (await api.get(`/job?processInstanceId=${id}`)).body;
      expect(job).toMatchObject({ processInstanceId: id, retries: 3, exceptionMessage: null, processDefinitionKey: 'timerPT1SProcess' });
      expect(job.dueDate).toMatch(CAMUNDA_DATE);
      await eventually(async () => (await tasksOf(id)).some((t) => t.taskDefinitionKey === 'afterTimer'), 30_000);
      expect(treeShape(await tree(id))).toBe('root{afterTimer}');
      expect((await api.get(`/job/${job.id}`)).status).toBe(404);
    }, 60_000);

    it('filters jobs and executes a not yet due timer job on request', async () => {
      // given
      await api.deploy({ 'timer-long.bpmn': timerModel('PT1H') });
      const id = await start('timerPT1HProcess');
      const other = await start('timerPT1HProcess');
      const [job] = (await api.get(`/job?processInstanceId=${id}`)).body;

      // when
      const byDefinition = await api.get(`/job?jobDefinitionId=${encodeURIComponent(job.jobDefinitionId)}`);
      const executable = await api.get(`/job?processInstanceId=${id}&executable=true`);
      const withException = await api.get(`/job?processInstanceId=${id}&withException=true`);
      const noRetriesLeft = await api.get(`/job?processInstanceId=${id}&noRetriesLeft=true`);
      const paged = await api.get(`/job?jobDefinitionId=${encodeURIComponent(job.jobDefinitionId)}&firstResult=1&maxResults=1`);

      // then
      expect(treeShape(await tree(id))).toBe('root{timer}');
      expect(byDefinition.body.map((j: { processInstanceId: string }) => j.processInstanceId).sort()).toEqual([id, other].sort());
      expect(executable.body).toEqual([]);
      expect(withException.body).toEqual([]);
      expect(noRetriesLeft.body).toEqual([]);
      expect(paged.body).toHaveLength(1);
      expect((await api.get(`/job/count?processInstanceId=${id}`)).body).toEqual({ count: 1 });
      expect((await api.get(`/job/${job.id}`)).body).toEqual(job);

      // when
      const executed = await api.post(`/job/${job.id}/execute`);

      // then
      expect(executed.status).toBe(204);
      expect(treeShape(await tree(id))).toBe('root{afterTimer}');
      expect(treeShape(await tree(other))).toBe('root{timer}');
      const missing = await api.post(`/job/${job.id}/execute`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ type: 'InvalidRequestException', code: null });
    });

    it('records a failing job until its retries reach 0 with an incident, and re-drives it when retries are set again', async () => {
      // given
      delegateFails = true;
      await api.deploy({ 'failing.bpmn20.xml': readFixture('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml') });

      // when
      const id = await start('failingAfterBeforeTask');

      // then
      const job = await eventually(async () => {
        const [j] = (await api.get(`/job?processInstanceId=${id}&noRetriesLeft=true`)).body;
        return j;
      }, 45_000);
      expect(job).toMatchObject({ retries: 0, exceptionMessage: 'boom', failedActivityId: 'task2', processInstanceId: id });
      expect((await api.get(`/job?processInstanceId=${id}&withException=true`)).body.map((j: { id: string }) => j.id)).toEqual([job.id]);
      const incidents = (await api.get(`/incident?processInstanceId=${id}`)).body;
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ processInstanceId: id, incidentType: 'failedJob', activityId: 'task2', failedActivityId: 'task2', configuration: job.id, incidentMessage: 'boom' });
      expect((await api.get(`/incident?incidentType=failedJob`)).body.map((i: { id: string }) => i.id)).toContain(incidents[0].id);
      const activityTree = await tree(id);
      expect(treeShape(activityTree)).toBe('root{~task2}');
      expect(activityTree.childTransitionInstances[0]).toMatchObject({ activityId: 'task2', targetActivityId: 'task2', activityType: 'serviceTask', incidentIds: [incidents[0].id] });

      // when
      delegateFails = false;
      const retried = await api.put(`/job/${job.id}/retries`, { retries: 1 });

      // then
      expect(retried.status).toBe(204);
      await eventually(async () => (await api.get(`/process-instance/${id}`)).status === 404, 45_000);
      expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
      expect((await api.get(`/incident?processInstanceId=${id}`)).body).toEqual([]);
    }, 120_000);

    // Regression (found while writing this suite, fixed): POST /job/{id}/execute on a job that already has 0 retries and fails again adds a second failedJob incident for the same job; Camunda's JobEntity.setRetries creates the incident only when retries go from >0 to 0
    it('keeps exactly one incident when a job without retries is executed and fails again', async () => {
      // given
      delegateFails = true;
      const id = await start('failingAfterBeforeTask');
      const job = await eventually(async () => {
        const [j] = (await api.get(`/job?processInstanceId=${id}&noRetriesLeft=true`)).body;
        return j;
      }, 45_000);
      const [incident] = (await api.get(`/incident?processInstanceId=${id}`)).body;

      // when
      const executed = await api.post(`/job/${job.id}/execute`);

      // then
      expect(executed.status).toBeGreaterThanOrEqual(400);
      expect((await api.get(`/job/${job.id}`)).body).toMatchObject({ retries: 0, exceptionMessage: 'boom' });
      expect((await api.get(`/incident?processInstanceId=${id}`)).body.map((i: { id: string }) => i.id)).toEqual([incident.id]);
      expect((await tree(id)).childTransitionInstances[0]).toMatchObject({ incidentIds: [incident.id] });
    }, 60_000);

    it('refuses negative job retries and unknown jobs', async () => {
      // when
      const unknown = await api.put('/job/no-such-job/retries', { retries: 1 });
      const negative = await api.put('/job/no-such-job/retries', { retries: -1 });

      // then
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ type: 'InvalidRequestException', code: null });
      expect(negative.status).toBe(500);
      expect(negative.body).toEqual({ type: 'InvalidRequestException', message: "The number of job retries must be a non-negative Integer, but '-1' has been provided.", code: null });
    });
  });

  describe('process variables', () => {
    it('sets, reads and deletes single typed variables', async () => {
      // given
      const id = await start('oneTaskProcess');
      const values: Record<string, { value: unknown; type: string }> = {
        anInteger: { value: 7, type: 'Integer' },
        aLong: { value: 5_000_000_000, type: 'Long' },
        aDouble: { value: 1.5, type: 'Double' },
        aBoolean: { value: false, type: 'Boolean' },
        aDate: { value: '2026-01-02T03:04:05.678+0000', type: 'Date' },
        aJson: { value: '{"nested":{"list":[true,null]}}', type: 'Json' },
        aString: { value: 'text', type: 'String' },
        aNull: { value: null, type: 'Null' },
      };

      // when
      for (const [name, value] of Object.entries(values)) {
        expect((await api.put(`/process-instance/${id}/variables/${name}`, value)).status).toBe(204);
      }

      // then
      for (const [name, value] of Object.entries(values)) {
        expect((await api.get(`/process-instance/${id}/variables/${name}`)).body).toEqual({ ...value, valueInfo: {} });
      }

      // when
      expect((await api.delete(`/process-instance/${id}/variables/aString`)).status).toBe(204);

      // then
      const gone = await api.get(`/process-instance/${id}/variables/aString`);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ type: 'InvalidRequestException', message: 'process instance variable with name aString does not exist', code: null });
      expect(Object.keys((await api.get(`/process-instance/${id}/variables`)).body).sort()).toEqual(
        Object.keys(values)
          .filter((n) => n !== 'aString')
          .sort(),
      );
    });

    it('applies modifications and deletions in one request', async () => {
      // given
      const id = await start('oneTaskProcess', { variables: { keep: { value: 'k' }, drop: { value: 'd' }, change: { value: 1, type: 'Integer' } } });

      // when
      const response = await api.post(`/process-instance/${id}/variables`, {
        modifications: { change: { value: 2, type: 'Long' }, added: { value: 'a' } },
        deletions: ['drop'],
      });

      // then
      expect(response.status).toBe(204);
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual({
        keep: { type: 'String', value: 'k', valueInfo: {} },
        change: { type: 'Long', value: 2, valueInfo: {} },
        added: { type: 'String', value: 'a', valueInfo: {} },
      });
    });

    it('answers 400 for values that do not convert to their type and leaves the variables alone', async () => {
      // given
      const id = await start('oneTaskProcess', { variables: { n: { value: 1, type: 'Integer' } } });
      const cases: [unknown, string, string][] = [
        ['abc', 'Integer', "Cannot convert value 'abc' of type 'Integer' to java type java.lang.Integer"],
        [2147483648, 'Integer', "Cannot convert value '2147483648' of type 'Integer' to java type java.lang.Integer"],
        [1.5, 'Long', "Cannot convert value '1.5' of type 'Long' to java type java.lang.Long"],
        ['x', 'Double', "Cannot convert value 'x' of type 'Double' to java type java.lang.Double"],
        ['yes', 'Boolean', "Cannot convert value 'yes' of type 'Boolean' to java type java.lang.Boolean"],
        ['not a date', 'Date', "Cannot convert value 'not a date' of type 'Date' to java type java.util.Date"],
      ];

      for (const [value, type, message] of cases) {
        // when
        const single = await api.put(`/process-instance/${id}/variables/n`, { value, type });
        const batch = await api.post(`/process-instance/${id}/variables`, { modifications: { n: { value, type } } });

        // then
        // (Camunda's AbstractVariablesResource names the operation before the conversion's message.)
        expect(single.status).toBe(400);
        expect(single.body).toEqual({ type: 'InvalidRequestException', message: `Cannot put process instance variable n: ${message}`, code: null });
        expect(batch.status).toBe(400);
        expect(batch.body).toEqual({ type: 'InvalidRequestException', message: `Cannot modify variables for process instance: ${message}`, code: null });
      }
      const json = await api.put(`/process-instance/${id}/variables/n`, { value: { a: 1 }, type: 'Json' });
      expect(json.status).toBe(400);
      expect(json.body).toEqual({
        type: 'InvalidRequestException',
        message: "Cannot put process instance variable n: Must provide 'null' or String value for value of SerializableValue type 'Json'.",
        code: null,
      });
      const unsupported = await api.put(`/process-instance/${id}/variables/n`, { value: 1, type: 'Banana' });
      expect(unsupported.status).toBe(400);
      expect(unsupported.body).toEqual({ type: 'InvalidRequestException', message: "Cannot put process instance variable n: Unsupported value type 'Banana'", code: null });
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual({ n: { type: 'Integer', value: 1, valueInfo: {} } });
    });

    it('answers variables of an unknown instance as Camunda’s engine commands do (NullValueException, a 500)', async () => {
      // when
      const read = await api.get('/process-instance/no-such-instance/variables');
      const write = await api.put('/process-instance/no-such-instance/variables/x', { value: 1 });

      // then
      expect(read).toEqual({ status: 500, body: { type: 'NullValueException', message: "execution no-such-instance doesn't exist: execution is null", code: 0 } });
      expect(write).toEqual({
        status: 500,
        body: { type: 'RestException', message: "Cannot put process instance variable x: execution no-such-instance doesn't exist: execution is null", code: 0 },
      });
    });
  });

  describe('deleting instances and history', () => {
    it('deletes a running instance: 404 afterwards and history EXTERNALLY_TERMINATED', async () => {
      // given
      const id = await start('oneTaskProcess', { businessKey: 'to-delete' });
      const [task] = await tasksOf(id);

      // when
      const deleted = await api.delete(`/process-instance/${id}`);

      // then
      expect(deleted.status).toBe(204);
      const gone = await api.get(`/process-instance/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ type: 'InvalidRequestException', message: `Process instance with id ${id} does not exist`, code: null });
      expect((await api.get(`/process-instance/${id}/activity-instances`)).status).toBe(404);
      expect((await api.get(`/task/${task!.id}`)).status).toBe(404);
      const history = (await api.get(`/history/process-instance/${id}`)).body;
      expect(history).toMatchObject({ id, state: 'EXTERNALLY_TERMINATED', businessKey: 'to-delete' });
      expect(history.endTime).toMatch(CAMUNDA_DATE);
      expect((await api.delete(`/process-instance/${id}`)).status).toBe(404);
    });

    it('filters, counts and sorts historic process instances', async () => {
      // given
      await api.deploy({ 'history.bpmn': userTaskChain('historyProcess', ['h']) });
      const running = await start('historyProcess', { businessKey: 'hist-running' });
      const finished = await start('historyProcess', { businessKey: 'hist-finished' });
      const [task] = await tasksOf(finished);
      await api.post(`/task/${task!.id}/complete`, {});
      const cancelled = await start('historyProcess', { businessKey: 'hist-cancelled' });
      await api.delete(`/process-instance/${cancelled}`);
      const ids = (response: { body: { id: string }[] }) => response.body.map((h) => h.id).sort();

      // when / then
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess'))).toEqual([running, finished, cancelled].sort());
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess&finished=true'))).toEqual([finished, cancelled].sort());
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess&unfinished=true'))).toEqual([running]);
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess&state=COMPLETED'))).toEqual([finished]);
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess&state=ACTIVE'))).toEqual([running]);
      expect(ids(await api.get('/history/process-instance?processDefinitionKey=historyProcess&state=EXTERNALLY_TERMINATED'))).toEqual([cancelled]);
      expect(ids(await api.get('/history/process-instance?processInstanceBusinessKey=hist-running'))).toEqual([running]);
      expect(ids(await api.get(`/history/process-instance?processInstanceId=${finished}`))).toEqual([finished]);
      expect((await api.get('/history/process-instance/count?processDefinitionKey=historyProcess')).body).toEqual({ count: 3 });
      const sorted = await api.get('/history/process-instance?processDefinitionKey=historyProcess&sortBy=businessKey&sortOrder=desc');
      expect(sorted.body.map((h: { businessKey: string }) => h.businessKey)).toEqual(['hist-running', 'hist-finished', 'hist-cancelled']);
      const paged = await api.get('/history/process-instance?processDefinitionKey=historyProcess&sortBy=businessKey&sortOrder=asc&firstResult=1&maxResults=1');
      expect(paged.body.map((h: { businessKey: string }) => h.businessKey)).toEqual(['hist-finished']);
      const unsorted = await api.get('/history/process-instance?sortBy=startTime');
      expect(unsorted.status).toBe(400);
      expect(unsorted.body).toEqual({ type: 'InvalidRequestException', message: 'Only a single sorting parameter specified. sortBy and sortOrder required', code: null });
      expect((await api.get('/history/process-instance/no-such-instance')).status).toBe(404);
    });
  });

  describe('the activity instance tree', () => {
    it('has Camunda ActivityInstanceDto shape with nested scopes', async () => {
      // given
      const id = await start('subprocess');
      const [outer] = await tasksOf(id);
      await api.post(`/task/${outer!.id}/complete`, {});
      const definitionId = (await api.get(`/process-instance/${id}`)).body.definitionId as string;

      // when
      const response = await api.get(`/process-instance/${id}/activity-instances`);

      // then
      expect(response.status).toBe(200);
      const root = response.body;
      expect(Object.keys(root).sort()).toEqual(
        [
          'id',
          'parentActivityInstanceId',
          'activityId',
          'activityType',
          'processInstanceId',
          'processDefinitionId',
          'childActivityInstances',
          'childTransitionInstances',
          'executionIds',
          'activityName',
          'incidentIds',
          'incidents',
          'name',
        ].sort(),
      );
      expect(root).toMatchObject({
        id,
        parentActivityInstanceId: null,
        activityId: definitionId,
        activityType: 'processDefinition',
        processInstanceId: id,
        processDefinitionId: definitionId,
        childTransitionInstances: [],
        incidentIds: [],
        incidents: [],
      });
      expect(root.executionIds).toEqual([id]);
      expect(root.childActivityInstances).toHaveLength(1);
      const sub = root.childActivityInstances[0];
      expect(sub).toMatchObject({ activityId: 'subProcess', activityType: 'subProcess', parentActivityInstanceId: id, processInstanceId: id, processDefinitionId: definitionId });
      expect(sub.id).toMatch(/^subProcess:[0-9a-f-]{36}$/);
      expect(sub.executionIds).toHaveLength(1);
      expect(sub.childActivityInstances).toHaveLength(1);
      const inner = sub.childActivityInstances[0];
      expect(inner).toMatchObject({
        activityId: 'innerTask',
        activityType: 'userTask',
        parentActivityInstanceId: sub.id,
        childActivityInstances: [],
        childTransitionInstances: [],
        incidentIds: [],
        incidents: [],
      });
      expect(inner.id).toMatch(/^innerTask:[0-9a-f-]{36}$/);
      expect(inner.name).toBe(inner.activityName);
      const [task] = (await api.get(`/task?processInstanceId=${id}`)).body;
      expect(inner.executionIds).toEqual([task.executionId]);
    });
  });
});
