import { type ChildProcess, spawn } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_LAUNCHER } from '../../local/emulator.ts';

/**
 * The embedded emulator (local/emulator.py) must behave like DynamoDB and SQS where the engine
 * depends on them: every request isolated from the others, cancelled transactions restoring only
 * their own items, index queries that follow every write, long polls that stay concurrent. It runs
 * on its own port here (whatever AWS_ENDPOINT_URL says), so these tests always test the launcher.
 */
const PORT = 4597;
const endpoint = `http://127.0.0.1:${PORT}`;
const CLIENTS = 32;

describe('the embedded emulator', () => {
  let server: ChildProcess;
  const config = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const dynamo = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(dynamo);
  const sqs = new SQSClient(config);

  beforeAll(async () => {
    server = spawn('python3', [EMULATOR_LAUNCHER, '-H', '127.0.0.1', '-p', String(PORT)], { stdio: 'ignore' });
    for (let waited = 0; ; waited += 200) {
      try {
        await fetch(endpoint, { signal: AbortSignal.timeout(500) });
        break;
      } catch {
        if (waited > 20_000) throw new Error('the embedded emulator did not start');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await createTable('t');
    await createTable('g', true);
  }, 30_000);
  afterAll(() => {
    dynamo.destroy();
    sqs.destroy();
    server?.kill('SIGTERM');
  });

  async function createTable(name: string, withIndex = false) {
    const keys = (hash: string, range: string) => [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ];
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys('pk', 'sk'),
        AttributeDefinitions: ['pk', 'sk', ...(withIndex ? ['gpk', 'gsk'] : [])].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        GlobalSecondaryIndexes: withIndex ? [{ IndexName: 'gsi', KeySchema: keys('gpk', 'gsk'), Projection: { ProjectionType: 'ALL' } }] : undefined,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }

  const scan = async () => ((await doc.send(new ScanCommand({ TableName: 't' }))).Items ?? []).map((i) => `${i.pk}:${i.v ?? '-'}`).sort();
  const indexed = async (gpk: string) =>
    ((await doc.send(new QueryCommand({ TableName: 'g', IndexName: 'gsi', KeyConditionExpression: 'gpk = :p', ExpressionAttributeValues: { ':p': gpk } }))).Items ?? []).map((i) => i.pk);

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
    await expect(cancelled).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect(await scan()).toEqual(['a:1', 'd:1']);

    // and a transaction whose conditions hold applies all of it
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: 'a', sk: 'a', v: 3 }, ConditionExpression: 'v = :one', ExpressionAttributeValues: { ':one': 1 } } },
          { Delete: { TableName: 't', Key: { pk: 'd', sk: 'd' } } },
        ],
      }),
    );
    expect(await scan()).toEqual(['a:3']);
  });

  it('never lets a cancelled transaction undo a write that committed while it ran', async () => {
    // given a table of some size (stock moto copies the whole table when a transaction starts and puts
    // that copy back when it is cancelled: the bigger the table, the wider that window)
    for (let b = 0; b < 80; b++) {
      const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: 'filler', sk: `${b}-${i}`, payload: 'x'.repeat(200) } } }));
      await doc.send(new BatchWriteCommand({ RequestItems: { t: items } }));
    }
    // and transactions that write one item and then fail on another, over and over
    const cancelling = Array.from({ length: 60 }, (_, i) =>
      doc
        .send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: 't', Item: { pk: 'victim', sk: 'v', n: i } } },
              { ConditionCheck: { TableName: 't', Key: { pk: 'absent', sk: 'absent' }, ConditionExpression: 'attribute_exists(pk)' } },
            ],
          }),
        )
        .then(
          () => 'committed',
          (error: Error) => error.name,
        ),
    );

    // when other clients commit plain writes at the same time
    const committed = Array.from({ length: 60 }, (_, i) => doc.send(new PutCommand({ TableName: 't', Item: { pk: `kept-${i}`, sk: 'k', v: i } })));
    await Promise.all(committed);

    // then every cancelled transaction was cancelled, and every acknowledged write is still there
    expect(new Set(await Promise.all(cancelling))).toEqual(new Set(['TransactionCanceledException']));
    const kept = (await scan()).filter((row) => row.startsWith('kept-'));
    expect(kept).toHaveLength(60);
    expect((await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'victim', sk: 'v' } }))).Item).toBeUndefined();
  });

  it(`lets exactly one of ${CLIENTS} concurrent conditional puts of one key succeed`, async () => {
    const outcomes = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        doc.send(new PutCommand({ TableName: 't', Item: { pk: 'once', sk: 'once', by: i }, ConditionExpression: 'attribute_not_exists(pk)' })).then(
          () => 'won',
          (error: Error) => error.name,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'won')).toEqual(Array(CLIENTS - 1).fill('ConditionalCheckFailedException'));
  });

  it(`loses no increment when ${CLIENTS} clients update one item under a version condition`, async () => {
    // given a counter with a version
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'counter', sk: 'c', n: 0, version: 0 } }));
    let conflicts = 0;

    // when each client adds 3, one optimistic read-modify-write at a time
    const increment = async () => {
      for (;;) {
        const { Item } = await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'counter', sk: 'c' }, ConsistentRead: true }));
        try {
          await doc.send(
            new UpdateCommand({
              TableName: 't',
              Key: { pk: 'counter', sk: 'c' },
              UpdateExpression: 'SET n = :n, version = :next',
              ConditionExpression: 'version = :seen',
              ExpressionAttributeValues: { ':n': Item!.n + 1, ':next': Item!.version + 1, ':seen': Item!.version },
            }),
          );
          return;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
          conflicts++;
        }
      }
    };
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = 0; i < 3; i++) await increment();
      }),
    );

    // then
    const { Item } = await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'counter', sk: 'c' } }));
    expect(Item).toMatchObject({ n: CLIENTS * 3, version: CLIENTS * 3 });
    expect(conflicts).toBeGreaterThan(0); // the clients really did race
  });

  it('answers queries in key order and without errors while batch writes and deletes land in the same partition', async () => {
    // given writers that each put 25 items in one BatchWriteItem, then delete them again
    const writers = Array.from({ length: 20 }, async (_, w) => {
      const keys = Array.from({ length: 25 }, (_, i) => ({ pk: 'busy', sk: `${String(w).padStart(2, '0')}-${String(i).padStart(2, '0')}` }));
      await doc.send(new BatchWriteCommand({ RequestItems: { t: keys.map((Item) => ({ PutRequest: { Item: { ...Item, v: w } } })) } }));
      if (w % 2 === 1) await doc.send(new BatchWriteCommand({ RequestItems: { t: keys.map((Key) => ({ DeleteRequest: { Key } })) } }));
    });
    // when readers query the partition meanwhile
    let reading = true;
    const readers = Array.from({ length: 8 }, async () => {
      const seen: number[] = [];
      while (reading) {
        const { Items = [] } = await doc.send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'busy' } }));
        const sks = Items.map((i) => i.sk as string);
        expect(sks).toEqual([...sks].sort());
        expect(new Set(sks).size).toBe(sks.length);
        seen.push(sks.length);
      }
      return seen;
    });
    await Promise.all(writers);
    reading = false;
    const seen = (await Promise.all(readers)).flat();

    // then every reader got answers, and the partition holds exactly the items not deleted
    expect(seen.length).toBeGreaterThan(0);
    const { Items = [] } = await doc.send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'busy' } }));
    expect(Items).toHaveLength(10 * 25);
    expect(new Set(Items.map((i) => i.v % 2))).toEqual(new Set([0]));
  });

  it('keeps index partitions in step with puts, updates, deletes and cancelled transactions', async () => {
    // given an item in index partition A
    await doc.send(new PutCommand({ TableName: 'g', Item: { pk: 'i1', sk: 'i1', gpk: 'A', gsk: '1' } }));
    expect(await indexed('A')).toEqual(['i1']);

    // when an update moves it to B, and a cancelled transaction would move it to C
    await doc.send(new UpdateCommand({ TableName: 'g', Key: { pk: 'i1', sk: 'i1' }, UpdateExpression: 'SET gpk = :b', ExpressionAttributeValues: { ':b': 'B' } }));
    const cancelled = doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: 'g', Key: { pk: 'i1', sk: 'i1' }, UpdateExpression: 'SET gpk = :c', ExpressionAttributeValues: { ':c': 'C' } } },
          { Put: { TableName: 'g', Item: { pk: 'i2', sk: 'i2', gpk: 'C', gsk: '2' } } },
          { ConditionCheck: { TableName: 'g', Key: { pk: 'absent', sk: 'absent' }, ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    await expect(cancelled).rejects.toMatchObject({ name: 'TransactionCanceledException' });

    // then
    expect(await indexed('A')).toEqual([]);
    expect(await indexed('B')).toEqual(['i1']);
    expect(await indexed('C')).toEqual([]);

    // and an item that loses its index key, or is deleted, leaves the index
    await doc.send(new PutCommand({ TableName: 'g', Item: { pk: 'i3', sk: 'i3', gpk: 'B', gsk: '3' } }));
    await doc.send(new UpdateCommand({ TableName: 'g', Key: { pk: 'i1', sk: 'i1' }, UpdateExpression: 'REMOVE gpk' }));
    expect(await indexed('B')).toEqual(['i3']);
    await doc.send(new DeleteCommand({ TableName: 'g', Key: { pk: 'i3', sk: 'i3' } }));
    expect(await indexed('B')).toEqual([]);
  });

  it('pages an index partition in sort-key order with Limit and ExclusiveStartKey', async () => {
    // given 25 items in one index partition, written out of order, and items in other partitions
    const order = Array.from({ length: 25 }, (_, i) => (i * 7) % 25);
    for (const i of order) await doc.send(new PutCommand({ TableName: 'g', Item: { pk: `p${i}`, sk: 'x', gpk: 'paged', gsk: String(i).padStart(3, '0') } }));
    for (let i = 0; i < 10; i++) await doc.send(new PutCommand({ TableName: 'g', Item: { pk: `o${i}`, sk: 'x', gpk: `other-${i}`, gsk: '000' } }));

    // when it is read 10 at a time
    const pages: string[][] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: 'g',
          IndexName: 'gsi',
          KeyConditionExpression: 'gpk = :p AND gsk >= :from',
          ExpressionAttributeValues: { ':p': 'paged', ':from': '005' },
          Limit: 10,
          ExclusiveStartKey: start,
        }),
      );
      pages.push((page.Items ?? []).map((i) => i.gsk as string));
      start = page.LastEvaluatedKey;
    } while (start);

    // then
    expect(pages.flat()).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 5).padStart(3, '0')));
    expect(pages[0]).toHaveLength(10);
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

  it('serves long polls concurrently: a message sent to one queue reaches its poller while another poller still waits', async () => {
    // given two pollers waiting up to 3 s on two empty queues
    const { QueueUrl: quiet } = await sqs.send(new CreateQueueCommand({ QueueName: 'quiet' }));
    const { QueueUrl: busy } = await sqs.send(new CreateQueueCommand({ QueueName: 'busy' }));
    const started = Date.now();
    const quietPoll = sqs.send(new ReceiveMessageCommand({ QueueUrl: quiet, WaitTimeSeconds: 3 }));
    const busyPoll = sqs.send(new ReceiveMessageCommand({ QueueUrl: busy, WaitTimeSeconds: 3 })).then((r) => ({ r, at: Date.now() - started }));

    // when a message is sent to the second queue
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl: busy, MessageBody: 'wake up' }));

    // then its poller answers long before the first poll's wait is over
    const { r, at } = await busyPoll;
    expect(r.Messages?.map((m) => m.Body)).toEqual(['wake up']);
    expect(at).toBeLessThan(2_500);
    expect((await quietPoll).Messages ?? []).toEqual([]);
  });

  it('never hands one message to two concurrent receivers', async () => {
    // given 100 messages
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'shared' }));
    for (let b = 0; b < 10; b++) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${b * 10 + i}` })) }));
    }

    // when 16 receivers take them at the same time
    const bodies = (
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          const got: string[] = [];
          for (;;) {
            const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
            if (Messages.length === 0) return got;
            got.push(...Messages.map((m) => m.Body!));
          }
        }),
      )
    ).flat();

    // then each message was received exactly once
    expect(bodies).toHaveLength(100);
    expect(new Set(bodies).size).toBe(100);
  });
});
