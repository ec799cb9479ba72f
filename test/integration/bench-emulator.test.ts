import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The benchmarks' emulator (bench/support/moto_server_for_bench.py) removes two of moto's
 * data-sized costs. It must not change what the services do: a cancelled transaction leaves every
 * item as it was, a successful one applies all, and SQS visibility still hides and returns messages.
 */
const SCRIPT = fileURLToPath(new URL('../../bench/support/moto_server_for_bench.py', import.meta.url));
const PORT = 4597;
const endpoint = `http://127.0.0.1:${PORT}`;

describe('the benchmarks’ emulator', () => {
  let server: ChildProcess;
  const config = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const dynamo = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(dynamo);
  const sqs = new SQSClient(config);

  beforeAll(async () => {
    server = spawn('python3', [SCRIPT, '-H', '127.0.0.1', '-p', String(PORT)], { stdio: 'ignore' });
    for (let waited = 0; ; waited += 200) {
      try {
        await fetch(endpoint, { signal: AbortSignal.timeout(500) });
        break;
      } catch {
        if (waited > 20_000) throw new Error('the benchmarks’ emulator did not start');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await dynamo.send(
      new CreateTableCommand({
        TableName: 't',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }, 30_000);
  afterAll(() => {
    dynamo.destroy();
    sqs.destroy();
    server?.kill('SIGTERM');
  });

  const scan = async () => ((await doc.send(new ScanCommand({ TableName: 't' }))).Items ?? []).map((i) => `${i.pk}:${i.v ?? '-'}`).sort();

  it('rolls back every action of a cancelled transaction and applies every action of a successful one', async () => {
    // given
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a', sk: 'a', v: 1 } }));
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'd', sk: 'd', v: 1 } }));

    // when the last action's condition fails
    const cancelled = doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: 'a', sk: 'a', v: 2 } } },
          { Put: { TableName: 't', Item: { pk: 'new', sk: 'new' } } },
          { Delete: { TableName: 't', Key: { pk: 'd', sk: 'd' } } },
          { Update: { TableName: 't', Key: { pk: 'x', sk: 'x' }, UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': 9 } } },
        ],
      }),
    );

    // then
    await expect(cancelled).rejects.toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    expect(await scan()).toEqual(['a:1', 'd:1']);

    // and a transaction whose conditions hold applies all of it
    await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a', sk: 'a', v: 3 }, ConditionExpression: 'v = :one', ExpressionAttributeValues: { ':one': 1 } } }, { Delete: { TableName: 't', Key: { pk: 'd', sk: 'd' } } }] }));
    expect(await scan()).toEqual(['a:3']);
  });

  it('keeps a received message invisible for its visibility timeout, then delivers it again', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1, WaitTimeSeconds: 0 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['hello']);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['hello', '2']]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages![0]!.ReceiptHandle! }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
  });
});
