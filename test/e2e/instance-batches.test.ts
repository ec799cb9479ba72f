import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, userTaskChain } from './inline-bpmn.ts';

/** start → one-hour timer → user task `after`: an instance with one job that is not due. */
const TIMER_THEN_TASK = bpmnXml(
  'timerThenTask',
  `<startEvent id="start"/>
   <intermediateCatchEvent id="waitTimer"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
   <userTask id="after"/>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="waitTimer"/>
   <sequenceFlow id="f2" sourceRef="waitTimer" targetRef="after"/>
   <sequenceFlow id="f3" sourceRef="after" targetRef="end"/>`,
);

/** start → external task of topic `batchTopic` → end. */
const EXTERNAL_TASK = bpmnXml(
  'externalWork',
  `<startEvent id="start"/>
   <serviceTask id="work" camunda:type="external" camunda:topic="batchTopic"/>
   <endEvent id="end"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
   <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>`,
);

interface JobDto {
  id: string;
  retries: number;
  dueDate: string | null;
}

describe('batches that suspend, set variables and set job retries (ProcessInstanceRestServiceInteractionTest, JobRestServiceInteractionTest, …AsyncTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const startWaiting = async () => (await api.post('/process-definition/key/batchTargets/start', {})).body.id as string;
  const startTimer = async () => (await api.post('/process-definition/key/timerThenTask/start', {})).body.id as string;
  /** Waits until the batch has completed (it is removed from the runtime) and returns its history. */
  const completed = async (batchId: string) => {
    await eventually(async () => (await api.get(`/batch/${batchId}`)).status === 404, 20_000);
    return (await api.get(`/history/batch/${batchId}`)).body as Record<string, unknown>;
  };
  const jobOf = async (processInstanceId: string) => ((await api.get(`/job?processInstanceId=${processInstanceId}`)).body as JobDto[])[0]!;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    await api.deploy({ 'targets.bpmn': userTaskChain('batchTargets', ['wait']), 'timer.bpmn': TIMER_THEN_TASK, 'external.bpmn': EXTERNAL_TASK });
  });
  afterAll(() => runtime?.stop());

  describe('POST /process-instance/suspended-async', () => {
    it('suspends the instances named and found by a query, passes an unknown id by, and activates them again', async () => {
      const [a, b] = [await startWaiting(), await startWaiting()];
      const response = await api.post('/process-instance/suspended-async', { processInstanceIds: [a, 'no-such-instance'], processInstanceQuery: { processInstanceIds: [b] }, suspended: true });
      expect(response).toMatchObject({ status: 200, body: { type: 'instance-update-suspension-state' } });
      expect((await completed(response.body.id)).endTime).toEqual(expect.any(String));
      for (const id of [a, b]) expect((await api.get(`/process-instance/${id}`)).body.suspended).toBe(true);
      const task = (await api.get(`/task?processInstanceId=${a}`)).body[0];
      expect(await api.post(`/task/${task.id}/complete`, {})).toMatchObject({ status: 500, body: { message: expect.stringContaining('is suspended') } });

      const activation = await api.post('/process-instance/suspended-async', { historicProcessInstanceQuery: { processInstanceId: a }, suspended: false });
      expect(activation.status).toBe(200);
      await completed(activation.body.id);
      expect((await api.get(`/process-instance/${a}`)).body.suspended).toBe(false);
      expect((await api.get(`/process-instance/${b}`)).body.suspended).toBe(true);
    });

    it("answers Camunda's 400s for no selection and for an empty one", async () => {
      expect(await api.post('/process-instance/suspended-async', { suspended: true })).toMatchObject({
        status: 400,
        body: { type: 'InvalidRequestException', message: 'Either processInstanceIds, processInstanceQuery or historicProcessInstanceQuery should be set to update the suspension state.' },
      });
      expect(await api.post('/process-instance/suspended-async', { processInstanceIds: [], suspended: true })).toMatchObject({
        status: 400,
        body: { type: 'InvalidRequestException', message: 'No process instance ids given: process Instance Ids is empty' },
      });
    });
  });

  describe('POST /process-instance/variables-async', () => {
    it('sets the variables on each running instance selected, a suspended one included', async () => {
      const [a, suspended] = [await startWaiting(), await startWaiting()];
      expect((await api.put(`/process-instance/${suspended}/suspended`, { suspended: true })).status).toBe(204);
      const response = await api.post('/process-instance/variables-async', {
        processInstanceIds: [a, 'no-such-instance'],
        historicProcessInstanceQuery: { processInstanceId: suspended },
        variables: { approved: { value: true, type: 'Boolean' }, amount: { value: 42, type: 'Integer' } },
      });
      // The unknown id is no element of the batch (one job per element): Camunda keeps only the ids of running instances.
      expect(response).toMatchObject({ status: 200, body: { type: 'set-variables', totalJobs: 2 } });
      await completed(response.body.id);
      for (const id of [a, suspended]) {
        expect((await api.get(`/process-instance/${id}/variables`)).body).toMatchObject({ approved: { value: true, type: 'Boolean' }, amount: { value: 42, type: 'Integer' } });
      }
    });

    it("answers Camunda's errors in its order of checks", async () => {
      const a = await startWaiting();
      expect(await api.post('/process-instance/variables-async', { processInstanceIds: [a] })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'variables is null' } });
      expect(await api.post('/process-instance/variables-async', { processInstanceIds: [a], variables: {} })).toMatchObject({
        status: 400,
        body: { type: 'BadUserRequestException', message: 'variables is empty' },
      });
      const variables = { x: { value: 1, type: 'Integer' } };
      expect(await api.post('/process-instance/variables-async', { variables })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'No process instances found.' } });
      expect(await api.post('/process-instance/variables-async', { processInstanceIds: ['no-such-instance'], variables })).toMatchObject({
        status: 400,
        body: { type: 'BadUserRequestException', message: 'processInstanceIds is empty' },
      });
      const wrong = await api.post('/process-instance/variables-async', { processInstanceIds: [a], variables: { x: { value: 'abc', type: 'Integer' } } });
      expect(wrong).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: expect.stringMatching(/^Cannot set variables: /) } });
    });
  });

  describe('POST /process-instance/job-retries, …-historic-query-based and POST /job/retries', () => {
    it('gives the jobs of the selected instances their retries and, when given, their due date', async () => {
      const [a, b] = [await startTimer(), await startTimer()];
      const before = await jobOf(b);
      const response = await api.post('/process-instance/job-retries', { processInstances: [a], retries: 7, dueDate: '2031-01-02T03:04:05.000+0000' });
      expect(response).toMatchObject({ status: 200, body: { type: 'set-job-retries', totalJobs: 1 } });
      await completed(response.body.id);
      expect(await jobOf(a)).toMatchObject({ retries: 7, dueDate: '2031-01-02T03:04:05.000+0000' });

      const historic = await api.post('/process-instance/job-retries-historic-query-based', { historicProcessInstanceQuery: { processInstanceId: b }, retries: 4 });
      expect(historic.status).toBe(200);
      await completed(historic.body.id);
      // Without `dueDate` the due date stays.
      expect(await jobOf(b)).toMatchObject({ retries: 4, dueDate: before.dueDate });
    });

    it('sets the retries of jobs named and found by a job query; a null due date makes the job due at once', async () => {
      const [a, b] = [await startTimer(), await startTimer()];
      const response = await api.post('/job/retries', { jobIds: [(await jobOf(a)).id], jobQuery: { processInstanceId: b }, retries: 2, dueDate: null });
      expect(response).toMatchObject({ status: 200, body: { type: 'set-job-retries' } });
      await completed(response.body.id);
      // Both timers fired: each instance waits in its user task now.
      for (const id of [a, b]) await eventually(async () => (await api.get(`/task?processInstanceId=${id}`)).body.length === 1, 20_000);
    });

    it('sets the retries of a timer start job, which belongs to no instance', async () => {
      const deployed = await api.deploy({
        'timer-start.bpmn': bpmnXml(
          'hourlyStart',
          `<startEvent id="hourly"><timerEventDefinition><timeCycle>R/PT1H</timeCycle></timerEventDefinition></startEvent><userTask id="t"/><sequenceFlow id="f" sourceRef="hourly" targetRef="t"/>`,
        ),
      });
      expect(deployed.status).toBe(200);
      const [job] = (await api.get('/job?processDefinitionKey=hourlyStart')).body as JobDto[];
      const response = await api.post('/job/retries', { jobQuery: { processDefinitionKey: 'hourlyStart' }, retries: 9 });
      expect(response).toMatchObject({ status: 200, body: { totalJobs: 1 } });
      await completed(response.body.id);
      expect((await api.get(`/job/${job!.id}`)).body).toMatchObject({ retries: 9, dueDate: job!.dueDate });
    });

    it('fails the batch job of a job that is gone before its turn', async () => {
      const response = await api.post('/job/retries', { jobIds: ['no-such-job'], retries: 1 });
      expect(response.status).toBe(200);
      const failed = await eventually(async () => {
        const [job] = (await api.get(`/job?jobDefinitionId=${response.body.batchJobDefinitionId}`)).body as { retries: number; exceptionMessage: string | null }[];
        return job && job.retries === 0 ? job : undefined;
      }, 20_000);
      expect(failed.exceptionMessage).toBe("ENGINE-13053 No job found with id 'no-such-job'.'");
    });

    it("answers Camunda's errors: missing retries, nothing selected, no jobs, negative retries", async () => {
      const waiting = await startWaiting();
      expect(await api.post('/process-instance/job-retries', { processInstances: [waiting] })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'retries is null' } });
      expect(await api.post('/job/retries', { jobIds: ['x'] })).toMatchObject({ status: 400, body: { message: 'retries is null' } });
      expect(await api.post('/process-instance/job-retries', { retries: 1 })).toMatchObject({
        status: 500,
        body: { type: 'ProcessEngineException', message: 'ENGINE-13051 You must specify at least one of or one of processInstanceIds, processInstanceQuery, or historicProcessInstanceQuery.' },
      });
      expect(await api.post('/job/retries', { retries: 1 })).toMatchObject({ status: 500, body: { message: 'ENGINE-13050 You must specify at least one of jobIds or jobQuery.' } });
      expect(await api.post('/process-instance/job-retries', { processInstances: [waiting], retries: 1 })).toMatchObject({
        status: 400,
        body: { type: 'InvalidRequestException', message: 'jobIds is empty' },
      });
      const timer = await startTimer();
      expect(await api.post('/process-instance/job-retries', { processInstances: [timer], retries: -1 })).toMatchObject({
        status: 500,
        body: { type: 'ProcessEngineException', message: 'Retries count is not greater than or equal to 0' },
      });
      expect(await api.post('/job/retries', { jobIds: ['x'], retries: 1, dueDate: 'not a date' })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException' } });
    });
  });
  describe('POST /external-task/retries-async', () => {
    it('sets the retries of the tasks named, found by a query and of the selected instances; 0 raises the incident', async () => {
      const start = async () => (await api.post('/process-definition/key/externalWork/start', {})).body.id as string;
      const [a, b, c] = [await start(), await start(), await start()];
      const taskOf = async (id: string) => (await api.get(`/external-task?processInstanceId=${id}`)).body[0] as { id: string; retries: number | null };
      const response = await api.post('/external-task/retries-async', {
        externalTaskIds: [(await taskOf(a)).id],
        processInstanceIds: [b],
        historicProcessInstanceQuery: { processInstanceId: c },
        retries: 0,
      });
      expect(response).toMatchObject({ status: 200, body: { type: 'set-external-task-retries', totalJobs: 3 } });
      await completed(response.body.id);
      for (const id of [a, b, c]) expect((await taskOf(id)).retries).toBe(0);
      expect((await api.get(`/incident?processInstanceId=${a}`)).body).toMatchObject([{ incidentType: 'failedExternalTask' }]);
    });

    it("answers Camunda's errors; a task gone before its turn fails its batch job", async () => {
      expect(await api.post('/external-task/retries-async', { externalTaskIds: ['x'] })).toMatchObject({ status: 400, body: { message: 'The number of retries cannot be null.' } });
      expect(await api.post('/external-task/retries-async', { retries: 1 })).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'externalTaskIds is empty' } });
      expect(await api.post('/external-task/retries-async', { externalTaskIds: [null], retries: 1 })).toMatchObject({
        status: 400,
        body: { message: 'External task id cannot be null: externalTaskIds contains null value' },
      });
      const gone = await api.post('/external-task/retries-async', { externalTaskIds: ['no-such-task'], retries: 1 });
      expect(gone.status).toBe(200);
      const failed = await eventually(async () => {
        const [job] = (await api.get(`/job?jobDefinitionId=${gone.body.batchJobDefinitionId}`)).body as { retries: number; exceptionMessage: string | null }[];
        return job && job.retries === 0 ? job : undefined;
      }, 20_000);
      expect(failed.exceptionMessage).toBe('Cannot find external task with id no-such-task: externalTask is null');
    });
  });

  describe('POST /history/process-instance/delete', () => {
    it('deletes the history of finished instances, named and found by a query; an unknown id is passed by', async () => {
      const [a, b] = [await startWaiting(), await startWaiting()];
      for (const id of [a, b]) expect((await api.delete(`/process-instance/${id}`)).status).toBe(204);
      const response = await api.post('/history/process-instance/delete', {
        historicProcessInstanceIds: [a, 'no-such-instance'],
        historicProcessInstanceQuery: { processInstanceId: b },
        deleteReason: 'cleanup',
      });
      expect(response).toMatchObject({ status: 200, body: { type: 'historic-instance-deletion', totalJobs: 3 } });
      expect((await completed(response.body.id)).endTime).toEqual(expect.any(String));
      for (const id of [a, b]) expect((await api.get(`/history/process-instance/${id}`)).status).toBe(404);
    });

    it('fails the job of an instance still running, and refuses a batch of nothing', async () => {
      const running = await startWaiting();
      const response = await api.post('/history/process-instance/delete', { historicProcessInstanceIds: [running] });
      const failed = await eventually(async () => {
        const [job] = (await api.get(`/job?jobDefinitionId=${response.body.batchJobDefinitionId}`)).body as { retries: number; exceptionMessage: string | null }[];
        return job && job.retries === 0 ? job : undefined;
      }, 20_000);
      expect(failed.exceptionMessage).toMatch(/^Process instance is still running, cannot delete historic process instance/);
      expect((await api.get(`/history/process-instance/${running}`)).status).toBe(200);
      expect(await api.post('/history/process-instance/delete', { historicProcessInstanceIds: [] })).toMatchObject({
        status: 400,
        body: { type: 'InvalidRequestException', message: 'historicProcessInstanceIds is empty' },
      });
    });
  });
});
