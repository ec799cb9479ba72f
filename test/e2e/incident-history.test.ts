import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, userTaskChain } from './inline-bpmn.ts';

/** start → work (asynchronous, failing) → wait. */
const FAILING = bpmnXml(
  'failingWork',
  `<startEvent id="start"/>
   <serviceTask id="work" camunda:asyncBefore="true" camunda:expression="\${noSuchBean.call()}"/>
   <userTask id="wait"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
   <sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>`,
);

describe('the historic incidents (HistoricIncidentRestServiceQueryTest scenarios)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const history = async (query: string) => {
    const response = await api.get(`/history/incident?${query}`);
    expect(response.status).toBe(200);
    return response.body as Record<string, any>[];
  };
  const executionOf = async (pi: string, activityId: string) => (await api.get(`/execution?processInstanceId=${pi}&activityId=${activityId}`)).body[0].id as string;
  const createIncident = async (pi: string, type: string) => {
    const response = await api.post(`/execution/${await executionOf(pi, 'user1')}/create-incident`, { incidentType: type, configuration: 'conf-1', message: `${type} happened` });
    expect(response.status).toBe(200);
    return response.body.id as string;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'failing.bpmn': FAILING, 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']) })).status).toBe(200);
  });
  afterAll(() => stopAll(runtime));

  it('keeps a failed job’s incident from its creation to its resolution by new retries', async () => {
    // given a job that fails its last retry
    const pi = (await api.post('/process-definition/key/failingWork/start', {})).body.id as string;
    const job = (await api.get(`/job?processInstanceId=${pi}`)).body[0];
    expect((await api.put(`/job/${job.id}/retries`, { retries: 1 })).status).toBe(204);
    expect((await api.post(`/job/${job.id}/execute`, {})).status).toBe(500);

    // then an open incident
    const [open] = await history(`processInstanceId=${pi}`);
    const definitionId = (await api.get('/process-definition/key/failingWork')).body.id;
    expect(open).toMatchObject({
      incidentType: 'failedJob',
      activityId: 'work',
      failedActivityId: 'work',
      configuration: job.id,
      historyConfiguration: job.id,
      processInstanceId: pi,
      rootProcessInstanceId: pi,
      processDefinitionId: definitionId,
      processDefinitionKey: 'failingWork',
      endTime: null,
      open: true,
      resolved: false,
      deleted: false,
      incidentMessage: expect.stringContaining('noSuchBean'),
    });
    expect(open!.causeIncidentId).toBe(open!.id);
    expect(open!.id).toBe((await api.get(`/incident?processInstanceId=${pi}`)).body[0].id);

    // when the job gets retries again
    expect((await api.put(`/job/${job.id}/retries`, { retries: 2 })).status).toBe(204);

    // then it is resolved, with its end time
    const [resolved] = await history(`processInstanceId=${pi}`);
    expect(resolved).toMatchObject({ id: open!.id, open: false, resolved: true, deleted: false, endTime: expect.any(String) });
    expect((await api.get(`/incident?processInstanceId=${pi}`)).body).toEqual([]);
  });

  it('keeps a failed async continuation’s incident as deleted when a modification cancels the continuation', async () => {
    // given a job out of retries, its incident open
    const pi = (await api.post('/process-definition/key/failingWork/start', {})).body.id as string;
    const job = (await api.get(`/job?processInstanceId=${pi}`)).body[0];
    expect((await api.put(`/job/${job.id}/retries`, { retries: 1 })).status).toBe(204);
    expect((await api.post(`/job/${job.id}/execute`, {})).status).toBe(500);
    expect((await history(`processInstanceId=${pi}`)).map((i) => i.open)).toEqual([true]);

    // when the continuation is cancelled and the instance moved on
    const modified = await api.post(`/process-instance/${pi}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'work' },
        { type: 'startBeforeActivity', activityId: 'wait' },
      ],
    });
    expect(modified.status).toBe(204);

    // then
    expect((await history(`processInstanceId=${pi}`)).map((i) => [i.open, i.resolved, i.deleted])).toEqual([[false, false, true]]);
  });

  it('tells a resolved incident from one deleted with its activity, and keeps an annotation', async () => {
    // given two custom incidents
    const pi = (await api.post('/process-definition/key/p1/start', {})).body.id as string;
    const toResolve = await createIncident(pi, 'custom-a');
    const toCancel = await createIncident(pi, 'custom-b');
    expect((await api.put(`/incident/${toCancel}/annotation`, { annotation: 'seen by ops' })).status).toBe(204);
    expect((await history(`incidentId=${toCancel}`))[0]).toMatchObject({ annotation: 'seen by ops', open: true });

    // when one is resolved and the other's activity is cancelled
    expect((await api.delete(`/incident/${toResolve}`)).status).toBe(204);
    expect(
      (
        await api.post(`/process-instance/${pi}/modification`, {
          instructions: [
            { type: 'startBeforeActivity', activityId: 'user2' },
            { type: 'cancel', activityId: 'user1' },
          ],
        })
      ).status,
    ).toBe(204);

    // then
    expect((await history(`processInstanceId=${pi}&sortBy=incidentState&sortOrder=asc`)).map((i) => [i.incidentType, i.resolved, i.deleted])).toEqual([
      ['custom-a', true, false],
      ['custom-b', false, true],
    ]);
    expect((await history(`processInstanceId=${pi}&deleted=true`)).map((i) => i.id)).toEqual([toCancel]);
    expect((await history(`processInstanceId=${pi}&resolved=true`)).map((i) => i.id)).toEqual([toResolve]);
    expect((await history(`processInstanceId=${pi}&open=true`)).length).toBe(0);
    expect((await history(`incidentMessageLike=${encodeURIComponent('custom-b%')}&processInstanceId=${pi}`)).map((i) => i.id)).toEqual([toCancel]);
    expect((await history(`incidentId=${toCancel}`))[0]).toMatchObject({ annotation: 'seen by ops', configuration: 'conf-1' });
    expect((await api.get(`/history/incident/count?processInstanceId=${pi}&incidentType=custom-a`)).body).toEqual({ count: 1 });
  });

  it('deletes an instance’s incidents with its history', async () => {
    // given an ended instance with an incident
    const pi = (await api.post('/process-definition/key/p1/start', {})).body.id as string;
    await createIncident(pi, 'custom-c');
    expect((await api.delete(`/process-instance/${pi}`)).status).toBe(204);
    expect((await history(`processInstanceId=${pi}`)).map((i) => i.deleted)).toEqual([true]);

    // when its history is deleted
    expect((await api.delete(`/history/process-instance/${pi}`)).status).toBe(204);

    // then
    expect(await history(`processInstanceId=${pi}`)).toEqual([]);
  });

  it('answers bad input with Camunda’s 400', async () => {
    const badSort = await api.get('/history/incident?sortBy=nonsense&sortOrder=asc');
    expect(badSort.status).toBe(400);
    expect(badSort.body.type).toBe('InvalidRequestException');
    expect((await api.get('/history/incident?open=maybe')).status).toBe(400);
    expect((await api.get('/history/incident?createTimeAfter=yesterday')).status).toBe(400);
  });
});
