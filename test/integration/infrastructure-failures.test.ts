import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { bpmnXml, userTaskChain } from '../e2e/inline-bpmn.ts';
import { startInstances } from '../support/instances.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * Infrastructure faults are not business failures (issue #19): a throttled store makes a batch job
 * wait for SQS to deliver it again, with its retries untouched and no incident; a failing delegate
 * still uses up a job's retries and raises an incident at 0, as in Camunda. The throttling is
 * injected through SDK middleware (the emulator cannot throttle).
 */
type Api = ReturnType<typeof restClient>;

/** Makes the next `times` TransactWriteItems that move a batch job fail as DynamoDB does when throttled. */
function throttleBatchJobWrites(runtime: LocalRuntime, times: number): { thrown: () => number } {
  const doc = (runtime.services.engine.deps.instances as unknown as { doc: DynamoDBDocumentClient }).doc;
  let thrown = 0;
  doc.middlewareStack.add(
    (next) => async (args) => {
      const items = (args.input as { TransactItems?: { Update?: { Key?: { pk?: string } }; Delete?: { Key?: { pk?: string } } }[] }).TransactItems ?? [];
      const movesAJob = items.some((item) => (item.Update ?? item.Delete)?.Key?.pk?.startsWith('BJOB#'));
      if (movesAJob && thrown < times) {
        thrown++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'initialize', name: `throttle-${Math.random()}` },
  );
  return { thrown: () => thrown };
}

async function batchJobs(api: Api, batch: { batchJobDefinitionId: string }) {
  return (await api.get(`/job?jobDefinitionId=${batch.batchJobDefinitionId}`)).body as { retries: number; exceptionMessage: string | null }[];
}

describe('infrastructure faults during batch execution', () => {
  let runtime: LocalRuntime;
  let api: Api;

  beforeAll(async () => {
    const registry = new DelegateRegistry().register('failingDelegate', {
      execute: () => {
        throw new Error('the delegate failed');
      },
    });
    runtime = await startTestRuntime({ registry, config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    expect((await api.deploy({ 'infra.bpmn': userTaskChain('infraProcess', ['first', 'second']) })).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('lets a throttled batch job complete on a later delivery, with its retries unchanged and no incident', async () => {
    // given two instances, and a store that throttles the first two writes of batch jobs
    const ids = await startInstances(api, 'infraProcess', 2);
    const throttle = throttleBatchJobWrites(runtime, 2);

    // when a batch modifies them
    const definitionId = (await api.get(`/process-instance/${ids[0]}`)).body.definitionId;
    const batch = (await api.post('/modification/executeAsync', { processInstanceIds: ids, processDefinitionId: definitionId, instructions: [{ type: 'startBeforeActivity', activityId: 'second' }] }))
      .body;

    // then while the throttled delivery waits for SQS, no job lost a retry or carries an error
    await eventually(async () => throttle.thrown() === 2);
    for (const job of await batchJobs(api, batch)) expect(job).toMatchObject({ retries: 3, exceptionMessage: null });
    // and the batch completes later, each instance modified exactly once, with no incident
    await eventually(async () => (await api.get(`/batch/${batch.id}`)).status === 404, 30_000, 250);
    for (const id of ids) expect((await api.get(`/task/count?processInstanceId=${id}&taskDefinitionKey=second`)).body).toEqual({ count: 1 });
    expect((await api.get('/incident/count')).body).toEqual({ count: 0 });
  }, 45_000);

  it('still uses up a job’s retries and raises an incident at 0 when a delegate fails (Camunda’s behaviour)', async () => {
    // given a process whose service task fails, waiting before it
    const failing = bpmnXml(
      'failingProcess',
      `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
       <userTask id="wait"/><sequenceFlow id="f2" sourceRef="wait" targetRef="fail"/>
       <serviceTask id="fail" camunda:delegateExpression="\${failingDelegate}"/><sequenceFlow id="f3" sourceRef="fail" targetRef="end"/>
       <endEvent id="end"/>`,
    );
    expect((await api.deploy({ 'failing.bpmn': failing })).status).toBe(200);
    const [id] = await startInstances(api, 'failingProcess', 1);
    const definitionId = (await api.get(`/process-instance/${id}`)).body.definitionId;

    // when a batch starts the failing task
    const batch = (await api.post('/modification/executeAsync', { processInstanceIds: [id], processDefinitionId: definitionId, instructions: [{ type: 'startBeforeActivity', activityId: 'fail' }] }))
      .body;

    // then the job fails three times and stays with 0 retries and the delegate's message
    const jobs = await eventually(
      async () => {
        const found = await batchJobs(api, batch);
        return found.length === 1 && found[0]!.retries === 0 ? found : undefined;
      },
      30_000,
      250,
    );
    expect(jobs[0]!.exceptionMessage).toContain('the delegate failed');
    expect((await api.get(`/batch/${batch.id}`)).status).toBe(200);
  }, 45_000);
});
