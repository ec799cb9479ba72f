import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeleteMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { redriveDeadLetters } from '../../shared/queue/redrive.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { receiveAll } from '../support/batch-driving.ts';
import { startInstances } from '../support/instances.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * A dead-lettered message has a documented way back (issue #19): `npm run redrive` moves a
 * dead-letter queue's messages into their queue (or lists them with --dry-run), and re-driving a
 * batch's dead-lettered messages completes the batch with every instance modified exactly once.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('re-driving dead letters', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let sqs: SQSClient;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false, config: { batchPollTimeSeconds: 1 } });
    api = restClient(runtime.url);
    sqs = new SQSClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    expect((await api.deploy({ 'redrive.bpmn': userTaskChain('redriveProcess', ['first', 'second']) })).status).toBe(200);
  });
  afterAll(async () => {
    sqs?.destroy();
    await runtime?.stop();
  });

  it('completes a batch whose execution messages were dead-lettered, every instance modified exactly once', async () => {
    // given a seeded batch whose execution messages all ended in the dead-letter queue (twice over:
    // a message dead-lettered after a redelivery of the same work)
    const ids = await startInstances(api, 'redriveProcess', 4);
    const definitionId = (await api.get(`/process-instance/${ids[0]}`)).body.definitionId;
    const batch = (await api.post('/modification/executeAsync', { processInstanceIds: ids, processDefinitionId: definitionId, instructions: [{ type: 'startBeforeActivity', activityId: 'second' }] }))
      .body;
    await runtime.pollers.seed.pollOnce();
    const { executeQueue } = runtime.resources;
    const executions = await receiveAll(sqs, executeQueue.url);
    expect(executions.length).toBeGreaterThan(0);
    for (const message of [...executions, ...executions]) await sqs.send(new SendMessageCommand({ QueueUrl: executeQueue.deadLetterUrl, MessageBody: message.Body! }));
    for (const message of executions) await sqs.send(new DeleteMessageCommand({ QueueUrl: executeQueue.url, ReceiptHandle: message.ReceiptHandle! }));

    // when the dead letters are listed (nothing moves), then re-driven with the command
    const listed = await redriveDeadLetters(sqs, { from: executeQueue.deadLetterUrl, to: executeQueue.url, dryRun: true });
    expect(listed.messages).toHaveLength(2 * executions.length);
    expect(await receiveAll(sqs, executeQueue.url, 1)).toEqual([]);
    const command = spawnSync(process.execPath, ['--import', 'tsx', 'local/redrive.ts', '--from', executeQueue.deadLetterUrl, '--to', executeQueue.url], {
      cwd: ROOT,
      env: process.env,
      encoding: 'utf8',
    });
    expect(command.status, command.stderr).toBe(0);
    expect(command.stdout).toContain(`moved ${2 * executions.length} message(s)`);

    // then the workers finish the batch, every instance modified once, and the dead-letter queue is empty
    for (const poller of Object.values(runtime.pollers)) poller.start();
    await eventually(async () => (await api.get(`/batch/${batch.id}`)).status === 404, 20_000, 200);
    for (const id of ids) expect((await api.get(`/task/count?processInstanceId=${id}&taskDefinitionKey=second`)).body).toEqual({ count: 1 });
    expect(await receiveAll(sqs, executeQueue.deadLetterUrl, 1)).toEqual([]);
  }, 45_000);
});
