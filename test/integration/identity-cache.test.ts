import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type AppContext, appContext } from '../../shared/app/app-context.ts';
import { createAuthorization, deleteAuthorization, queryAuthorizations } from '../../shared/app/authorizations.ts';
import { addGroupMember, createGroup } from '../../shared/app/groups.ts';
import { createUser, deleteUser, updateUserCredentials } from '../../shared/app/users.ts';
import { AuthContext } from '../../shared/auth/auth-context.ts';
import type { Authorization } from '../../shared/auth/evaluate.ts';
import { IdentityCache } from '../../shared/auth/identity-cache.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES } from '../../shared/auth/resources.ts';
import type { Services } from '../../shared/service/compose.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { authorizationItem, IdentityRepository, type UserRecord } from '../../shared/store/identity-repository.ts';
import { type DynamoDbCall, recordDynamoDbCalls } from '../support/dynamodb-calls.ts';
import { startInstance } from '../support/instances.ts';
import { basicAuth, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * The per-container identity cache in front of the real table: a warm request with authentication
 * on reads nothing more than with it off; a change made in the same container counts at once, one
 * made in another container once the cache's lifetime has passed; and a check reads only the
 * authorizations of its user, their groups and the global ones of the resource type it checks.
 */

const LIFETIME_MS = 5_000;
/** An instance the caller may not READ is answered like a missing one. */
const NOT_READABLE = 404;
const system = AuthContext.anonymous();

let runtime: LocalRuntime;
let instanceId: string;
let recorder: ReturnType<typeof recordDynamoDbCalls> | undefined;

beforeAll(async () => {
  runtime = await startTestRuntime({ startWorkers: false });
  const api = restClient(runtime.url);
  const deployed = await api.deploy({ 'one.bpmn20.xml': readFileSync('test/fixtures/camunda-models/oneTaskProcess.bpmn20.xml', 'utf8') });
  expect(deployed.status).toBe(200);
  instanceId = await startInstance(api, 'oneTaskProcess');
});

afterAll(async () => {
  await runtime?.stop();
});

afterEach(() => {
  recorder?.stop();
  recorder = undefined;
});

/**
 * One API container with its own identity cache on a clock the test moves. `elsewhere` gives it
 * its own repository (and client) over the same table: another container, whose writes this
 * process does not hear of.
 */
function container(options: { elsewhere?: boolean; lifetimeMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const identities = options.elsewhere
    ? new IdentityRepository(createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint }), runtime.config.tableName)
    : runtime.services.identities;
  const identityCache = new IdentityCache<UserRecord>(identities, { lifetimeMs: options.lifetimeMs ?? LIFETIME_MS, now: () => clock.now });
  const services: Services = { ...runtime.services, identities, identityCache, authMode: 'basic' };
  const handler = createApiHandler(services);
  const app: AppContext = appContext(services);
  const activityInstances = async (user: string, password: string) =>
    (
      await handler({
        httpMethod: 'GET',
        path: `/engine-rest/process-instance/${instanceId}/activity-instances`,
        headers: { host: 'localhost', authorization: basicAuth(user, password) },
        queryStringParameters: null,
        body: null,
        isBase64Encoded: false,
        requestContext: { requestId: randomUUID(), stage: 'test' },
      } as unknown as APIGatewayProxyEvent)
    ).statusCode;
  return { clock, app, identityCache, activityInstances, openHandler: createApiHandler({ ...services, authMode: 'off' }) };
}

/** A user with password 'pw' in a fresh group granted READ on every process instance. */
async function readerInGroup(app: AppContext): Promise<{ userId: string; groupId: string }> {
  const userId = `reader-${randomUUID().slice(0, 8)}`;
  const groupId = `readers-${randomUUID().slice(0, 8)}`;
  await createUser(app, system, { id: userId, password: 'pw' });
  await createGroup(app, system, { id: groupId });
  await addGroupMember(app, system, { groupId, userId });
  await createAuthorization(app, system, { type: AUTHORIZATION_TYPES.GRANT, groupId, resourceType: RESOURCE_TYPES.ProcessInstance, resourceId: '*', permissions: ['READ'] });
  return { userId, groupId };
}

const revokeRead = (app: AppContext, userId: string) =>
  createAuthorization(app, system, { type: AUTHORIZATION_TYPES.REVOKE, userId, resourceType: RESOURCE_TYPES.ProcessInstance, resourceId: instanceId, permissions: ['READ'] });

