import { type Message, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBatchExecuteHandler } from '../../functions/batch-execute/handler.ts';
import { createBatchMonitorHandler } from '../../functions/batch-monitor/handler.ts';
import { createBatchSeedHandler } from '../../functions/batch-seed/handler.ts';
import { ensureEmulator } from '../../local/emulator.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { SqsPoller } from '../../local/sqs-poller.ts';
import { QueuePublisher } from '../../shared/queue/publisher.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { acknowledge, drain, eventOf, receiveAll, seedOnce, stopAll } from '../support/batch-driving.ts';
import { definitionIdOf, shapeOf, startInstance, startInstances } from '../support/instances.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * The batch machinery under SQS's at-least-once delivery, against the real emulator with the
 * workers stopped: duplicate and crashed deliveries, races with synchronous modification, a
 * failing seed send, poison messages and poison jobs.
 */

type Api = ReturnType<typeof restClient>;
type Json = Record<string, any>;
type Queue = 'seed' | 'execute' | 'monitor';
type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** A publisher that can refuse the seed queue or send every message twice. */
class FaultyPublisher extends QueuePublisher {
  mode: 'normal' | 'failSeed' | 'duplicate' = 'normal';

  override async send(queueUrl: string, bodies: readonly unknown[], delaySeconds = 0): Promise<void> {
    if (this.mode === 'failSeed' && queueUrl.endsWith('-batch-seed')) throw new Error('seed queue unavailable');
    await super.send(queueUrl, bodies, delaySeconds);
    if (this.mode === 'duplicate') await super.send(queueUrl, bodies, delaySeconds);
  }
}

const MODEL = userTaskChain('reliable', ['task1', 'task2', 'task3']);

