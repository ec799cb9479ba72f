import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type Api, completed, drain, type Json, jobsOf, monitorUntilCompleted, seedOnce, stopAll } from '../support/batch-driving.ts';
import { CAMUNDA_DATE, expectError, shapeOf, startInstance, startInstances } from '../support/instances.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, P1, userTaskChain } from './inline-bpmn.ts';

/**
 * POST /modification/execute and /modification/executeAsync: many instances of one definition
 * (reference §1.8, §4.2, §4.4, scenarios B2, B3, B5, S39).
 */

/** Scenario S39: start → serviceTask ser (${true}) → userTask user → end. */
const S39 = bpmnXml(
  'cancelFlagProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="ser"/>
   <serviceTask id="ser" camunda:expression="\${true}"/>
   <sequenceFlow id="f2" sourceRef="ser" targetRef="user"/>
   <userTask id="user"/>
   <sequenceFlow id="f3" sourceRef="user" targetRef="end"/>
   <endEvent id="end"/>`,
);

const ENDPOINTS = ['/modification/execute', '/modification/executeAsync'] as const;

async function deployAll(api: Api): Promise<Record<string, string>> {
  const deployed = await api.deploy({
    'p1.bpmn': P1,
    's39.bpmn': S39,
    'other.bpmn': userTaskChain('otherProcess', ['a', 'b']),
    'union.bpmn': userTaskChain('unionProcess', ['u1', 'u2']),
    'chunk.bpmn': userTaskChain('chunkProcess', ['user1', 'user2']),
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  return Object.fromEntries(Object.values(deployed.body.deployedProcessDefinitions as Record<string, { id: string; key: string }>).map((d) => [d.key, d.id]));
}

async function completeTask(api: Api, processInstanceId: string, taskDefinitionKey: string): Promise<void> {
  const [task] = (await api.get(`/task?processInstanceId=${processInstanceId}&taskDefinitionKey=${taskDefinitionKey}`)).body as { id: string }[];
  expect((await api.post(`/task/${task!.id}/complete`, {})).status).toBe(204);
}

async function executeAsync(api: Api, body: unknown): Promise<Json> {
  const response = await api.post('/modification/executeAsync', body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Json;
}

describe('modifying many process instances over HTTP', () => {
  /** Workers running. */
  let live: LocalRuntime;
  /** Hand-driven, batchJobsPerSeed 10. */
  let seeded: LocalRuntime;
  /** Hand-driven, invocationsPerBatchJob 3. */
  let chunked: LocalRuntime;
  let api: Api;
  let seededApi: Api;
  let chunkedApi: Api;
  let definitions: Record<string, string>;
  let seededDefinitions: Record<string, string>;
  let chunkedDefinitions: Record<string, string>;

  beforeAll(async () => {
    [live, seeded, chunked] = await Promise.all([
      // A 5 s monitor poll keeps re-driven duplicate executions rare; completion does not wait for it.
      startTestRuntime({ config: { batchPollTimeSeconds: 5 } }),
      startTestRuntime({ startWorkers: false, config: { batchJobsPerSeed: 10 } }),
      startTestRuntime({ startWorkers: false, config: { invocationsPerBatchJob: 3 } }),
    ]);
    [api, seededApi, chunkedApi] = [restClient(live.url), restClient(seeded.url), restClient(chunked.url)];
    [definitions, seededDefinitions, chunkedDefinitions] = await Promise.all([deployAll(api), deployAll(seededApi), deployAll(chunkedApi)]);
  });
  afterAll(async () => stopAll(live, seeded, chunked));

  describe('validation in Camunda order (reference §1.8)', () => {
    const startBefore = [{ type: 'startBeforeActivity', activityId: 'user2' }];
    const cases: [string, (pd: string, pi: string) => Json, string][] = [
      ['no processDefinitionId at all', () => ({}), 'processDefinitionId is null'],
      ['a null processDefinitionId with everything else valid', (_pd, pi) => ({ processDefinitionId: null, instructions: startBefore, processInstanceIds: [pi] }), 'processDefinitionId is null'],
      ['no instructions (checked before ids and definition)', () => ({ processDefinitionId: 'no-such-definition' }), 'Modification instructions cannot be empty is empty'],
      ['an empty instruction list', (_pd, pi) => ({ processDefinitionId: 'no-such-definition', instructions: [], processInstanceIds: [pi] }), 'Modification instructions cannot be empty is empty'],
      [
        'an invalid instruction (checked before the engine validation)',
        () => ({ processDefinitionId: 'no-such-definition', instructions: [{ type: 'cancel', activityInstanceId: 'user1:1' }] }),
        "For instruction type 'cancel': 'activityId' must be set",
      ],
      ['no process instance ids', () => ({ processDefinitionId: 'no-such-definition', instructions: startBefore }), 'Process instance ids cannot be empty: Process instance ids is empty'],
      [
        'an empty id list and a query matching nothing',
        (pd) => ({
          processDefinitionId: pd,
          instructions: startBefore,
          processInstanceIds: [],
          processInstanceQuery: { processDefinitionKey: 'nothingDeployed' },
          historicProcessInstanceQuery: { processDefinitionKey: 'nothingDeployed' },
        }),
        'Process instance ids cannot be empty: Process instance ids is empty',
      ],
      [
        'a null id in the list',
        (_pd, pi) => ({ processDefinitionId: 'no-such-definition', instructions: startBefore, processInstanceIds: [pi, null] }),
        'Process instance ids cannot be null: Process instance ids contains null value',
      ],
      [
        'an unknown process definition',
        (_pd, pi) => ({ processDefinitionId: 'no-such-definition', instructions: startBefore, processInstanceIds: [pi] }),
        "no deployed process definition found with id 'no-such-definition': processDefinition is null",
      ],
      [
        'cancel by activity instance id (only activityId is supported)',
        (pd, pi) => ({ processDefinitionId: pd, instructions: [{ type: 'cancel', activityInstanceId: 'user1:1' }], processInstanceIds: [pi] }),
        "For instruction type 'cancel': 'activityId' must be set",
      ],
      [
        'cancel by transition instance id',
        (pd, pi) => ({ processDefinitionId: pd, instructions: [{ type: 'cancel', transitionInstanceId: 'abc' }], processInstanceIds: [pi] }),
        "For instruction type 'cancel': 'activityId' must be set",
      ],
      [
        'startBeforeActivity without activityId',
        (pd, pi) => ({ processDefinitionId: pd, instructions: [{ type: 'startBeforeActivity' }], processInstanceIds: [pi] }),
        "For instruction type 'startBeforeActivity': 'activityId' must be set",
      ],
      [
        'startAfterActivity without activityId',
        (pd, pi) => ({ processDefinitionId: pd, instructions: [{ type: 'startAfterActivity' }], processInstanceIds: [pi] }),
        "For instruction type 'startAfterActivity': 'activityId' must be set",
      ],
      [
        'startTransition without transitionId',
        (pd, pi) => ({ processDefinitionId: pd, instructions: [{ type: 'startTransition' }], processInstanceIds: [pi] }),
        "For instruction type 'startTransition': 'transitionId' must be set",
      ],
    ];

    let id: string;
    beforeAll(async () => {
      id = await startInstance(api, 'p1');
    });

    for (const endpoint of ENDPOINTS) {
      it.each(cases)(`${endpoint} rejects %s with 400 and changes nothing`, async (_name, body, message) => {
        // given
        const batchesBefore = (await api.get('/batch/count')).body.count;

        // when
        const response = await api.post(endpoint, body(definitions.p1!, id));

        // then
        expectError(response, 400, 'InvalidRequestException', message);
        expect((await api.get('/batch/count')).body.count).toBe(batchesBefore);
        expect(await shapeOf(api, id)).toBe('root{user1}');
      });

      // Regression (found while writing this suite, fixed): the instructions are validated before processDefinitionId; Camunda's ModificationBuilder constructor rejects a null processDefinitionId first (reference §1.8 order).
      it(`${endpoint} reports a null processDefinitionId before an invalid instruction`, async () => {
        // when
        const response = await api.post(endpoint, { processDefinitionId: null, instructions: [{ type: 'cancel', activityInstanceId: 'user1:1' }], processInstanceIds: ['x'] });

        // then
        expectError(response, 400, 'InvalidRequestException', 'processDefinitionId is null');
      });
    }
  });

  describe('synchronous execution', () => {
    it('modifies every listed instance and answers 204', async () => {
      // given
      const ids = await startInstances(api, 'p1', 3);

      // when
      const response = await api.post('/modification/execute', { processDefinitionId: definitions.p1, processInstanceIds: ids, instructions: [{ type: 'startAfterActivity', activityId: 'user1' }] });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      for (const id of ids) expect(await shapeOf(api, id)).toBe('root{user1, user2}');
    });

    it('ignores instruction variables and ancestors, which the multi-instance builder does not have', async () => {
      // given
      const id = await startInstance(api, 'p1');

      // when
      const response = await api.post('/modification/execute', {
        processDefinitionId: definitions.p1,
        processInstanceIds: [id],
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2', ancestorActivityInstanceId: 'no-such-instance', variables: { ignored: { value: 1, type: 'Integer' } } }],
      });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect(await shapeOf(api, id)).toBe('root{user1, user2}');
      expect((await api.get(`/process-instance/${id}/variables`)).body).toEqual({});
    });

    it('fails with ENGINE-13037 for an instance of another definition and changes none of the instances', async () => {
      // given
      const own = await startInstance(api, 'p1');
      const foreign = await startInstance(api, 'otherProcess');

      // when
      const response = await api.post('/modification/execute', {
        processDefinitionId: definitions.p1,
        processInstanceIds: [own, foreign],
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      });

      // then
      expectError(
        response,
        500,
        'ProcessEngineException',
        `ENGINE-13037 Process instance '${foreign}' cannot be modified. Its process definition '${definitions.otherProcess}' does not match given process definition '${definitions.p1}'`,
        0,
      );
      expect(await shapeOf(api, own)).toBe('root{user1}');
      expect(await shapeOf(api, foreign)).toBe('root{a}');
    });

    it('fails with ENGINE-13036 for an unknown instance and changes none of the instances', async () => {
      // given
      const own = await startInstance(api, 'p1');

      // when
      const response = await api.post('/modification/execute', {
        processDefinitionId: definitions.p1,
        processInstanceIds: [own, 'no-such-instance'],
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      });

      // then
      expectError(response, 500, 'ProcessEngineException', "ENGINE-13036 Process instance 'no-such-instance' cannot be modified. The process instance does not exist", 0);
      expect(await shapeOf(api, own)).toBe('root{user1}');
    });
  });

  describe('asynchronous execution with workers running', () => {
    it('creates one job per instance and modifies all of them (B3)', async () => {
      // given
      const ids = await startInstances(api, 'p1', 10);

      // when
      const batch = await executeAsync(api, { processDefinitionId: definitions.p1, processInstanceIds: ids, instructions: [{ type: 'startAfterActivity', activityId: 'user1' }] });

      // then
      expect(batch).toMatchObject({
        type: 'instance-modification',
        totalJobs: 10,
        jobsCreated: 0,
        batchJobsPerSeed: 100,
        invocationsPerBatchJob: 1,
        tenantId: null,
        suspended: false,
        executionStartTime: null,
      });
      expect(batch.startTime).toMatch(CAMUNDA_DATE);
      const historic = await completed(api, batch.id);
      expect(historic).toMatchObject({ totalJobs: 10, endTime: expect.stringMatching(CAMUNDA_DATE), executionStartTime: expect.stringMatching(CAMUNDA_DATE) });
      for (const id of ids) expect(await shapeOf(api, id)).toBe('root{user1, user2}');
      expect(await jobsOf(api, batch)).toEqual([]);
    });

    it('applies the same instructions to instances in different states (B3)', async () => {
      // given one instance already in user2 and one still in user1
      const [ahead, behind] = await startInstances(api, 'p1', 2);
      await completeTask(api, ahead!, 'user1');

      // when
      const batch = await executeAsync(api, { processDefinitionId: definitions.p1, processInstanceIds: [ahead, behind], instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });

      // then
      await completed(api, batch.id);
      expect(await shapeOf(api, ahead!)).toBe('root{user2, user2}');
      expect(await shapeOf(api, behind!)).toBe('root{user1, user2}');
    });

    it('fails only the job of an instance of another definition with ENGINE-13037', async () => {
      // given
      const own = await startInstance(api, 'p1');
      const foreign = await startInstance(api, 'otherProcess');

      // when
      const batch = await executeAsync(api, { processDefinitionId: definitions.p1, processInstanceIds: [own, foreign], instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });

      // then
      const failed = await eventually(async () => (await jobsOf(api, batch)).find((j) => j.retries === 0 && j.id === `${batch.id}-000001`));
      expect(failed.exceptionMessage).toBe(
        `ENGINE-13037 Process instance '${foreign}' cannot be modified. Its process definition '${definitions.otherProcess}' does not match given process definition '${definitions.p1}'`,
      );
      await eventually(async () => (await jobsOf(api, batch)).length === 1);
      expect(await shapeOf(api, own)).toBe('root{user1, user2}');
      expect(await shapeOf(api, foreign)).toBe('root{a}');
      expect((await api.get(`/batch/statistics?batchId=${batch.id}`)).body[0]).toMatchObject({ remainingJobs: 1, completedJobs: 1, failedJobs: 1 });
    });

    describe('cancelCurrentActiveActivityInstances (S39)', () => {
      const instructions = (flag: boolean) => [
        { type: 'startBeforeActivity', activityId: 'ser' },
        { type: 'cancel', activityId: 'user', cancelCurrentActiveActivityInstances: flag },
      ];

      async function run(endpoint: (typeof ENDPOINTS)[number], ids: string[], flag: boolean): Promise<void> {
        const response = await api.post(endpoint, { processDefinitionId: definitions.cancelFlagProcess, processInstanceIds: ids, instructions: instructions(flag) });
        if (endpoint === '/modification/execute') {
          expect(response.status, JSON.stringify(response.body)).toBe(204);
        } else {
          expect(response.status, JSON.stringify(response.body)).toBe(200);
          await completed(api, response.body.id);
        }
      }

      it.each(ENDPOINTS)('%s without the flag cancels the new user task too, ending the instance', async (endpoint) => {
        // given
        const id = await startInstance(api, 'cancelFlagProcess');
        expect(await shapeOf(api, id)).toBe('root{user}');

        // when
        await run(endpoint, [id], false);

        // then
        expect(await shapeOf(api, id)).toBe('ended');
        const historic = (await api.get(`/history/process-instance/${id}`)).body;
        expect(historic.endTime).toMatch(CAMUNDA_DATE);
      });

      it.each(ENDPOINTS)('%s with the flag cancels only the instances active before, leaving the new user task', async (endpoint) => {
        // given
        const ids = await startInstances(api, 'cancelFlagProcess', 2);
        const before = new Map<string, string>();
        for (const id of ids) before.set(id, ((await api.get(`/task?processInstanceId=${id}`)).body as { id: string }[])[0]!.id);

        // when
        await run(endpoint, ids, true);

        // then
        for (const id of ids) {
          expect(await shapeOf(api, id)).toBe('root{user}');
          const tasks = (await api.get(`/task?processInstanceId=${id}`)).body as { id: string; taskDefinitionKey: string }[];
          expect(tasks).toHaveLength(1);
          expect(tasks[0]!.taskDefinitionKey).toBe('user');
          expect(tasks[0]!.id).not.toBe(before.get(id));
        }
      });
    });
  });

  describe('the target set of executeAsync (hand-driven workers)', () => {
    it('unites ids, the runtime query and the historic query once, at creation, without duplicates', async () => {
      // given
      const [a, b] = await startInstances(seededApi, 'unionProcess', 2);

      // when
      const batch = await executeAsync(seededApi, {
        processDefinitionId: seededDefinitions.unionProcess,
        processInstanceIds: [a],
        processInstanceQuery: { processDefinitionKey: 'unionProcess' },
        historicProcessInstanceQuery: { processDefinitionKey: 'unionProcess', unfinished: true },
        instructions: [{ type: 'startBeforeActivity', activityId: 'u2' }],
      });
      const late = await startInstance(seededApi, 'unionProcess');
      await seedOnce(seeded, seededApi, batch.id);
      await drain(seeded, ['execute']);

      // then
      expect(batch).toMatchObject({ totalJobs: 2, invocationsPerBatchJob: 1, batchJobsPerSeed: 10 });
      expect(await shapeOf(seededApi, a!)).toBe('root{u1, u2}');
      expect(await shapeOf(seededApi, b!)).toBe('root{u1, u2}');
      expect(await shapeOf(seededApi, late)).toBe('root{u1}');
      await monitorUntilCompleted(seeded, seededApi, batch.id);
    });

    it('unites explicit ids with runtime and historic queries by id (totalJobs = #distinct ids)', async () => {
      // given
      const [a, b, c] = await startInstances(seededApi, 'p1', 3);

      // when
      const batch = await executeAsync(seededApi, {
        processDefinitionId: seededDefinitions.p1,
        processInstanceIds: [a, b],
        processInstanceQuery: { processInstanceIds: [b, c] },
        historicProcessInstanceQuery: { processInstanceIds: [a, c] },
        instructions: [{ type: 'startAfterActivity', activityId: 'user1' }],
      });
      await seedOnce(seeded, seededApi, batch.id);

      // then
      expect(batch.totalJobs).toBe(3);
      expect((await jobsOf(seededApi, batch)).map((j) => j.id).sort()).toEqual([0, 1, 2].map((i) => `${batch.id}-00000${i}`));
      await drain(seeded, ['execute']);
      for (const id of [a, b, c]) expect(await shapeOf(seededApi, id!)).toBe('root{user1, user2}');
      await monitorUntilCompleted(seeded, seededApi, batch.id);
    });

    it('includes finished instances matched by a historic query, whose jobs then fail with ENGINE-13036 (B5)', async () => {
      // given one running and one finished instance
      const [running, finished] = await startInstances(seededApi, 'otherProcess', 2);
      await completeTask(seededApi, finished!, 'a');
      await completeTask(seededApi, finished!, 'b');
      expect(await shapeOf(seededApi, finished!)).toBe('ended');

      // when
      const batch = await executeAsync(seededApi, {
        processDefinitionId: seededDefinitions.otherProcess,
        historicProcessInstanceQuery: { processInstanceIds: [running, finished] },
        instructions: [{ type: 'startBeforeActivity', activityId: 'b' }],
      });
      await seedOnce(seeded, seededApi, batch.id);
      await drain(seeded, ['execute']);

      // then
      expect(batch.totalJobs).toBe(2);
      expect(await shapeOf(seededApi, running!)).toBe('root{a, b}');
      const [failed] = await jobsOf(seededApi, batch);
      expect(failed!.retries).toBe(0);
      expect(failed!.exceptionMessage).toBe(`ENGINE-13036 Process instance '${finished}' cannot be modified. The process instance does not exist`);
    });

    it('leaves finished instances out when the historic query asks for unfinished ones', async () => {
      // given
      const [running, finished] = await startInstances(seededApi, 'otherProcess', 2);
      await completeTask(seededApi, finished!, 'a');
      await completeTask(seededApi, finished!, 'b');

      // when
      const batch = await executeAsync(seededApi, {
        processDefinitionId: seededDefinitions.otherProcess,
        historicProcessInstanceQuery: { processInstanceIds: [running, finished], unfinished: true },
        instructions: [{ type: 'startBeforeActivity', activityId: 'b' }],
      });

      // then
      expect(batch.totalJobs).toBe(1);
      await seedOnce(seeded, seededApi, batch.id);
      await drain(seeded, ['execute']);
      expect(await shapeOf(seededApi, running!)).toBe('root{a, b}');
      await monitorUntilCompleted(seeded, seededApi, batch.id);
    });

    it('creates batchJobsPerSeed jobs per seed run until all exist, then the jobs modify every instance (B2)', async () => {
      // given 25 instances and batchJobsPerSeed 10
      const ids = await startInstances(seededApi, 'chunkProcess', 25);
      const tasks = async (activityId: string) => (await seededApi.get(`/task/count?processDefinitionKey=chunkProcess&taskDefinitionKey=${activityId}`)).body.count as number;
      const batch = await executeAsync(seededApi, {
        processDefinitionId: seededDefinitions.chunkProcess,
        processInstanceIds: ids,
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      });
      expect(batch).toMatchObject({ totalJobs: 25, jobsCreated: 0, batchJobsPerSeed: 10, invocationsPerBatchJob: 1 });

      // when the seed runs once
      const afterFirst = await seedOnce(seeded, seededApi, batch.id);

      // then ten execution jobs exist, none bound to a process, and nothing ran yet
      expect(afterFirst).toBe(10);
      const jobs = await jobsOf(seededApi, batch);
      expect(jobs.map((j) => j.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${batch.id}-${String(i).padStart(6, '0')}`));
      for (const job of jobs) expect(job).toMatchObject({ processInstanceId: null, processDefinitionId: null, executionId: null, retries: 3 });
      expect((await seededApi.get(`/batch/statistics?batchId=${batch.id}`)).body[0]).toMatchObject({ remainingJobs: 25, completedJobs: 0, failedJobs: 0 });
      expect(await tasks('user2')).toBe(0);

      // when the seed runs twice more
      expect(await seedOnce(seeded, seededApi, batch.id)).toBe(20);
      expect(await seedOnce(seeded, seededApi, batch.id)).toBe(25);

      // then all jobs exist and the batch has no more seed work
      expect(await jobsOf(seededApi, batch)).toHaveLength(25);
      await drain(seeded, ['seed']);
      expect((await seededApi.get(`/batch/${batch.id}`)).body.jobsCreated).toBe(25);

      // when the jobs (all distinct, no duplicates queued) and the monitor run
      await drain(seeded, ['execute'], { parallel: true });
      const historic = await monitorUntilCompleted(seeded, seededApi, batch.id);

      // then every instance got exactly one user2 next to its user1
      expect(await tasks('user1')).toBe(25);
      expect(await tasks('user2')).toBe(25);
      expect(await shapeOf(seededApi, ids[0]!)).toBe('root{user1, user2}');
      expect(await shapeOf(seededApi, ids[24]!)).toBe('root{user1, user2}');
      expect(historic.endTime).toMatch(CAMUNDA_DATE);
    });
  });

  describe('invocationsPerBatchJob from the configuration (hand-driven workers)', () => {
    it('cuts the instances into ceil(#ids / n) jobs of n instances', async () => {
      // given
      const ids = await startInstances(chunkedApi, 'p1', 7);

      // when
      const batch = await executeAsync(chunkedApi, { processDefinitionId: chunkedDefinitions.p1, processInstanceIds: ids, instructions: [{ type: 'startAfterActivity', activityId: 'user1' }] });
      await seedOnce(chunked, chunkedApi, batch.id);

      // then
      expect(batch).toMatchObject({ totalJobs: 3, invocationsPerBatchJob: 3 });
      expect((await jobsOf(chunkedApi, batch)).map((j) => j.id).sort()).toEqual([0, 1, 2].map((i) => `${batch.id}-00000${i}`));
      await drain(chunked, ['execute']);
      for (const id of ids) expect(await shapeOf(chunkedApi, id)).toBe('root{user1, user2}');
      const historic = await monitorUntilCompleted(chunked, chunkedApi, batch.id);
      expect(historic).toMatchObject({ totalJobs: 3, invocationsPerBatchJob: 3 });
    });

    it('keeps totalJobs 1 for a single-instance async modification', async () => {
      // given
      const id = await startInstance(chunkedApi, 'p1');

      // when
      const response = await chunkedApi.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });

      // then
      expect(response.status).toBe(200);
      expect(response.body.totalJobs).toBe(1);
      await seedOnce(chunked, chunkedApi, response.body.id);
      await drain(chunked, ['execute']);
      expect(await shapeOf(chunkedApi, id)).toBe('root{user1, user2}');
    });

    // Regression (found while writing this suite, fixed): single-instance modification-async reports invocationsPerBatchJob 1 instead of the configured value (Camunda's BatchBuilder takes it from the configuration; [test] testSetInvocationsPerBatchType expects 42).
    it('reports the configured invocationsPerBatchJob for a single-instance async modification', async () => {
      // given
      const id = await startInstance(chunkedApi, 'p1');

      // when
      const response = await chunkedApi.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });

      // then
      expect(response.body).toMatchObject({ totalJobs: 1, invocationsPerBatchJob: 3 });
    });

    // Regression (found while writing this suite, fixed): a job over several instances modifies them one by one and keeps the ones before a failing instance modified; Camunda runs the job in one transaction, so one bad instance rolls back all of its instances (reference §4.5).
    it('rolls back every instance of a job when one of its instances fails (reference §4.5)', async () => {
      // given one job over three instances, the middle one deleted before the job runs
      const [first, middle, last] = await startInstances(chunkedApi, 'p1', 3);
      const batch = await executeAsync(chunkedApi, {
        processDefinitionId: chunkedDefinitions.p1,
        processInstanceIds: [first, middle, last],
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
      });
      await seedOnce(chunked, chunkedApi, batch.id);
      expect((await chunkedApi.delete(`/process-instance/${middle}`)).status).toBe(204);

      // when
      await drain(chunked, ['execute']);

      // then
      const [job] = await jobsOf(chunkedApi, batch);
      expect(job!.retries).toBe(0);
      expect(job!.exceptionMessage).toMatch(/^ENGINE-13036/);
      expect(await shapeOf(chunkedApi, first!)).toBe('root{user1}');
      expect(await shapeOf(chunkedApi, last!)).toBe('root{user1}');
    });
  });
});