const commands = (calls: DynamoDbCall[]) => calls.map((c) => `${c.command} ${String(c.input.IndexName ?? '')}${String((c.input.Key as { pk?: string } | undefined)?.pk ?? '')}`);

describe('the identity cache of an API container', () => {
  it('answers a warm request with authentication on with the same DynamoDB calls as with it off', async () => {
    // given a reader whose group may read every instance, and a container that has answered them once
    const here = container();
    const { userId } = await readerInGroup(here.app);
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // when the same request is answered with authentication off and then on
    recorder = recordDynamoDbCalls();
    const open = await here.openHandler({
      httpMethod: 'GET',
      path: `/engine-rest/process-instance/${instanceId}/activity-instances`,
      headers: { host: 'localhost' },
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: randomUUID(), stage: 'test' },
    } as unknown as APIGatewayProxyEvent);
    expect(open.statusCode).toBe(200);
    const withoutAuthentication = commands(recorder.take());
    expect(await here.activityInstances(userId, 'pw')).toBe(200);
    const withAuthentication = commands(recorder.take());

    // then the calls are the same: no user, membership, authorization or stamp read
    expect(withoutAuthentication.length).toBeGreaterThan(0);
    expect(withAuthentication).toEqual(withoutAuthentication);

    // and a wrong password is refused without reading anything; the failed attempt is recorded on the
    // user (one more attempt, the lock that follows) and the identity stamp raised (login throttling)
    expect(await here.activityInstances(userId, 'wrong')).toBe(401);
    expect(recorder.take().map((call) => `${call.command} ${JSON.stringify((call.input as { UpdateExpression?: string }).UpdateExpression)}`)).toEqual([
      'Update "ADD attempts :one"',
      'Update "SET lockExpirationTime = :until"',
      'Update "ADD #v :one"',
    ]);
  });

  it('counts an authorization revoked or deleted in the same container at once', async () => {
    // given a warm container answering a reader
    const here = container();
    const { userId } = await readerInGroup(here.app);
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // when the reader's READ on the instance is revoked through this container, then the next request is refused, the clock unmoved
    const revoke = await revokeRead(here.app, userId);
    expect(await here.activityInstances(userId, 'pw')).toBe(NOT_READABLE);

    // when the revoke is deleted, then the next request is answered again
    await deleteAuthorization(here.app, system, { id: revoke.id });
    expect(await here.activityInstances(userId, 'pw')).toBe(200);
  });

  it('refuses the old password at once after a password change, and a deleted user at once, in the same container', async () => {
    // given a warm container answering a reader
    const here = container();
    const { userId } = await readerInGroup(here.app);
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // when the password is changed here, then the old one is refused and the new one accepted at once
    await updateUserCredentials(here.app, system, { id: userId, password: 'new' });
    expect(await here.activityInstances(userId, 'pw')).toBe(401);
    // that failed login locked the user for a moment (login throttling): lifted here to go on
    await here.app.identities.clearLoginLock(userId);
    expect(await here.activityInstances(userId, 'new')).toBe(200);

    // when the user is deleted here, then they are refused at once
    await deleteUser(here.app, system, { id: userId });
    expect(await here.activityInstances(userId, 'new')).toBe(401);
  });

  it('counts a change made in another container once its lifetime has passed, after one stamp read', async () => {
    // given a warm container answering a reader, and another container over the same table
    const here = container();
    const elsewhere = container({ elsewhere: true });
    const { userId } = await readerInGroup(here.app);
    expect(await here.activityInstances(userId, 'pw')).toBe(200);
    here.clock.now += LIFETIME_MS;
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // when the other container revokes the reader's READ on the instance
    await revokeRead(elsewhere.app, userId);

    // then this container keeps answering from what it read until the lifetime has passed
    here.clock.now += LIFETIME_MS - 1;
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // and once it has, it reads the stamp, finds it moved, and refuses
    here.clock.now += 1;
    recorder = recordDynamoDbCalls();
    expect(await here.activityInstances(userId, 'pw')).toBe(NOT_READABLE);
    expect(commands(recorder.calls)[0]).toBe('Get IDENTITYSTAMP');
  });

  it('lets another container’s user deletion count once the lifetime has passed', async () => {
    // given a warm container answering a reader
    const here = container();
    const elsewhere = container({ elsewhere: true });
    const { userId } = await readerInGroup(here.app);
    expect(await here.activityInstances(userId, 'pw')).toBe(200);

    // when another container deletes the reader, then they are refused here once the lifetime has passed
    await deleteUser(elsewhere.app, system, { id: userId });
    here.clock.now += LIFETIME_MS;
    expect(await here.activityInstances(userId, 'pw')).toBe(401);
  });
});