async function createBatch(api: Api, ids: string[], activityId = 'task2'): Promise<Json> {
  const response = await api.post('/modification/executeAsync', {
    processDefinitionId: await definitionIdOf(api, ids[0]!),
    processInstanceIds: ids,
    instructions: [{ type: 'startBeforeActivity', activityId }],
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Json;
}

async function jobsOf(api: Api, batch: Json): Promise<Json[]> {
  return (await api.get(`/job?jobDefinitionId=${batch.batchJobDefinitionId}`)).body as Json[];
}

async function counts(api: Api): Promise<{ batches: number; historic: number }> {
  return { batches: (await api.get('/batch/count')).body.count, historic: (await api.get('/history/batch/count')).body.count };
}

/** Drives the workers by hand until the monitor has removed the batch. */
async function runToCompletion(runtime: LocalRuntime, api: Api, batchId: string): Promise<Json> {
  await eventually(async () => {
    await drain(runtime);
    return (await api.get(`/batch/${batchId}`)).status === 404;
  });
  return (await api.get(`/history/batch/${batchId}`)).body as Json;
}

describe('batch reliability under at-least-once delivery', () => {
  /** Workers stopped; batchJobsPerSeed 2 and invocationsPerBatchJob 2, so seeds and jobs come in chunks. */
  let runtime: LocalRuntime;
  /** Workers stopped; its publisher can refuse the seed queue or duplicate every message. */
  let faulty: LocalRuntime;
  let publisher: FaultyPublisher;
  let api: Api;
  let faultyApi: Api;
  let sqs: SQSClient;
  let publisherSqs: SQSClient;
  let handlers: Record<Queue, Handler>;
  let queueUrls: Record<Queue, string>;

  beforeAll(async () => {
    const emulator = await ensureEmulator();
    publisherSqs = new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: emulator.endpoint });
    publisher = new FaultyPublisher({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: emulator.endpoint }, publisherSqs);
    [runtime, faulty] = await Promise.all([
      startTestRuntime({ startWorkers: false, config: { batchJobsPerSeed: 2, invocationsPerBatchJob: 2 } }),
      startTestRuntime({ startWorkers: false, publisher }),
    ]);
    api = restClient(runtime.url);
    faultyApi = restClient(faulty.url);
    for (const client of [api, faultyApi]) expect((await client.deploy({ 'reliable.bpmn': MODEL })).status).toBe(200);
    sqs = new SQSClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    handlers = {
      seed: createBatchSeedHandler(runtime.services.batches),
      execute: createBatchExecuteHandler(runtime.services.batches),
      monitor: createBatchMonitorHandler(runtime.services.batches),
    };
    queueUrls = { seed: runtime.resources.seedQueue.url, execute: runtime.resources.executeQueue.url, monitor: runtime.resources.monitorQueue.url };
  });
  afterEach(async () => {
    publisher.mode = 'normal';
    await drain(runtime);
  });
  afterAll(async () => {
    await stopAll(runtime, faulty);
    sqs?.destroy();
    publisherSqs?.destroy();
  });

  /** Hands every message of every batch queue to its handler twice, then acknowledges it, until all is quiet. */
  async function deliverEverythingTwice(mode: 'one after the other' | 'at the same time', batchId: string): Promise<void> {
    await eventually(
      async () => {
        for (let round = 0; round < 100; round++) {
          let delivered = 0;
          for (const queue of ['seed', 'execute', 'monitor'] as const) {
            const messages = await receiveAll(sqs, queueUrls[queue]);
            if (messages.length === 0) continue;
            delivered += messages.length;
            const handle = handlers[queue];
            for (const message of messages) {
              const event = eventOf([message]);
              const responses = mode === 'at the same time' ? await Promise.all([handle(event), handle(event)]) : [await handle(event), await handle(event)];
              for (const response of responses) expect(response.batchItemFailures).toEqual([]);
            }
            await acknowledge(sqs, queueUrls[queue], messages);
          }
          if (delivered === 0) break;
        }
        // the monitor re-polls an unfinished batch with a delay
        return (await api.get(`/batch/${batchId}`)).status === 404;
      },
      20_000,
      250,
    );
  }

  /** Both deliveries overlap in time: on real DynamoDB one transaction wins and the other sees the job done. */
  it('modifies every instance exactly once when every message is delivered twice at the same time', async () => {
    const ids = await startInstances(api, 'reliable', 5);
    const batch = await createBatch(api, ids);
    await deliverEverythingTwice('at the same time', batch.id);
    for (const id of ids) expect((await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=task2`)).body).toHaveLength(1);
  });

  it.each(['one after the other'] as const)('modifies every instance exactly once when every message is delivered twice, %s', async (mode) => {
    // given five instances in task1 and a batch starting task2 in each (3 jobs, 2 seed runs)
    const ids = await startInstances(api, 'reliable', 5);
    const batch = await createBatch(api, ids);
    expect(batch).toMatchObject({ totalJobs: 3, invocationsPerBatchJob: 2, batchJobsPerSeed: 2 });

    // when
    await deliverEverythingTwice(mode, batch.id);

    // then exactly one task2 per instance, never two
    for (const id of ids) expect(await shapeOf(api, id)).toBe('root{task1, task2}');
    for (const id of ids) expect((await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=task2`)).body).toHaveLength(1);
    expect(await jobsOf(api, batch)).toEqual([]);
    const historic = (await api.get(`/history/batch/${batch.id}`)).body;
    expect(historic.endTime).not.toBeNull();
    expect(historic.totalJobs).toBe(3);
  });

  it('modifies every instance exactly once when every message is sent twice to its queue', async () => {
    // given a publisher that sends each message twice
    publisher.mode = 'duplicate';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await faultyApi.post('/process-definition/key/reliable/start', {});
      ids.push(response.body.id);
    }
    const response = await faultyApi.post('/modification/executeAsync', {
      processDefinitionId: await definitionIdOf(faultyApi, ids[0]!),
      processInstanceIds: ids,
      instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);

    // when the workers process all copies
    const historic = await runToCompletion(faulty, faultyApi, response.body.id);

    // then
    for (const id of ids) expect(await shapeOf(faultyApi, id)).toBe('root{task1, task2}');
    expect(historic.endTime).not.toBeNull();
  });

  it('has no double effect when an execution handler wrote its result but died before the message was acknowledged', async () => {
    // given a seeded single-instance batch
    const id = await startInstance(api, 'reliable');
    const response = await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] });
    const batch = response.body as Json;
    await seedOnce(runtime, api, batch.id);
    const [delivery] = await receiveAll(sqs, queueUrls.execute, 1);
    expect(JSON.parse(delivery!.Body!)).toEqual({ batchId: batch.id, jobId: `${batch.id}-000000`, processInstanceIds: [id], correlationId: expect.any(String) });

    // when the handler runs, and the message is never acknowledged
    const first = await createBatchExecuteHandler(runtime.services.batches)(eventOf([delivery!]));
    expect(first.batchItemFailures).toEqual([]);
    expect(await shapeOf(api, id)).toBe('root{task1, task2}');

    // and SQS delivers the same record again after the visibility timeout
    const redelivery = await eventually(async () => (await receiveAll(sqs, queueUrls.execute, 30)).find((m) => m.MessageId === delivery!.MessageId));
    expect(redelivery.Attributes?.ApproximateReceiveCount).toBe('2');
    const second = await createBatchExecuteHandler(runtime.services.batches)(eventOf([redelivery]));
    await acknowledge(sqs, queueUrls.execute, [redelivery]);

    // then the instance was modified once and the batch completes normally
    expect(second.batchItemFailures).toEqual([]);
    expect(await shapeOf(api, id)).toBe('root{task1, task2}');
    expect(await jobsOf(api, batch)).toEqual([]);
    const historic = await runToCompletion(runtime, api, batch.id);
    expect(historic.endTime).not.toBeNull();
    expect(await shapeOf(api, id)).toBe('root{task1, task2}');
  });

  it('creates no duplicate jobs when a seed handler wrote its jobs but died before the message was acknowledged', async () => {
    // given a batch over four instances: two jobs of two instances, one seed run
    const ids = await startInstances(api, 'reliable', 4);
    const batch = await createBatch(api, ids);
    const [delivery] = (await receiveAll(sqs, queueUrls.seed, 1)).filter((m) => JSON.parse(m.Body!).batchId === batch.id);

    // when the seed handler runs twice for the same record, the first time without acknowledgement
    const seed = createBatchSeedHandler(runtime.services.batches);
    expect((await seed(eventOf([delivery!]))).batchItemFailures).toEqual([]);
    const redelivery = await eventually(async () => (await receiveAll(sqs, queueUrls.seed, 30)).find((m) => m.MessageId === delivery!.MessageId));
    expect((await seed(eventOf([redelivery]))).batchItemFailures).toEqual([]);
    await acknowledge(sqs, queueUrls.seed, [redelivery]);

    // then the jobs exist once
    expect((await api.get(`/batch/${batch.id}`)).body.jobsCreated).toBe(2);
    expect((await jobsOf(api, batch)).map((j) => j.id).sort()).toEqual([`${batch.id}-000000`, `${batch.id}-000001`]);

    // and every instance is modified once
    await runToCompletion(runtime, api, batch.id);
    for (const id of ids) expect(await shapeOf(api, id)).toBe('root{task1, task2}');
  });

  it('loses neither change when a synchronous modification races a batch job on the same instance (10 times)', async () => {
    // given ten instances, each with a seeded single-instance batch starting task2, whose execute messages are held back
    const rounds: { id: string; batch: Json }[] = [];
    for (let round = 0; round < 10; round++) {
      const id = await startInstance(api, 'reliable');
      const batch = (await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] })).body as Json;
      rounds.push({ id, batch });
    }
    await drain(runtime, ['seed']);
    const held = await receiveAll(sqs, queueUrls.execute, 120);
    expect(held.map((m) => JSON.parse(m.Body!).batchId).sort()).toEqual(rounds.map((r) => r.batch.id).sort());

    for (const [round, { id, batch }] of rounds.entries()) {
      // when a synchronous modification starting task3 runs at the same time as the batch job
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrls.execute, MessageBody: JSON.stringify({ batchId: batch.id, jobId: `${batch.id}-000000` }) }));
      const [sync, delivered] = await Promise.all([
        api.post(`/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task3' }] }),
        runtime.pollers.execute.pollOnce(),
      ]);

      // then both changes are there
      expect(sync.status, `round ${round}: ${JSON.stringify(sync.body)}`).toBe(204);
      expect(delivered, `round ${round}`).toBe(1);
      await drain(runtime, ['execute']);
      expect(await shapeOf(api, id), `round ${round}`).toBe('root{task1, task2, task3}');
      expect(await jobsOf(api, batch), `round ${round}`).toEqual([]);
    }
    await acknowledge(sqs, queueUrls.execute, held);
  });

  it('fails a poison job after exactly three tries, leaving retries 0 and the exception message', async () => {
    // given a seeded batch whose modification fails every time
    const id = await startInstance(api, 'reliable');
    const batch = (await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'noSuchActivity' }] })).body as Json;
    await seedOnce(runtime, api, batch.id);
    const jobId = `${batch.id}-000000`;
    const execute = createBatchExecuteHandler(runtime.services.batches);

    // when every delivery for the job is run until none is left
    let tries = 0;
    const retriesSeen: number[] = [];
    for (let round = 0; round < 10; round++) {
      const messages = await receiveAll(sqs, queueUrls.execute);
      const ours = messages.filter((m) => JSON.parse(m.Body!).jobId === jobId);
      if (messages.length > 0) {
        expect((await execute(eventOf(messages))).batchItemFailures).toEqual([]);
        await acknowledge(sqs, queueUrls.execute, messages);
      }
      if (ours.length === 0) break;
      tries += ours.length;
      retriesSeen.push((await api.get(`/job/${jobId}`)).body.retries);
    }

    // then
    expect(tries).toBe(3);
    expect(retriesSeen).toEqual([2, 1, 0]);
    const job = (await api.get(`/job/${jobId}`)).body;
    expect(job.retries).toBe(0);
    expect(job.exceptionMessage).toContain('noSuchActivity');
    expect(await shapeOf(api, id)).toBe('root{task1}');

    // and a late duplicate of its message changes nothing
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrls.execute, MessageBody: JSON.stringify({ batchId: batch.id, jobId }) }));
    await drain(runtime, ['execute']);
    expect((await api.get(`/job/${jobId}`)).body).toMatchObject({ retries: 0, exceptionMessage: job.exceptionMessage });
    expect((await api.get(`/batch/statistics?batchId=${batch.id}`)).body[0]).toMatchObject({ failedJobs: 1, remainingJobs: 1 });
  });

  it('does not run a job whose retries were set to 0, even from a message that names its instance', async () => {
    // given a seeded single-instance batch whose job is set to 0 retries before it runs
    const id = await startInstance(api, 'reliable');
    const batch = (await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] })).body as Json;
    await seedOnce(runtime, api, batch.id);
    const jobId = `${batch.id}-000000`;
    expect((await api.put(`/job/${jobId}/retries`, { retries: 0 })).status).toBe(204);

    // when the seeded message (which carries the instance id, so no job is read) is delivered
    await drain(runtime, ['execute']);

    // then the job's transaction condition refused it
    expect(await shapeOf(api, id)).toBe('root{task1}');
    expect((await api.get(`/job/${jobId}`)).body).toMatchObject({ retries: 0 });

    // and once its retries are set, it runs
    expect((await api.put(`/job/${jobId}/retries`, { retries: 1 })).status).toBe(204);
    await drain(runtime, ['execute']);
    expect(await shapeOf(api, id)).toBe('root{task1, task2}');
    expect((await runToCompletion(runtime, api, batch.id)).endTime).not.toBeNull();
  });

  it('counts the completed jobs of a run with one write and triggers the monitor with the last of them', async () => {
    // given a seeded batch of three instances in two jobs (invocationsPerBatchJob 2), its monitor message consumed
    const ids = await startInstances(api, 'reliable', 3);
    const batch = await createBatch(api, ids);
    await drain(runtime, ['seed']);
    await acknowledge(sqs, queueUrls.monitor, await receiveAll(sqs, queueUrls.monitor));
    const seeded = await receiveAll(sqs, queueUrls.execute);
    await acknowledge(sqs, queueUrls.execute, seeded);

    // (the seed sends both jobs in one message)
    expect(seeded.map((m) => JSON.parse(m.Body!))).toEqual([
      {
        batchId: batch.id,
        jobs: [
          { jobId: `${batch.id}-000000`, processInstanceIds: ids.slice(0, 2) },
          { jobId: `${batch.id}-000001`, processInstanceIds: ids.slice(2) },
        ],
        correlationId: expect.any(String),
      },
    ]);
    const single = (index: number): Message => ({ MessageId: `job-${index}`, ReceiptHandle: `r-${index}`, Body: JSON.stringify({ batchId: batch.id, jobId: `${batch.id}-00000${index}` }) });

    // when the first job runs in one delivery
    expect((await handlers.execute(eventOf([single(0)]))).batchItemFailures).toEqual([]);

    // then the count moved, the execution start is set, and the monitor is not asked yet
    const afterFirst = await runtime.services.batches.repository.get(batch.id);
    expect(afterFirst).toMatchObject({ jobsCompleted: 1, executionStartTime: expect.any(Number) });
    expect((await api.get(`/history/batch/${batch.id}`)).body.executionStartTime).toBe((await api.get(`/batch/${batch.id}`)).body.executionStartTime);
    const ofThisBatch = (messages: Message[]) => messages.filter((m) => JSON.parse(m.Body!).batchId === batch.id);
    expect(ofThisBatch(await receiveAll(sqs, queueUrls.monitor, 1))).toEqual([]);

    // when the last job runs, and then the seeded message for both jobs comes once more
    expect((await handlers.execute(eventOf([single(1)]))).batchItemFailures).toEqual([]);
    expect((await handlers.execute(eventOf([seeded[0]!]))).batchItemFailures).toEqual([]);

    // then the duplicates did not count, and one one-off monitor check was sent, which completes the batch
    expect((await runtime.services.batches.repository.get(batch.id))?.jobsCompleted).toBe(2);
    const checks = ofThisBatch(await receiveAll(sqs, queueUrls.monitor));
    expect(checks.map((m) => JSON.parse(m.Body!))).toEqual([{ batchId: batch.id, once: true, correlationId: expect.any(String) }]);
    expect((await handlers.monitor(eventOf(checks))).batchItemFailures).toEqual([]);
    await acknowledge(sqs, queueUrls.monitor, checks);
    expect((await api.get(`/batch/${batch.id}`)).status).toBe(404);
    for (const id of ids) expect(await shapeOf(api, id)).toBe('root{task1, task2}');
  });

  it('re-drives a job whose message was lost, but only after a whole poll without progress', async () => {
    // given a seeded single-instance batch whose execution message is lost
    const id = await startInstance(api, 'reliable');
    const batch = (await api.post(`/process-instance/${id}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] })).body as Json;
    await seedOnce(runtime, api, batch.id);
    const lost = await receiveAll(sqs, queueUrls.execute);
    expect(lost.map((m) => JSON.parse(m.Body!))).toEqual([{ batchId: batch.id, jobId: `${batch.id}-000000`, processInstanceIds: [id], correlationId: expect.any(String) }]);
    await acknowledge(sqs, queueUrls.execute, lost);
    const batches = runtime.services.batches;

    // when the monitor polls for the first time, and when jobs completed since the previous poll
    expect(await batches.monitor({ batchId: batch.id })).toBe('waiting');
    expect(await batches.monitor({ batchId: batch.id, jobsCompleted: 3 })).toBe('waiting');

    // then it leaves the job alone: its message may still be queued or running
    expect(await receiveAll(sqs, queueUrls.execute, 1)).toEqual([]);

    // when a poll finds no job completed since the previous one
    expect(await batches.monitor({ batchId: batch.id, jobsCompleted: 0 })).toBe('waiting');

    // then the job's message is sent again, and the batch completes
    const redriven = await receiveAll(sqs, queueUrls.execute);
    expect(redriven.map((m) => JSON.parse(m.Body!)).map(({ correlationId: _, ...m }) => m)).toEqual([{ batchId: batch.id, jobId: `${batch.id}-000000`, processInstanceIds: [id] }]);
    expect((await handlers.execute(eventOf(redriven))).batchItemFailures).toEqual([]);
    await acknowledge(sqs, queueUrls.execute, redriven);
    expect(await shapeOf(api, id)).toBe('root{task1, task2}');
    expect((await runToCompletion(runtime, api, batch.id)).endTime).not.toBeNull();
  });

  it('lets a first seed run wait for a batch that is still being written, for as long as its message says', async () => {
    // given no batch with this id (yet)
    const batchId = `not-written-yet-${Date.now()}`;

    // when the seed runs with two re-checks left
    await runtime.services.batches.seed({ batchId, awaitCreation: 2 });

    // then it looks again a second later, with one re-check left
    const again = await eventually(async () => {
      const messages = (await receiveAll(sqs, queueUrls.seed)).filter((m) => JSON.parse(m.Body!).batchId === batchId);
      return messages.length > 0 ? messages : undefined;
    });
    expect(again.map((m) => JSON.parse(m.Body!))).toEqual([{ batchId, awaitCreation: 1 }]);
    await acknowledge(sqs, queueUrls.seed, again);

    // and a seed run without re-checks left (or any later seed message) gives up
    await runtime.services.batches.seed({ batchId, awaitCreation: 0 });
    await runtime.services.batches.seed({ batchId });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await receiveAll(sqs, queueUrls.seed, 1)).filter((m) => JSON.parse(m.Body!).batchId === batchId)).toEqual([]);
  });

  it.each([
    [
      'a single-instance modification',
      async (client: Api) => client.post(`/process-instance/${await startInstance(client, 'reliable')}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] }),
    ],
    [
      'a multi-instance modification',
      async (client: Api) => {
        const id = await startInstance(client, 'reliable');
        return client.post('/modification/executeAsync', {
          processDefinitionId: await definitionIdOf(client, id),
          processInstanceIds: [id],
          instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }],
        });
      },
    ],
  ])('answers 500 and leaves no batch behind when the seed message of %s cannot be sent', async (_name, create) => {
    // given
    const before = await counts(faultyApi);
    publisher.mode = 'failSeed';

    // when
    const response = await create(faultyApi);

    // then
    expect(response.status, JSON.stringify(response.body)).toBe(500);
    expect(response.body.type).toBe('ProcessEngineException');
    expect(response.body.message).toContain('could not be started');
    expect(await counts(faultyApi)).toEqual(before);
    expect((await faultyApi.get('/batch/statistics/count')).body).toEqual({ count: before.batches });

    // and once the queue accepts messages again, creation works
    publisher.mode = 'normal';
    const retried = await create(faultyApi);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(await counts(faultyApi)).toEqual({ batches: before.batches + 1, historic: before.historic + 1 });
    expect((await faultyApi.delete(`/batch/${retried.body.id}?cascade=true`)).status).toBe(204);
  });
});

describe('poison messages on the execute queue', () => {
  let runtime: LocalRuntime;
  let sqs: SQSClient;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    sqs = new SQSClient({ region: runtime.config.region, endpoint: runtime.endpoint });
  });
  afterAll(async () => {
    await runtime?.stop();
    sqs?.destroy();
  });

  it('reports an unparsable record as a batch item failure and still handles the valid record next to it', async () => {
    // given
    const handler = createBatchExecuteHandler(runtime.services.batches);
    const records = eventOf([
      { MessageId: 'poison-1', ReceiptHandle: 'r1', Body: 'this is not json {' },
      { MessageId: 'valid-1', ReceiptHandle: 'r2', Body: JSON.stringify({ batchId: 'gone-batch', jobId: 'gone-batch-000000' }) },
      { MessageId: 'poison-2', ReceiptHandle: 'r3', Body: JSON.stringify({ batchId: 42 }) },
    ]);

    // when
    const response = await handler(records);

    // then
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'poison-1' }, { itemIdentifier: 'poison-2' }]);
  });

  // Regression (found while writing this suite, fixed): a batch whose records all fail (e.g. one lone poison message) makes the worker throw powertools' FullBatchFailureError instead of answering batchItemFailures (sqsWorker does not pass throwOnFullBatchFailure: false); Lambda would count a function error.
  it('reports a lone unparsable record as a batch item failure instead of throwing', async () => {
    // given
    const handler = createBatchExecuteHandler(runtime.services.batches);

    // when
    const response = await handler(eventOf([{ MessageId: 'poison-alone', ReceiptHandle: 'r1', Body: 'this is not json {' }]));

    // then
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'poison-alone' }]);
  });

  it('keeps polling past a poison message, which ends up in the dead-letter queue after maxReceiveCount deliveries', async () => {
    // given a poison message next to a valid one on the execute queue, and a poller with no visibility timeout
    const queue = runtime.resources.executeQueue;
    const poison = await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'this is not json {' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ batchId: 'gone-batch', jobId: 'gone-batch-000000' }) }));
    /** Per delivery: the ids of the records it contained and what the handler reported as failed. */
    const deliveries: { ids: string[]; failed: string[] | 'all (thrown)' }[] = [];
    const handler = createBatchExecuteHandler(runtime.services.batches);
    const poller = new SqsPoller(sqs, {
      queueUrl: queue.url,
      batchSize: queue.definition.batchSize,
      // 0: the record is visible again at once, so the redeliveries take no wall time
      visibilityTimeoutSeconds: 0,
      handler: async (event) => {
        const ids = event.Records.map((r) => r.messageId);
        try {
          const response = await handler(event);
          deliveries.push({ ids, failed: response.batchItemFailures.map((f) => f.itemIdentifier) });
          return response;
        } catch (error) {
          deliveries.push({ ids, failed: 'all (thrown)' });
          throw error;
        }
      },
    });

    // when
    const delivered = await poller.pollOnce();

    // then only the poison record is reported as failed, and the poller carries on
    expect(delivered).toBe(2);
    expect(deliveries).toEqual([{ ids: expect.arrayContaining([poison.MessageId]), failed: [poison.MessageId] }]);

    // when it keeps coming back
    const dead = await eventually(
      async () => {
        await poller.pollOnce();
        const { Messages: messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        return messages[0];
      },
      30_000,
      300,
    );

    // then it was delivered maxReceiveCount times, never acknowledged, and now sits in the dead-letter queue alone
    expect(dead.MessageId).toBe(poison.MessageId);
    expect(dead.Body).toBe('this is not json {');
    expect(deliveries.filter((d) => d.ids.includes(poison.MessageId!))).toHaveLength(queue.definition.maxReceiveCount);
    expect(deliveries.every((d) => d.failed === 'all (thrown)' || (d.failed.length === 1 && d.failed[0] === poison.MessageId))).toBe(true);
    expect(await poller.pollOnce()).toBe(0);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
  });
});
