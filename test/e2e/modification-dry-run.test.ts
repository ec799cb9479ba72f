import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { drain, stopAll } from '../support/batch-driving.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

type Json = Record<string, any>;

/**
 * The dry run of modification (an extension, docs/api.md): the modification requests applied in
 * memory only, answering per instance what the real run would do, writing nothing.
 */
describe('modification dry run (…/modification/validate)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  const start = async (key = 'p1') => (await api.post(`/process-definition/key/${key}/start`, {})).body.id as string;
  const tree = async (pi: string) => (await api.get(`/process-instance/${pi}/activity-instances`)).body as Json;
  const activities = (node: Json): string[] => [...node.childActivityInstances.flatMap((child: Json) => [child.activityId, ...activities(child)])].sort();
  const toUser2 = {
    instructions: [
      { type: 'startBeforeActivity', activityId: 'user2' },
      { type: 'cancel', activityId: 'user1' },
    ],
  };

  beforeAll(async () => {
    // Workers off: the validation batch is driven by hand.
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']), 'other.bpmn': userTaskChain('other', ['x']) })).status).toBe(200);
    definitionId = (await api.get('/process-definition/key/p1')).body.id;
  });
  afterAll(() => stopAll(runtime));

  it('answers the tree a valid modification would leave, and changes nothing', async () => {
    // given
    const pi = await start();
    const before = await tree(pi);
    const historyBefore = (await api.get(`/history/activity-instance/count?processInstanceId=${pi}`)).body.count;

    // when
    const response = await api.post(`/process-instance/${pi}/modification/validate`, toUser2);

    // then
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ processInstanceId: pi, valid: true });
    expect(activities(response.body.activityInstanceTree)).toEqual(['user2']);
    expect(await tree(pi)).toEqual(before);
    expect((await api.get(`/history/activity-instance/count?processInstanceId=${pi}`)).body.count).toBe(historyBefore);
  });

  it('answers the exact error and status the real run raises', async () => {
    const pi = await start();
    for (const [target, body] of [
      [pi, { instructions: [{ type: 'startBeforeActivity', activityId: 'noSuchActivity' }] }],
      [pi, { instructions: [{ type: 'cancel', activityInstanceId: 'noSuchInstance' }] }],
      ['no-such-instance', toUser2],
    ] as const) {
      // when
      const dryRun = await api.post(`/process-instance/${target}/modification/validate`, body);
      const real = await api.post(`/process-instance/${target}/modification`, body);

      // then
      expect(dryRun.status).toBe(200);
      expect(dryRun.body).toEqual({ processInstanceId: target, valid: false, status: real.status, error: real.body });
    }
    // a body the real run refuses before looking at the instance is refused alike
    const malformed = await api.post(`/process-instance/${pi}/modification/validate`, { instructions: [{ activityId: 'user2' }] });
    expect(malformed.status).toBe(400);
  });

  it('answers per instance for a few, inline', async () => {
    // given a valid instance, one of another definition, and one that does not exist
    const valid = await start();
    const foreign = await start('other');

    // when
    const response = await api.post('/modification/validate', { processDefinitionId: definitionId, processInstanceIds: [valid, foreign, 'no-such-instance'], ...toUser2 });

    // then
    expect(response.status).toBe(200);
    const byInstance = Object.fromEntries((response.body as Json[]).map((result) => [result.processInstanceId, result]));
    expect(byInstance[valid]).toEqual({ processInstanceId: valid, valid: true });
    expect(byInstance[foreign]).toMatchObject({ valid: false, status: 500, error: { type: 'ProcessEngineException', message: expect.stringContaining(foreign) } });
    expect(byInstance['no-such-instance']).toMatchObject({ valid: false, status: 500, error: { message: expect.stringContaining('ENGINE-13036') } });
    expect(activities(await tree(valid))).toEqual(['user1']);
    // a request the real run refuses as a whole is refused alike
    const empty = await api.post('/modification/validate', { processDefinitionId: definitionId, processInstanceIds: [valid], instructions: [] });
    const real = await api.post('/modification/execute', { processDefinitionId: definitionId, processInstanceIds: [valid], instructions: [] });
    expect({ status: empty.status, body: empty.body }).toEqual({ status: real.status, body: real.body });
  });

  it('runs as a batch of its own type for many instances, reporting the invalid ones and writing nothing', async () => {
    // given 101 instances of p1 and two of another definition
    const instances: string[] = [];
    for (let i = 0; i < 101; i++) instances.push(await start());
    const foreign = [await start('other'), await start('other')];

    // when
    const response = await api.post('/modification/validate', { processDefinitionId: definitionId, processInstanceIds: [...instances, ...foreign], ...toUser2 });

    // then a batch
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ type: 'instance-modification-validation', totalJobs: 103 });
    const batch = response.body as Json;
    await drain(runtime, ['seed', 'execute']);
    const statistics = (await api.get(`/batch/statistics?batchId=${batch.id}`)).body[0] as Json;
    expect(statistics).toMatchObject({ remainingJobs: 0, failedJobs: 0, instancesModified: 101, instancesFailed: 2, instancesSkipped: 0 });
    const report = (await api.get(`/batch/${batch.id}/failures`)).body as Json[];
    expect(report.map((entry) => [entry.processInstanceId, entry.outcome]).sort()).toEqual(foreign.map((id) => [id, 'invalid']).sort());
    expect(report[0]!.exceptionMessage).toContain('does not match given process definition');
    // and nothing changed
    expect(activities(await tree(instances[0]!))).toEqual(['user1']);
    expect(activities(await tree(instances[100]!))).toEqual(['user1']);
  });
});
