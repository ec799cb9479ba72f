import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/** A one-output literal decision, to count evaluations. */
const DECISION = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="m" name="m" namespace="metrics">
  <decision id="metricDecision" name="d"><decisionTable id="t"><input id="i"><inputExpression id="ie"><text>x</text></inputExpression></input><output id="o" name="y"/>
    <rule id="r1"><inputEntry id="e1"><text>&gt; 1</text></inputEntry><outputEntry id="oe1"><text>"big"</text></outputEntry></rule>
    <rule id="r2"><inputEntry id="e2"><text>&lt;= 1</text></inputEntry><outputEntry id="oe2"><text>"small"</text></outputEntry></rule></decisionTable></decision>
</definitions>`;

describe('engine metrics (MetricsRestServiceInteractionTest, MetricsTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const sum = async (name: string, query = '') => (await api.get(`/metrics/${name}/sum${query}`)).body.result as number;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'm.bpmn': userTaskChain('metricProcess', ['first', 'second']), 'm.dmn': DECISION });
  });
  afterAll(() => runtime?.stop());

  it('counts root instance starts, activity instances started and ended, and decision evaluations', async () => {
    const before = { roots: await sum('root-process-instance-start'), starts: await sum('activity-instance-start'), ends: await sum('activity-instance-end') };
    const id = (await api.post('/process-definition/key/metricProcess/start', {})).body.id as string;
    // start event and first task started; the start event ended.
    expect(await sum('root-process-instance-start')).toBe(before.roots + 1);
    expect(await sum('process-instances')).toBe(before.roots + 1);
    expect(await sum('activity-instance-start')).toBe(before.starts + 2);
    expect(await sum('flow-node-instances')).toBe(before.starts + 2);
    expect(await sum('activity-instance-end')).toBe(before.ends + 1);
    const [task] = (await api.get(`/task?processInstanceId=${id}`)).body;
    expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);
    expect(await sum('activity-instance-start')).toBe(before.starts + 3);

    expect((await api.post('/decision-definition/key/metricDecision/evaluate', { variables: { x: { value: 5, type: 'Integer' } } })).status).toBe(200);
    expect(await sum('executed-decision-instances')).toBe(1);
    expect(await sum('decision-instances')).toBe(1);
    // (one input + one output) × two rules
    expect(await sum('executed-decision-elements')).toBe(4);
  });

  it('restricts a sum to [startDate, endDate) and lists sums per interval, newest first', async () => {
    const future = '2999-01-01T00:00:00.000+0000';
    expect(await sum('activity-instance-start', `?startDate=${encodeURIComponent(future)}`)).toBe(0);
    expect(await sum('activity-instance-start', `?endDate=${encodeURIComponent('2000-01-01T00:00:00.000+0000')}`)).toBe(0);
    expect(await sum('activity-instance-start', `?startDate=${encodeURIComponent('2000-01-01T00:00:00.000+0000')}&endDate=${encodeURIComponent(future)}`)).toBeGreaterThan(0);
    const rows = (await api.get('/metrics?name=activity-instance-start&interval=60')).body as { timestamp: string; name: string; reporter: string | null; value: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ name: 'activity-instance-start', reporter: null, value: expect.any(Number) });
    expect(rows.reduce((total, row) => total + row.value, 0)).toBe(await sum('activity-instance-start'));
    const all = (await api.get('/metrics')).body as { name: string }[];
    expect(new Set(all.map((row) => row.name))).toEqual(
      new Set(['activity-instance-start', 'activity-instance-end', 'root-process-instance-start', 'executed-decision-instances', 'executed-decision-elements']),
    );
  });

  it('counts the different task workers who became assignees, and deletes their log (TaskMetricsTest)', async () => {
    const task = async () => {
      const id = (await api.post('/process-definition/key/metricProcess/start', {})).body.id as string;
      return (await api.get(`/task?processInstanceId=${id}`)).body[0].id as string;
    };
    const [a, b, c] = [await task(), await task(), await task()];
    expect((await api.post(`/task/${a}/claim`, { userId: 'alice' })).status).toBe(204);
    expect((await api.post(`/task/${b}/assignee`, { userId: 'alice' })).status).toBe(204);
    expect(await sum('unique-task-workers')).toBe(1);
    expect((await api.post(`/task/${c}/claim`, { userId: 'bob' })).status).toBe(204);
    expect(await sum('unique-task-workers')).toBe(2);
    expect(await sum('task-users')).toBe(2);
    expect(await sum('unique-task-workers', `?endDate=${encodeURIComponent('2000-01-01T00:00:00.000+0000')}`)).toBe(0);
    // Deleting what was logged before a date long past keeps everything; without a date, all goes.
    expect((await api.delete(`/metrics/task-worker?date=${encodeURIComponent('2000-01-01T00:00:00.000+0000')}`)).status).toBe(204);
    expect(await sum('unique-task-workers')).toBe(2);
    expect((await api.delete('/metrics/task-worker')).status).toBe(204);
    expect(await sum('unique-task-workers')).toBe(0);
  });

  it('answers Camunda’s errors', async () => {
    expect(await api.get('/metrics?maxResults=201')).toMatchObject({ status: 500, body: { message: "Metrics interval query row limit can't be set larger than 200." } });
    expect(await api.get('/metrics/activity-instance-start/sum?startDate=yesterday')).toMatchObject({ status: 400 });
    expect(await api.delete('/metrics/task-worker?date=tomorrow')).toMatchObject({ status: 400 });
    // Nothing acquires jobs here (SQS hands them over): a metric nothing counted sums to 0, as in Camunda.
    expect(await sum('job-acquisition-attempt')).toBe(0);
  });
});
