/**
 * The latency the authorization layer adds per request: the same GET .../activity-instances through
 * the API handler with authentication off and with HTTP Basic + Camunda's checks on (a user granted
 * READ through a group), interleaved in one run against the same emulator. With authentication on,
 * a warm container reads nothing more: the user, their groups and the authorizations of the checked
 * types come from the container's identity cache (one stamp read per AUTH_CACHE_SECONDS).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createApiHandler } from '../functions/api/handler.ts';
import { hashPassword } from '../shared/auth/password.ts';
import { RESOURCE_TYPES } from '../shared/auth/resources.ts';
import { startProcessInstance } from '../shared/engine/operations.ts';
import { benchPrefix, provisionServices } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { heading, publish } from './support/report.ts';
import { deploy } from '../shared/service/deployment-service.ts';
import { readFileSync } from 'node:fs';

const emulator = await startBenchEmulator();
try {
  const { services } = await provisionServices(emulator.endpoint, benchPrefix('auth'));
  const xml = readFileSync('test/fixtures/camunda-models/oneTaskProcess.bpmn20.xml', 'utf8');
  const { definitions } = await deploy(services.engine.deps, services.engine.env, {
    name: 'bench',
    source: null,
    tenantId: null,
    enableDuplicateFiltering: false,
    deployChangedOnly: false,
    resources: [{ name: 'one.bpmn20.xml', xml }],
  });
  const definition = definitions[0]!;
  const model = await services.engine.model(definition);
  const started = startProcessInstance(model, { definitionId: definition.id }, services.engine.env);
  await services.engine.deps.instances.create(started.state, model);
  await services.identities.saveUser({ id: 'reader', firstName: null, lastName: null, email: null, passwordHash: hashPassword('pw') }, false);
  await services.identities.saveGroup({ id: 'readers', name: null, type: null }, false);
  await services.identities.addGroupMember('readers', 'reader');
  await services.identities.saveAuthorization({ id: 'a1', type: 1, permissions: ['READ'], userId: null, groupId: 'readers', resourceType: RESOURCE_TYPES.ProcessInstance, resourceId: '*' });
  const open = createApiHandler({ ...services, authMode: 'off' });
  const secured = createApiHandler({ ...services, authMode: 'basic' });
  const event = (withAuth: boolean): APIGatewayProxyEvent =>
    ({
      httpMethod: 'GET',
      path: `/engine-rest/process-instance/${started.state.id}/activity-instances`,
      headers: withAuth ? { host: 'localhost', authorization: `Basic ${Buffer.from('reader:pw').toString('base64')}` } : { host: 'localhost' },
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { stage: 'bench' },
    }) as unknown as APIGatewayProxyEvent;
  const time = async (handler: typeof open, withAuth: boolean) => {
    const t = process.hrtime.bigint();
    const response = await handler(event(withAuth));
    if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
    return Number(process.hrtime.bigint() - t) / 1000;
  };
  for (let i = 0; i < 10; i++) {
    await time(open, false);
    await time(secured, true);
  }
  const plain: number[] = [];
  const checked: number[] = [];
  const deadline = Date.now() + 30_000;
  while (plain.length < 150 && Date.now() < deadline) {
    plain.push(await time(open, false));
    checked.push(await time(secured, true));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  heading('GET activity-instances with authentication off vs HTTP Basic + authorization checks (interleaved)');
  console.log(`auth off ${median(plain).toFixed(0)} µs, auth on ${median(checked).toFixed(0)} µs (median of ${plain.length})`);
  publish([
    {
      bench: 'auth-overhead',
      metric: 'request with auth on / auth off (median)',
      value: median(checked) / median(plain),
      target: 1.3,
      unit: '×',
      detail: `${(median(checked) / 1000).toFixed(1)} ms vs ${(median(plain) / 1000).toFixed(1)} ms; warm: no identity read per request (user, groups and their authorizations of the checked types cached per container, one stamp read per lifetime); scrypt result cached per container`,
    },
  ]);
} finally {
  await emulator.stop();
}
