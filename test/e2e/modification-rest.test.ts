import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { readFixture } from '../support/engine-harness.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeNodes, treeShape } from './inline-bpmn.ts';

const FAILING_DELEGATE = 'org.camunda.bpm.engine.test.api.runtime.FailingDelegate';

const FAILING_SERVICE_TASK_MODEL = bpmnXml(
  'failingServiceTaskProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="waitHere"/>
   <userTask id="waitHere"/>
   <sequenceFlow id="f2" sourceRef="waitHere" targetRef="failing"/>
   <serviceTask id="failing" camunda:class="${FAILING_DELEGATE}"/>
   <sequenceFlow id="f3" sourceRef="failing" targetRef="end"/>
   <endEvent id="end"/>`,
);

/** Camunda's REST validation error: InvalidRequestException without an engine cause, code null. */
const invalidRequest = (message: string) => ({ type: 'InvalidRequestException', message, code: null });
const notValid = (message: string) => ({ type: 'NotValidException', message, code: 0 });
const processEngineException = (message: string) => ({ type: 'ProcessEngineException', message, code: 0 });

describe('synchronous process instance modification over REST', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const start = async (key: string, body: unknown = {}) => {
    const response = await api.post(`/process-definition/key/${key}/start`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return { id: response.body.id as string, definitionId: response.body.definitionId as string };
  };
  const modify = (id: string, body: unknown) => api.post(`/process-instance/${id}/modification`, body);
  const tree = async (id: string) => {
    const response = await api.get(`/process-instance/${id}/activity-instances`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as TreeNode;
  };
  const shape = async (id: string) => treeShape(await tree(id));
  const instanceOf = async (id: string, activityId: string) => {
    const node = treeNodes(await tree(id)).find((n) => n.activityId === activityId);
    if (!node) throw new Error(`no instance of ${activityId} in ${await shape(id)}`);
    return node.id;
  };
  /** Everything a client can observe of an instance: tree, variables, tasks, jobs. */
  const snapshot = async (id: string) => {
    const paths = {
      tree: `/process-instance/${id}/activity-instances`,
      variables: `/process-instance/${id}/variables`,
      tasks: `/task?processInstanceId=${id}`,
      jobs: `/job?processInstanceId=${id}`,
      incidents: `/incident?processInstanceId=${id}`,
    };
    const bodies = await Promise.all(Object.values(paths).map(async (path) => (await api.get(path)).body));
    return Object.fromEntries(Object.keys(paths).map((name, i) => [name, bodies[i]]));
  };
  /** Sends a request that must fail and checks that the stored instance is exactly as before. */
  const expectRejected = async (id: string, body: unknown, status: number, error: unknown) => {
    const before = await snapshot(id);
    const response = await modify(id, body);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body).toEqual(error);
    expect(await snapshot(id)).toEqual(before);
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({
      registry: new DelegateRegistry().register(FAILING_DELEGATE, {
        execute() {
          throw new Error('boom');
        },
      }),
    });
    api = restClient(runtime.url);
    const deployed = await api.deploy({
      'exclusiveGateway.bpmn20.xml': readFixture('ProcessInstanceModificationTest.exclusiveGateway.bpmn20.xml'),
      'subprocess.bpmn20.xml': readFixture('ProcessInstanceModificationTest.subprocess.bpmn20.xml'),
      'doubleNested.bpmn20.xml': readFixture('ProcessInstanceModificationTest.doubleNestedSubprocess.bpmn20.xml'),
      'parallelTasks.bpmn20.xml': readFixture('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml'),
      'sequentialTasks.bpmn20.xml': readFixture('ProcessInstanceModificationMultiInstanceTest.sequentialTasks.bpmn20.xml'),
      'asyncBeforeFailing.bpmn20.xml': readFixture('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml'),
      'failingServiceTask.bpmn': FAILING_SERVICE_TASK_MODEL,
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  describe('request validation (reference §1.5)', () => {
    let id: string;
    beforeAll(async () => {
      id = (await start('exclusiveGateway')).id;
    });

    it.each([
      [{ type: 'startBeforeActivity' }, "For instruction type 'startBeforeActivity': 'activityId' must be set"],
      [{ type: 'startBeforeActivity', activityId: null, ancestorActivityInstanceId: 'x' }, "For instruction type 'startBeforeActivity': 'activityId' must be set"],
      [{ type: 'startAfterActivity', transitionId: 'flow4' }, "For instruction type 'startAfterActivity': 'activityId' must be set"],
      [{ type: 'startTransition', activityId: 'task2' }, "For instruction type 'startTransition': 'transitionId' must be set"],
      [{ type: 'cancel' }, "For instruction type 'cancel': exactly one, 'activityId', 'activityInstanceId', or 'transitionInstanceId', is required"],
      [{ type: 'cancel', activityId: 'task1', activityInstanceId: 'a' }, "For instruction type 'cancel': exactly one, 'activityId', 'activityInstanceId', or 'transitionInstanceId', is required"],
      [
        { type: 'cancel', activityInstanceId: 'a', transitionInstanceId: 't' },
        "For instruction type 'cancel': exactly one, 'activityId', 'activityInstanceId', or 'transitionInstanceId', is required",
      ],
      [
        { type: 'cancel', activityId: 'task1', activityInstanceId: 'a', transitionInstanceId: 't' },
        "For instruction type 'cancel': exactly one, 'activityId', 'activityInstanceId', or 'transitionInstanceId', is required",
      ],
    ])('answers 400 with Camunda’s message for the invalid instruction %j', async (instruction, message) => {
      // when / then
      await expectRejected(id, { instructions: [instruction] }, 400, invalidRequest(message));
    });

    it.each([
      ['a missing type', { activityId: 'task2' }],
      ['an unknown type', { type: 'startBefore', activityId: 'task2' }],
      ['a type of the wrong JSON type', { type: 1, activityId: 'task2' }],
      ['a null type', { type: null, activityId: 'task2' }],
    ])('answers 400 InvalidRequestException with an empty message for %s', async (_label, instruction) => {
      // when / then
      await expectRejected(id, { instructions: [instruction] }, 400, invalidRequest(''));
    });

    it('answers 400 InvalidRequestException with an empty message for malformed JSON', async () => {
      // given
      const before = await snapshot(id);

      for (const text of ['{"instructions": [', '{instructions: []}', "{'a': 1}", '{"instructions": [{"type": "cancel",}]}']) {
        // when
        const response = await api.raw('POST', `/process-instance/${id}/modification`, text);

        // then
        expect(response.status, text).toBe(400);
        expect(response.body, text).toEqual(invalidRequest(''));
      }
      expect(await snapshot(id)).toEqual(before);
    });

    it('answers 400 InvalidRequestException for a body of the wrong shape', async () => {
      for (const body of [{ instructions: 'cancel' }, { instructions: [['cancel']] }, { instructions: [{ type: 'cancel', activityId: 5 }] }, { skipCustomListeners: 'yes' }]) {
        // when
        const response = await modify(id, body);

        // then
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body).toMatchObject({ type: 'InvalidRequestException', code: null });
        expect(typeof response.body.message).toBe('string');
      }
    });

    it('validates instructions in array order and reports the first invalid one', async () => {
      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }, { type: 'startTransition' }, { type: 'cancel' }] },
        400,
        invalidRequest("For instruction type 'startTransition': 'transitionId' must be set"),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'cancel', activityId: 'task1' }, { type: 'startAfterActivity' }, { type: 'startBeforeActivity' }] },
        400,
        invalidRequest("For instruction type 'startAfterActivity': 'activityId' must be set"),
      );
    });

    // Regression (found while writing this suite, fixed): an unknown instruction type after an instruction missing its field answers the field message; Camunda's Jackson fails on the unknown subtype while reading the body, before any applyTo validation, so the message is ""
    it('reports an unknown type anywhere in the array before any field validation, as Jackson does', async () => {
      // when / then
      await expectRejected(id, { instructions: [{ type: 'startTransition' }, { type: 'bogus' }] }, 400, invalidRequest(''));
    });

    it('validates the request before it checks that the instance exists', async () => {
      // when
      const response = await modify('no-such-instance', { instructions: [{ type: 'startBeforeActivity' }] });

      // then
      expect(response.status).toBe(400);
      expect(response.body).toEqual(invalidRequest("For instruction type 'startBeforeActivity': 'activityId' must be set"));
    });

    it('answers 204 for missing, null or empty instructions, even for an unknown instance', async () => {
      // given
      const before = await snapshot(id);

      for (const body of [{}, { instructions: [] }, { instructions: null }, { skipCustomListeners: true, annotation: 'nothing to do' }]) {
        // when
        const known = await modify(id, body);
        const unknown = await modify('no-such-instance', body);

        // then
        expect(known.status, JSON.stringify(body)).toBe(204);
        expect(known.body).toBeNull();
        expect(unknown.status, JSON.stringify(body)).toBe(204);
      }
      expect(await snapshot(id)).toEqual(before);
    });

    it.each([
      [{ x: { value: 'abc', type: 'Integer' } }, invalidRequest("Cannot convert value 'abc' of type 'Integer' to java type java.lang.Integer")],
      [{ x: { value: 1.5, type: 'Long' } }, invalidRequest("Cannot convert value '1.5' of type 'Long' to java type java.lang.Long")],
      [{ x: { value: 'no', type: 'Boolean' } }, invalidRequest("Cannot convert value 'no' of type 'Boolean' to java type java.lang.Boolean")],
      [{ x: { value: 1, type: 'Unknown' } }, { type: 'RestException', message: "Unsupported value type 'Unknown'", code: null }],
      [{ x: { value: { a: 1 }, type: 'Json' } }, invalidRequest("Must provide 'null' or String value for value of SerializableValue type 'Json'.")],
      [{ x: { value: [1], type: 'Object' } }, invalidRequest("Must provide 'null' or String value for value of SerializableValue type 'Object'.")],
    ])('answers 400 for an instruction variable %j that does not convert (§1.4)', async (variables, error) => {
      // when / then
      await expectRejected(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2', variables }] }, 400, error);
    });

    it('ignores unknown properties and fields the instruction type does not read', async () => {
      // given
      const own = (await start('exclusiveGateway')).id;

      // when
      const response = await modify(own, {
        unknownTopLevel: { any: 'thing' },
        annotation: 'moved by test',
        skipIoMappings: false,
        instructions: [{ type: 'startTransition', transitionId: 'flow4', activityId: 'ignored', cancelCurrentActiveActivityInstances: true, whatever: 1 }],
      });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect(await shape(own)).toBe('root{task1, task2}');
    });
  });

  describe('engine errors (reference §2.11)', () => {
    it('answers 500 ENGINE-13036 for an unknown or ended process instance', async () => {
      // given
      const ended = (await start('exclusiveGateway')).id;
      expect((await api.delete(`/process-instance/${ended}`)).status).toBe(204);

      for (const id of ['no-such-instance', ended]) {
        // when
        const response = await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] });

        // then
        expect(response.status).toBe(500);
        expect(response.body).toEqual(processEngineException(`ENGINE-13036 Process instance '${id}' cannot be modified. The process instance does not exist`));
      }
    });

    it('answers 400 NotValidException for unknown activities and transitions', async () => {
      // given
      const { id, definitionId } = await start('exclusiveGateway');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'someNonExistingActivity' }] },
        400,
        notValid(`Cannot perform instruction: Start before activity 'someNonExistingActivity'; Element 'someNonExistingActivity' does not exist in process '${definitionId}': element is null`),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'startAfterActivity', activityId: 'someNonExistingActivity' }] },
        400,
        notValid("Cannot perform instruction: Start after activity 'someNonExistingActivity'; Activity 'someNonExistingActivity' does not exist: activity is null"),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'startTransition', transitionId: 'invalidFlowId' }] },
        400,
        notValid(`Cannot perform instruction: Start transition 'invalidFlowId'; Element 'invalidFlowId' does not exist in process '${definitionId}': element is null`),
      );
    });

    it('answers 500 when starting after an activity without or with several outgoing flows', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startAfterActivity', activityId: 'theEnd' }] },
        500,
        processEngineException('Cannot start after activity theEnd; activity has no outgoing sequence flow to take'),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'startAfterActivity', activityId: 'fork' }] },
        500,
        processEngineException('Cannot start after activity fork; activity has more than one outgoing sequence flow'),
      );
    });

    it('answers 500 when the ancestor of a start instruction is ambiguous', async () => {
      // given
      const { id } = await start('subprocess');
      expect((await modify(id, { instructions: [1, 2].map(() => ({ type: 'startBeforeActivity', activityId: 'innerTask', ancestorActivityInstanceId: id })) })).status).toBe(204);
      expect(await shape(id)).toBe('root{outerTask, subProcess{innerTask}, subProcess{innerTask}}');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'innerTask' }] },
        500,
        processEngineException('Ancestor activity execution is ambiguous for activity Activity(subProcess)'),
      );
    });

    it('answers 400 NotValidException for an unknown ancestor and for one that does not contain the target', async () => {
      // given
      const { id } = await start('subprocess');
      expect((await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'innerTask' }] })).status).toBe(204);
      const subProcess = await instanceOf(id, 'subProcess');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'innerTask', ancestorActivityInstanceId: 'noSuchInstance' }] },
        400,
        notValid(
          "Cannot perform instruction: Start before activity 'innerTask' with ancestor activity instance 'noSuchInstance'; Ancestor activity instance 'noSuchInstance' does not exist: ancestorInstance is null",
        ),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'outerTask', ancestorActivityInstanceId: subProcess }] },
        400,
        notValid(
          `Cannot perform instruction: Start before activity 'outerTask' with ancestor activity instance '${subProcess}'; Scope execution for '${subProcess}' cannot be found in parent hierarchy of flow element 'outerTask'`,
        ),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'startTransition', transitionId: 'flow1', ancestorActivityInstanceId: 'gone' }] },
        400,
        notValid("Cannot perform instruction: Start transition 'flow1' with ancestor activity instance 'gone'; Ancestor activity instance 'gone' does not exist: ancestorInstance is null"),
      );
    });

    it('answers 500 for a second concurrent instance in a sequential multi-instance body', async () => {
      // given
      const { id } = await start('miSequentialUserTasks');
      const [before] = (await api.get(`/task?processInstanceId=${id}`)).body;
      await api.post(`/task/${before.id}/complete`, {});
      expect(await shape(id)).toBe('root{miTasks#multiInstanceBody{miTasks}}');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'startBeforeActivity', activityId: 'miTasks' }] },
        500,
        processEngineException('Concurrent instantiation not possible for activities in scope miTasks#multiInstanceBody'),
      );
    });

    it('answers 400 NotValidException when cancelling unknown activity or transition instances', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when / then
      await expectRejected(
        id,
        { instructions: [{ type: 'cancel', activityInstanceId: 'nonExistingActivityInstance' }] },
        400,
        notValid("Cannot perform instruction: Cancel activity instance 'nonExistingActivityInstance'; Activity instance 'nonExistingActivityInstance' does not exist: activityInstance is null"),
      );
      await expectRejected(
        id,
        { instructions: [{ type: 'cancel', transitionInstanceId: 'nonExistingTransitionInstance' }] },
        400,
        notValid(
          "Cannot perform instruction: Cancel transition instance 'nonExistingTransitionInstance'; Transition instance 'nonExistingTransitionInstance' does not exist: transitionInstance is null",
        ),
      );
    });

    it('treats cancelling all instances of an unknown or inactive activity as a no-op', async () => {
      // given
      const { id } = await start('exclusiveGateway');
      const before = await snapshot(id);

      // when
      const unknown = await modify(id, { instructions: [{ type: 'cancel', activityId: 'noSuchActivity' }] });
      const inactive = await modify(id, { instructions: [{ type: 'cancel', activityId: 'task2' }] });

      // then
      expect(unknown.status).toBe(204);
      expect(inactive.status).toBe(204);
      expect(await snapshot(id)).toEqual(before);
    });

    it('rolls back every earlier instruction when a later one fails', async () => {
      // given
      const { id, definitionId } = await start('exclusiveGateway');
      const task1 = await instanceOf(id, 'task1');

      // when / then
      await expectRejected(
        id,
        {
          instructions: [
            { type: 'startBeforeActivity', activityId: 'task2', variables: { added: { value: 'by a rolled back instruction' } } },
            { type: 'cancel', activityInstanceId: task1 },
            { type: 'startTransition', transitionId: 'flow4' },
            { type: 'startBeforeActivity', activityId: 'nowhere' },
          ],
        },
        400,
        notValid(`Cannot perform instruction: Start before activity 'nowhere'; Element 'nowhere' does not exist in process '${definitionId}': element is null`),
      );
    });

    it('rolls back and answers 500 when a delegate fails while running to wait states', async () => {
      // given
      const { id } = await start('failingServiceTaskProcess');

      // when
      const before = await snapshot(id);
      const response = await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'failing' }] });

      // then
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ message: expect.stringContaining('boom') });
      expect(typeof response.body.type).toBe('string');
      expect(await snapshot(id)).toEqual(before);
    });
  });

  describe('successful modifications', () => {
    it('starts before a second branch (S1)', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when
      const response = await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] });

      // then
      expect(response.status).toBe(204);
      expect(response.body).toBeNull();
      expect(await shape(id)).toBe('root{task1, task2}');
      const tasks = (await api.get(`/task?processInstanceId=${id}&sortBy=taskDefinitionKey&sortOrder=asc`)).body;
      expect(tasks.map((t: { taskDefinitionKey: string; assignee: string | null }) => [t.taskDefinitionKey, t.assignee])).toEqual([
        ['task1', null],
        ['task2', 'kermit'],
      ]);
    });

    it('starts transitions and starts after the start event (S2, S3)', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when
      expect((await modify(id, { instructions: [{ type: 'startTransition', transitionId: 'flow4' }] })).status).toBe(204);
      expect((await modify(id, { instructions: [{ type: 'startTransition', transitionId: 'flow2' }] })).status).toBe(204);
      expect((await modify(id, { instructions: [{ type: 'startAfterActivity', activityId: 'theStart' }] })).status).toBe(204);

      // then
      expect(await shape(id)).toBe('root{task1, task1, task1, task2}');
      expect((await api.get(`/task/count?processInstanceId=${id}`)).body).toEqual({ count: 4 });
    });

    it('moves a token with cancel plus start in one request', async () => {
      // given
      const { id } = await start('exclusiveGateway');
      const task1 = await instanceOf(id, 'task1');

      // when
      const response = await modify(id, {
        instructions: [
          { type: 'cancel', activityInstanceId: task1 },
          { type: 'startBeforeActivity', activityId: 'task2', variables: { procVar: { value: 'p' }, localVar: { value: 'l', local: true }, amount: { value: 5, type: 'Integer' } } },
        ],
      });

      // then
      expect(response.status).toBe(204);
      expect(await shape(id)).toBe('root{task2}');
      expect((await api.get(`/task?processInstanceId=${id}`)).body.map((t: { taskDefinitionKey: string }) => t.taskDefinitionKey)).toEqual(['task2']);
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual({
        procVar: { type: 'String', value: 'p', valueInfo: {} },
        amount: { type: 'Integer', value: 5, valueInfo: {} },
      });
    });

    it('instantiates missing parent scopes and creates new ones below an explicit ancestor', async () => {
      // given
      const { id } = await start('doubleNestedSubprocess');
      expect(await shape(id)).toBe('root{subProcess{subProcessTask}}');

      // when
      expect((await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'innerSubProcessTask' }] })).status).toBe(204);

      // then
      expect(await shape(id)).toBe('root{subProcess{innerSubProcess{innerSubProcessTask}, subProcessTask}}');

      // when
      expect((await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'innerSubProcessTask', ancestorActivityInstanceId: id }] })).status).toBe(204);

      // then
      expect(await shape(id)).toBe('root{subProcess{innerSubProcess{innerSubProcessTask}, subProcessTask}, subProcess{innerSubProcess{innerSubProcessTask}}}');
    });

    it('adds an inner instance to a parallel multi-instance body', async () => {
      // given
      const { id } = await start('miParallelUserTasks');
      const [before] = (await api.get(`/task?processInstanceId=${id}`)).body;
      await api.post(`/task/${before.id}/complete`, {});
      expect(await shape(id)).toBe('root{miTasks#multiInstanceBody{miTasks, miTasks, miTasks}}');

      // when
      const response = await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'miTasks' }] });

      // then
      expect(response.status).toBe(204);
      expect(await shape(id)).toBe('root{miTasks#multiInstanceBody{miTasks, miTasks, miTasks, miTasks}}');
      expect((await api.get(`/task/count?processInstanceId=${id}`)).body).toEqual({ count: 4 });
    });

    it('cancels the instance when nothing is left: 404 afterwards, history EXTERNALLY_TERMINATED', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when
      const response = await modify(id, { instructions: [{ type: 'cancel', activityId: 'task1' }] });

      // then
      expect(response.status).toBe(204);
      expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
      expect((await api.get(`/process-instance/${id}/activity-instances`)).status).toBe(404);
      expect((await api.get(`/task?processInstanceId=${id}`)).body).toEqual([]);
      expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('EXTERNALLY_TERMINATED');
    });

    it('completes the instance when the last instruction runs it to an end event', async () => {
      // given
      const { id } = await start('exclusiveGateway');

      // when
      const response = await modify(id, {
        instructions: [
          { type: 'cancel', activityId: 'task1' },
          { type: 'startBeforeActivity', activityId: 'theEnd' },
        ],
      });

      // then
      expect(response.status).toBe(204);
      expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
      expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
    });

    it('keeps the instance when it is empty only between instructions', async () => {
      // given
      const { id } = await start('exclusiveGateway');
      const task1 = await instanceOf(id, 'task1');

      // when
      const response = await modify(id, {
        instructions: [
          { type: 'cancel', activityInstanceId: task1 },
          { type: 'startBeforeActivity', activityId: 'task1' },
        ],
      });

      // then
      expect(response.status).toBe(204);
      expect(await shape(id)).toBe('root{task1}');
      expect(await instanceOf(id, 'task1')).not.toBe(task1);
      expect((await tree(id)).id).toBe(id);
    });

    it('cancels a failed async transition instance together with its job and incident', async () => {
      // given
      const { id } = await start('failingAfterBeforeTask');
      // the job executor exhausts the retries in the background; executing the job helps it along
      const transition = await eventually(async () => {
        const [job] = (await api.get(`/job?processInstanceId=${id}`)).body;
        if (job && job.retries > 0) await api.post(`/job/${job.id}/execute`);
        const t = await tree(id);
        return t.childTransitionInstances.length === 1 && (await api.get(`/incident?processInstanceId=${id}`)).body.length > 0 ? t.childTransitionInstances[0] : undefined;
      }, 45_000);
      expect(transition.activityId).toBe('task2');
      expect((await api.get(`/job?processInstanceId=${id}&noRetriesLeft=true`)).body).toHaveLength(1);

      // when
      const response = await modify(id, { instructions: [{ type: 'cancel', transitionInstanceId: transition.id }] });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect((await api.get(`/process-instance/${id}`)).status).toBe(404);
      expect((await api.get(`/job?processInstanceId=${id}`)).body).toEqual([]);
      expect((await api.get(`/incident?processInstanceId=${id}`)).body).toEqual([]);
      expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('EXTERNALLY_TERMINATED');
    }, 90_000);
  });
});
