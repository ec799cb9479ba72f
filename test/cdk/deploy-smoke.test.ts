import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../local/provision.ts';
import { ENGINE_TABLE, physicalName, QUEUES } from '../../shared/infrastructure/resources.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `cdk bootstrap` + `cdk deploy --method=direct` into a fresh moto of its own, then the deployed
 * table and queues are compared with what the local runtime creates from the same definitions.
 * moto's default account is used (no MOTO_ACCOUNT_ID) so the CDK CLI and the SDK see the same one;
 * the endpoint is `localhost` because moto only resolves path-style template URLs for that host.
 */
describe('deploying the stack into the emulator', () => {
  let endpoint: string;
  let moto: ReturnType<typeof spawn>;
  const region = 'us-east-1';
  const account = '123456789012';
  const env = () => ({ ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: region, AWS_DEFAULT_REGION: region, CI: 'true' });

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://localhost:${port}`;
    const motoEnv = { ...process.env };
    delete motoEnv.MOTO_ACCOUNT_ID;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: motoEnv, stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(endpoint);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 30_000);

  afterAll(() => {
    moto?.kill('SIGTERM');
  });

  it('bootstraps and deploys to CREATE_COMPLETE with the table and queues the local runtime creates', async () => {
    // given an administrator secret (moto's CloudFormation cannot create Secrets Manager secrets, so
    // the smoke test uses the stack's option to bring an existing one)
    const connection = { region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const secret = await new SecretsManagerClient(connection).send(new CreateSecretCommand({ Name: 'smoke-admin', SecretString: JSON.stringify({ username: 'admin', password: 'smoke' }) }));

    // when
    await run('npx', ['cdk', 'bootstrap', `aws://${account}/${region}`], { cwd: ROOT, env: env(), maxBuffer: 64 * 1024 * 1024 });
    await run('npx', ['cdk', 'deploy', '--method=direct', '--require-approval', 'never', '-c', 'prefix=smoke', '-c', `adminSecretArn=${secret.ARN}`], {
      cwd: ROOT,
      env: env(),
      maxBuffer: 64 * 1024 * 1024,
    });

    // then the stack is complete
    const stacks = await new CloudFormationClient(connection).send(new DescribeStacksCommand({ StackName: 'CamundaEngine' }));
    expect(stacks.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stacks.Stacks?.[0]?.Outputs?.some((o) => o.OutputKey === 'EngineRestUrl')).toBe(true);

    // and the deployed resources match what the local runtime provisions from the same definitions
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    await provision({ region, endpoint }, 'local');
    const dynamo = new DynamoDBClient(connection);
    const describeTable = async (prefix: string) => (await dynamo.send(new DescribeTableCommand({ TableName: physicalName(prefix, ENGINE_TABLE.id) }))).Table!;
    const shape = (table: Awaited<ReturnType<typeof describeTable>>) => ({
      keys: table.KeySchema,
      indexes: (table.GlobalSecondaryIndexes ?? []).map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection?.ProjectionType })).sort((a, b) => a.name!.localeCompare(b.name!)),
      billing: table.BillingModeSummary?.BillingMode,
    });
    expect(shape(await describeTable('smoke'))).toEqual(shape(await describeTable('local')));

    const sqs = new SQSClient(connection);
    const queueShape = async (name: string) => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }));
      return { visibility: Attributes?.VisibilityTimeout, maxReceiveCount: JSON.parse(Attributes?.RedrivePolicy ?? '{}').maxReceiveCount };
    };
    for (const queue of QUEUES) {
      expect(await queueShape(physicalName('smoke', queue.id))).toEqual(await queueShape(physicalName('local', queue.id)));
    }
  }, 600_000);
});
