/**
 * The REST operations that raise BPMN events, end to end through the local runtime and the emulator:
 * POST /task/{id}/bpmnError, /task/{id}/bpmnEscalation and /external-task/{id}/bpmnError, each with
 * Camunda's answers to bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape } from './inline-bpmn.ts';

const REVIEW_MODEL = bpmnXml(
  'reviewWithEvents',
  `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
   <userTask id="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="approved"/><userTask id="approved"/>
   <boundaryEvent id="rejected" attachedToRef="review"><errorEventDefinition errorRef="rejection" camunda:errorMessageVariable="reason"/></boundaryEvent>
   <sequenceFlow id="f3" sourceRef="rejected" targetRef="rework"/><userTask id="rework"/>
   <boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><escalationEventDefinition escalationRef="lateness" camunda:escalationCodeVariable="escalated"/></boundaryEvent>
   <sequenceFlow id="f4" sourceRef="late" targetRef="remind"/><userTask id="remind"/>`,
  '<error id="rejection" errorCode="REJECTED"/><escalation id="lateness" escalationCode="LATE"/>',
);

const WORKER_MODEL = bpmnXml(
  'workerWithErrors',
  `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="charge"/>
   <serviceTask id="charge" camunda:type="external" camunda:topic="charging"/><sequenceFlow id="f2" sourceRef="charge" targetRef="charged"/><userTask id="charged"/>
   <boundaryEvent id="declined" attachedToRef="charge"><errorEventDefinition errorRef="declinedError" camunda:errorCodeVariable="code"/></boundaryEvent>
   <sequenceFlow id="f3" sourceRef="declined" targetRef="askForCard"/><userTask id="askForCard"/>`,
  '<error id="declinedError" errorCode="CARD_DECLINED"/>',
);

describe('REST operations that raise BPMN errors and escalations', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const start = async (key: string) => {
    const response = await api.post(`/process-definition/key/${key}/start`, {});
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  };
  const shape = async (id: string) => treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode);
  const taskOf = async (id: string, key: string) => {
    const tasks = (await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=${key}`)).body as { id: string }[];
    expect(tasks).toHaveLength(1);
    return tasks[0]!.id;
  };
  const variable = async (id: string, name: string) => (await api.get(`/process-instance/${id}/variables/${name}`)).body;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'review.bpmn': REVIEW_MODEL, 'worker.bpmn': WORKER_MODEL });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  describe('POST /task/{id}/bpmnError', () => {
    it('sets the variables and lets the error boundary event take the token', async () => {
      // given
      const id = await start('reviewWithEvents');
      const taskId = await taskOf(id, 'review');

      // when
      const response = await api.post(`/task/${taskId}/bpmnError`, {
        errorCode: 'REJECTED',
        errorMessage: 'typo on page 2',
        variables: { reviewer: { value: 'ann', type: 'String' } },
      });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect(await shape(id)).toBe('root{rework}');
      expect(await variable(id, 'reason')).toMatchObject({ value: 'typo on page 2', type: 'String' });
      expect(await variable(id, 'reviewer')).toMatchObject({ value: 'ann', type: 'String' });
      expect((await api.get(`/task/${taskId}`)).status).toBe(404);
    });

    it('answers 400 for a missing error code and 404 for an unknown task', async () => {
      // given
      const id = await start('reviewWithEvents');
      const taskId = await taskOf(id, 'review');

      // when
      const noCode = await api.post(`/task/${taskId}/bpmnError`, { errorMessage: 'x' });
      const unknown = await api.post('/task/no-such-task/bpmnError', { errorCode: 'REJECTED' });
      const badVariables = await api.post(`/task/${taskId}/bpmnError`, { errorCode: 'REJECTED', variables: { v: { value: 'x', type: 'NoSuchType' } } });

      // then
      expect(noCode.status).toBe(400);
      expect(noCode.body).toEqual({ type: 'BadUserRequestException', message: 'errorCode is empty', code: 0 });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ type: 'RestException', message: 'Cannot find task with id no-such-task: task is null', code: null });
      expect(badVariables.status).toBe(400);
      expect(await shape(id)).toBe('root{review}');
    });
  });

  describe('POST /task/{id}/bpmnEscalation', () => {
    it('starts the non-interrupting escalation path; the task stays', async () => {
      // given
      const id = await start('reviewWithEvents');
      const taskId = await taskOf(id, 'review');

      // when
      const response = await api.post(`/task/${taskId}/bpmnEscalation`, { escalationCode: 'LATE' });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect(await shape(id)).toBe('root{remind, review}');
      expect(await variable(id, 'escalated')).toMatchObject({ value: 'LATE' });
    });

    it("answers Camunda's 500 for an escalation nobody catches, 400 without a code, and changes nothing", async () => {
      // given
      const id = await start('reviewWithEvents');
      const taskId = await taskOf(id, 'review');

      // when
      const uncaught = await api.post(`/task/${taskId}/bpmnEscalation`, { escalationCode: 'UNKNOWN' });
      const noCode = await api.post(`/task/${taskId}/bpmnEscalation`, {});

      // then
      expect(uncaught.status).toBe(500);
      expect(uncaught.body).toEqual({
        type: 'ProcessEngineException',
        message: "ENGINE-02043 Execution with id 'review' throws an escalation event with escalationCode 'UNKNOWN', but no escalation handler was defined. ",
        code: 0,
      });
      expect(noCode.status).toBe(400);
      expect(noCode.body.message).toBe('escalationCode is empty');
      expect(await shape(id)).toBe('root{review}');
    });
  });

  describe('POST /external-task/{id}/bpmnError', () => {
    const fetchOne = async () => {
      const fetched = await api.post('/external-task/fetchAndLock', { workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'charging', lockDuration: 60_000 }] });
      expect(fetched.status).toBe(200);
      return fetched.body[0] as { id: string; processInstanceId: string };
    };

    it('the locking worker reports the error; the boundary event catches it', async () => {
      // given
      const id = await start('workerWithErrors');
      const task = await fetchOne();
      expect(task.processInstanceId).toBe(id);

      // when
      const response = await api.post(`/external-task/${task.id}/bpmnError`, { workerId: 'w1', errorCode: 'CARD_DECLINED', variables: { card: { value: '4111', type: 'String' } } });

      // then
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      expect(await shape(id)).toBe('root{askForCard}');
      expect(await variable(id, 'code')).toMatchObject({ value: 'CARD_DECLINED' });
      expect(await variable(id, 'card')).toMatchObject({ value: '4111' });
      expect((await api.get(`/external-task/${task.id}`)).status).toBe(404);
    });

    it('answers 400 for another worker or a missing worker id, and 404 for an unknown external task', async () => {
      // given
      const id = await start('workerWithErrors');
      const task = await fetchOne();

      // when
      const otherWorker = await api.post(`/external-task/${task.id}/bpmnError`, { workerId: 'w2', errorCode: 'CARD_DECLINED' });
      const noWorker = await api.post(`/external-task/${task.id}/bpmnError`, { errorCode: 'CARD_DECLINED' });
      const unknown = await api.post('/external-task/nope/bpmnError', { workerId: 'w1', errorCode: 'CARD_DECLINED' });

      // then
      expect(otherWorker.status).toBe(400);
      expect(otherWorker.body).toEqual({
        type: 'BadUserRequestException',
        message: `Bpmn error of External Task ${task.id} cannot be reported by worker 'w2'. It is locked by worker 'w1'.`,
        code: 0,
      });
      expect(noWorker.status).toBe(400);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ type: 'RestException', message: 'External task with id nope does not exist', code: null });
      expect(await shape(id)).toBe('root{charge}');
    });
  });
});