describe('the authorizations a check reads', () => {
  it('are those of its user, every user, its groups and the global ones of the checked type, however many others are stored', async () => {
    // given a reader with one authorization at each level, and 500 unrelated ones stored beside them
    const here = container();
    const { userId, groupId } = await readerInGroup(here.app);
    const relevant = [
      await createAuthorization(here.app, system, { type: AUTHORIZATION_TYPES.GRANT, userId, resourceType: RESOURCE_TYPES.ProcessInstance, permissions: ['UPDATE'] }),
      await createAuthorization(here.app, system, { type: AUTHORIZATION_TYPES.GRANT, userId: '*', resourceType: RESOURCE_TYPES.ProcessInstance, resourceId: 'some-instance', permissions: ['UPDATE'] }),
      await createAuthorization(here.app, system, { type: AUTHORIZATION_TYPES.GLOBAL, userId: '*', resourceType: RESOURCE_TYPES.ProcessInstance, resourceId: 'other-instance', permissions: ['READ'] }),
    ];
    const unrelated = Array.from({ length: 500 }, (_, i): Authorization => {
      const owner = i % 3 === 0 ? { userId: `someone-${i}`, groupId: null } : i % 3 === 1 ? { userId: null, groupId: `team-${i}` } : { userId, groupId: null };
      // The reader's own (every third) are on other resource types.
      const resourceType = owner.userId === userId ? RESOURCE_TYPES.Deployment : RESOURCE_TYPES.ProcessInstance;
      return { id: `unrelated-${randomUUID()}`, type: AUTHORIZATION_TYPES.GRANT, permissions: ['READ'], resourceType, resourceId: '*', ...owner };
    });
    const doc = createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    for (let i = 0; i < unrelated.length; i += 25) {
      const chunk = unrelated.slice(i, i + 25).map((a) => ({ PutRequest: { Item: authorizationItem(a) } }));
      await doc.send(new BatchWriteCommand({ RequestItems: { [runtime.config.tableName]: chunk } }));
    }

    // when a cold container checks the reader on process instances
    const cold = container();
    recorder = recordDynamoDbCalls();
    const identity = await cold.identityCache.identityOf(userId);
    recorder.take();
    const read = await cold.identityCache.authorizationsFor(identity, RESOURCE_TYPES.ProcessInstance);
    const calls = recorder.take();

    // then it ran one query per owner (reader, *, group, global) and read only their authorizations
    expect(calls.map((c) => c.command)).toEqual(['Query', 'Query', 'Query', 'Query']);
    const groupGrant = (await queryAuthorizations(here.app, system, { groupIdIn: [groupId] }))[0]!;
    expect(read.map((a) => a.id).sort()).toEqual([...relevant.map((a) => a.id), groupGrant.id].sort());
    expect(calls.reduce((sum, c) => sum + c.itemsRead, 0)).toBe(4);

    // and the list of all authorizations still has every one
    expect((await queryAuthorizations(here.app, system, {})).length).toBeGreaterThanOrEqual(504);
  });

  it('finds an authorization stored without its owner index once the migration builder has rewritten it', async () => {
    // given a grant stored as it was before the owner index (no gsi2 attributes)
    const here = container({ lifetimeMs: 0 });
    const { userId } = await readerInGroup(here.app);
    const legacy: Authorization = {
      id: `legacy-${randomUUID()}`,
      type: AUTHORIZATION_TYPES.GRANT,
      permissions: ['DELETE'],
      userId,
      groupId: null,
      resourceType: RESOURCE_TYPES.Batch,
      resourceId: '*',
    };
    const { gsi2pk: _pk, gsi2sk: _sk, ...withoutOwnerIndex } = authorizationItem(legacy);
    const doc = createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    await doc.send(new PutCommand({ TableName: runtime.config.tableName, Item: withoutOwnerIndex }));
    const identity = await here.identityCache.identityOf(userId);
    expect(await here.identityCache.authorizationsFor(identity, RESOURCE_TYPES.Batch)).toEqual([]);

    // when the migration rewrites the item with authorizationItem, then the check finds it
    await doc.send(new PutCommand({ TableName: runtime.config.tableName, Item: authorizationItem(legacy) }));
    expect(await here.identityCache.authorizationsFor(identity, RESOURCE_TYPES.Batch)).toEqual([legacy]);
  });
});
