import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('the duration report of historic process instances (HistoricProcessInstanceDurationReportTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'r.bpmn': userTaskChain('reported', ['work']) });
    // Two finished instances and one still running, which the report leaves out.
    for (let i = 0; i < 3; i++) {
      const id = (await api.post('/process-definition/key/reported/start', {})).body.id;
      if (i < 2) expect((await api.post(`/task/${(await api.get(`/task?processInstanceId=${id}`)).body[0].id}/complete`, {})).status).toBe(204);
    }
  });
  afterAll(() => runtime?.stop());

  it('groups finished instances by the month and quarter of their start, with min, max and average duration', async () => {
    const finished = (await api.get('/history/process-instance?finished=true&processDefinitionKey=reported')).body as { durationInMillis: number; startTime: string }[];
    expect(finished).toHaveLength(2);
    const durations = finished.map((i) => i.durationInMillis);
    const month = new Date(Date.parse(finished[0]!.startTime)).getUTCMonth();
    const expected = { minimum: Math.min(...durations), maximum: Math.max(...durations), average: Math.trunc((durations[0]! + durations[1]!) / 2) };
    expect((await api.get('/history/process-instance/report?reportType=duration&periodUnit=month&processDefinitionKeyIn=reported')).body).toEqual([
      { period: month + 1, periodUnit: 'MONTH', ...expected },
    ]);
    expect((await api.get('/history/process-instance/report?reportType=duration&periodUnit=quarter')).body).toEqual([{ period: Math.floor(month / 3) + 1, periodUnit: 'QUARTER', ...expected }]);
    expect((await api.get('/history/process-instance/report?reportType=duration&periodUnit=month&startedAfter=2099-01-01T00:00:00.000%2B0000')).body).toEqual([]);

    const csv = await fetch(`${runtime.url}/history/process-instance/report?reportType=duration&periodUnit=month`, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe(`PERIOD,PERIOD_UNIT,MINIMUM,MAXIMUM,AVERAGE\n${month + 1},MONTH,${expected.minimum},${expected.maximum},${expected.average}`);
  });

  it('answers Camunda’s errors for a missing report type or period unit', async () => {
    expect(await api.get('/history/process-instance/report?periodUnit=month')).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'Unknown report type null' } });
    expect(await api.get('/history/process-instance/report?reportType=duration')).toMatchObject({ status: 400, body: { type: 'NotValidException', message: 'periodUnit is null' } });
    expect(await api.get('/history/process-instance/report?reportType=duration&periodUnit=week')).toMatchObject({
      status: 400,
      body: { message: "Cannot set query parameter 'periodUnit' to value 'week': Cannot convert value week to java enum type org.camunda.bpm.engine.query.PeriodUnit" },
    });
  });
});
