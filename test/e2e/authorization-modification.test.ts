import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import { drain, stopAll } from '../support/batch-driving.ts';
import { asUser, basicAuth, eventually, restClient, startTestRuntime } from '../support/runtime.ts';
import { type TreeNode, treeShape, userTaskChain } from './inline-bpmn.ts';

/**
 * Camunda's authorization model around process instance modification (reference §5, scenario B9):
 * batch creation needs CREATE_BATCH_MODIFY_PROCESS_INSTANCES or CREATE on Batch; the synchronous
 * modification needs UPDATE on the instance or UPDATE_INSTANCE on its definition (and DELETE when it
 * ends the instance); batches are read through READ-filtered queries; tenants hide what belongs to
 * other tenants; execution jobs run without user checks. Users, groups, tenants and authorizations
 * are written straight to the identity repository; everything else goes over HTTP.
 */

type Api = ReturnType<typeof restClient>;
type Json = Record<string, any>;
type Client = ReturnType<typeof asUser>;
type Grant = { resource: ResourceName; permissions: string[]; resourceId?: string; type?: number };

/** P1 of the reference: start → user1 → user2 → end. */
const P1 = userTaskChain('p1', ['user1', 'user2']);
const TENANT_MODEL = userTaskChain('tenantProcess', ['tenantTask']);

/** The process permissions of B9: everything about instances, nothing about batches. */
const PROCESS: Grant[] = [
  { resource: 'ProcessDefinition', permissions: ['READ', 'CREATE_INSTANCE', 'READ_INSTANCE', 'UPDATE_INSTANCE'] },
  { resource: 'ProcessInstance', permissions: ['CREATE'] },
];

const START_USER2 = { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] };

const BATCH_MESSAGE = (user: string) =>
  `The user with id '${user}' does not have one of the following permissions: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES' permission on resource 'Batch' or 'CREATE' permission on resource 'Batch'`;

/** The 403 of batch creation (reference §5), both alternatives in Camunda's order. */
const batchForbidden = (user: string) => ({
  type: 'AuthorizationException',
  message: BATCH_MESSAGE(user),
  code: 0,
  userId: user,
  resourceName: null,
  resourceId: null,
  permissionName: null,
  missingAuthorizations: [
    { permissionName: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resourceName: 'Batch', resourceId: null },
    { permissionName: 'CREATE', resourceName: 'Batch', resourceId: null },
  ],
});

/** A disjunctive 403 on an instance: `<permission>` on the instance or `<permission>_INSTANCE` on its definition. */
const instanceForbidden = (user: string, permission: 'UPDATE' | 'DELETE', pi: string, key: string) => ({
  type: 'AuthorizationException',
  message: `The user with id '${user}' does not have one of the following permissions: '${permission}' permission on resource '${pi}' of type 'ProcessInstance' or '${permission}_INSTANCE' permission on resource '${key}' of type 'ProcessDefinition'`,
  code: 0,
  userId: user,
  resourceName: null,
  resourceId: null,
  permissionName: null,
  missingAuthorizations: [
    { permissionName: permission, resourceName: 'ProcessInstance', resourceId: pi },
    { permissionName: `${permission}_INSTANCE`, resourceName: 'ProcessDefinition', resourceId: key },
  ],
});

/** A 403 with exactly one missing authorization (the deprecated top-level fields are set). */
const singleForbidden = (user: string, permissionName: string, resourceName: string, resourceId: string) => ({
  type: 'AuthorizationException',
  message: `The user with id '${user}' does not have '${permissionName}' permission on resource '${resourceId}' of type '${resourceName}'.`,
  code: 0,
  userId: user,
  resourceName,
  resourceId,
  permissionName,
  missingAuthorizations: [{ permissionName, resourceName, resourceId }],
});

function expectStatus(response: { status: number; body: any }, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

describe('authorization of process instance modification', () => {
  let runtime: LocalRuntime;
  let api: Api;
  let admin: Client;
  let p1DefinitionId: string;
  let tenantDefinitionId: string;
  let authorizationCounter = 0;

  async function deploy(name: string, xml: string, tenantId?: string): Promise<Json> {
    const form = new FormData();
    form.set('deployment-name', name);
    if (tenantId) form.set('tenant-id', tenantId);
    form.append(`${name}.bpmn`, new Blob([xml], { type: 'application/xml' }), `${name}.bpmn`);
    const response = await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form, headers: { authorization: basicAuth('demo', 'demo') } });
    const body = (await response.json()) as Json;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }

  async function grant(target: { userId?: string; groupId?: string }, grants: Grant[]): Promise<void> {
    const identities = runtime.services.identities;
    for (const g of grants) {
      authorizationCounter += 1;
      await identities.saveAuthorization({
        id: `auth-${authorizationCounter}`,
        type: g.type ?? AUTHORIZATION_TYPES.GRANT,
        permissions: g.permissions,
        userId: target.userId ?? null,
        groupId: target.groupId ?? null,
        resourceType: RESOURCE_TYPES[g.resource],
        resourceId: g.resourceId ?? '*',
      });
    }
  }

  /** A user (password = id) with the given authorizations, groups and tenants. */
  async function user(id: string, grants: Grant[], memberships: { groups?: string[]; tenants?: string[] } = {}): Promise<Client> {
    const identities = runtime.services.identities;
    await identities.saveUser({ id, firstName: id, lastName: null, email: null, passwordHash: hashPassword(id) }, false);
    for (const g of memberships.groups ?? []) await identities.addGroupMember(g, id);
    for (const t of memberships.tenants ?? []) await identities.addTenantUser(t, id);
    await grant({ userId: id }, grants);
    return asUser(api, id, id);
  }

  async function start(client: Client, key = 'p1'): Promise<string> {
    const response = await client.post(`/process-definition/key/${key}/start`, {});
    expectStatus(response, 200);
    return response.body.id as string;
  }

  async function shapeOf(id: string): Promise<string> {
    const response = await admin.get(`/process-instance/${id}/activity-instances`);
    if (response.status === 404) return 'ended';
    expectStatus(response, 200);
    return treeShape(response.body as TreeNode);
  }

  async function batchCounts(): Promise<{ runtime: number; historic: number }> {
    const runtimeCount = await admin.get('/batch/count');
    const historicCount = await admin.get('/history/batch/count');
    expectStatus(runtimeCount, 200);
    expectStatus(historicCount, 200);
    return { runtime: runtimeCount.body.count, historic: historicCount.body.count };
  }

  async function modifyAsync(client: Client, pi: string): Promise<Json> {
    const response = await client.post(`/process-instance/${pi}/modification-async`, START_USER2);
    expectStatus(response, 200);
    return response.body as Json;
  }

  const executeAsyncBody = (pi: string) => ({ processDefinitionId: p1DefinitionId, processInstanceIds: [pi], instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] });

  beforeAll(async () => {
    // Workers stay off: batches stay visible until the last test drives them by hand.
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    api = restClient(runtime.url);
    admin = asUser(api, 'demo', 'demo');
    const identities = runtime.services.identities;
    await identities.saveTenant({ id: 'tenant1', name: 'Tenant 1' }, false);
    await identities.saveTenant({ id: 'tenant2', name: 'Tenant 2' }, false);
    const p1 = await deploy('p1', P1);
    p1DefinitionId = Object.keys(p1.deployedProcessDefinitions)[0]!;
    const tenant = await deploy('tenantProcess', TENANT_MODEL, 'tenant2');
    tenantDefinitionId = Object.keys(tenant.deployedProcessDefinitions)[0]!;
    expect(tenant.tenantId).toBe('tenant2');
  });
  afterAll(async () => {
    await stopAll(runtime);
  });

  describe('creating a modification batch (B9)', () => {
    it('refuses modification-async to a user with process permissions but no batch permission, and creates no batch', async () => {
      // given
      const procUser = await user('procUser', PROCESS);
      const pi = await start(procUser);
      const before = await batchCounts();
      // when
      const response = await procUser.post(`/process-instance/${pi}/modification-async`, START_USER2);
      // then
      expectStatus(response, 403);
      expect(response.body).toEqual(batchForbidden('procUser'));
      expect(await batchCounts()).toEqual(before);
      expect(await shapeOf(pi)).toBe('root{user1}');
    });

    it('creates the batch for a user with Batch CREATE, with the user as createUserId', async () => {
      // given
      const creator = await user('batchCreator', [...PROCESS, { resource: 'Batch', permissions: ['CREATE'] }]);
      const pi = await start(creator);
      const before = await batchCounts();
      // when
      const batch = await modifyAsync(creator, pi);
      // then
      expect(batch).toMatchObject({ type: 'instance-modification', totalJobs: 1, jobsCreated: 0, suspended: false, tenantId: null, createUserId: 'batchCreator' });
      expect(await batchCounts()).toEqual({ runtime: before.runtime + 1, historic: before.historic + 1 });
      const stored = await admin.get(`/batch/${batch.id}`);
      expectStatus(stored, 200);
      expect(stored.body.createUserId).toBe('batchCreator');
    });

    it('applies the same check to POST /modification/executeAsync', async () => {
      // given
      const procUser = asUser(api, 'procUser', 'procUser');
      const creator = asUser(api, 'batchCreator', 'batchCreator');
      const pi = await start(procUser);
      const before = await batchCounts();
      // when
      const refused = await procUser.post('/modification/executeAsync', executeAsyncBody(pi));
      // then
      expectStatus(refused, 403);
      expect(refused.body).toEqual(batchForbidden('procUser'));
      expect(await batchCounts()).toEqual(before);
      // when
      const accepted = await creator.post('/modification/executeAsync', executeAsyncBody(pi));
      // then
      expectStatus(accepted, 200);
      expect(accepted.body).toMatchObject({ type: 'instance-modification', totalJobs: 1, tenantId: null, createUserId: 'batchCreator' });
      expect((await batchCounts()).runtime).toBe(before.runtime + 1);
    });

    it('accepts CREATE_BATCH_MODIFY_PROCESS_INSTANCES alone on both endpoints', async () => {
      // given
      const modifier = await user('modifyBatchUser', [...PROCESS, { resource: 'Batch', permissions: ['CREATE_BATCH_MODIFY_PROCESS_INSTANCES'] }]);
      const pi = await start(modifier);
      // when
      const single = await modifyAsync(modifier, pi);
      const multiple = await modifier.post('/modification/executeAsync', executeAsyncBody(pi));
      // then
      expect(single.createUserId).toBe('modifyBatchUser');
      expectStatus(multiple, 200);
      expect(multiple.body.createUserId).toBe('modifyBatchUser');
    });

    it('honours a group GRANT of Batch CREATE, and a user-level REVOKE of it overrides the group', async () => {
      // given
      await runtime.services.identities.saveGroup({ id: 'batchers', name: 'Batchers', type: 'WORKFLOW' }, false);
      await grant({ groupId: 'batchers' }, [{ resource: 'Batch', permissions: ['CREATE'] }]);
      const member = await user('groupMember', PROCESS, { groups: ['batchers'] });
      const revoked = await user('revokedMember', [...PROCESS, { resource: 'Batch', permissions: ['CREATE'], type: AUTHORIZATION_TYPES.REVOKE }], { groups: ['batchers'] });
      const pi = await start(member);
      // when
      const granted = await modifyAsync(member, pi);
      const grantedMultiple = await member.post('/modification/executeAsync', executeAsyncBody(pi));
      // then
      expect(granted.createUserId).toBe('groupMember');
      expectStatus(grantedMultiple, 200);
      // when
      const before = await batchCounts();
      const refused = await revoked.post(`/process-instance/${pi}/modification-async`, START_USER2);
      const refusedMultiple = await revoked.post('/modification/executeAsync', executeAsyncBody(pi));
      // then
      expectStatus(refused, 403);
      expect(refused.body).toEqual(batchForbidden('revokedMember'));
      expectStatus(refusedMultiple, 403);
      expect(refusedMultiple.body).toEqual(batchForbidden('revokedMember'));
      expect(await batchCounts()).toEqual(before);
    });
  });

  describe('synchronous modification', () => {
    it('needs UPDATE on the instance or UPDATE_INSTANCE on the definition', async () => {
      // given
      const reader = await user('instanceReader', [{ resource: 'ProcessDefinition', permissions: ['READ', 'READ_INSTANCE'] }]);
      const procUser = asUser(api, 'procUser', 'procUser');
      const pi = await start(admin);
      // when
      const refused = await reader.post(`/process-instance/${pi}/modification`, START_USER2);
      // then
      expectStatus(refused, 403);
      expect(refused.body).toEqual(instanceForbidden('instanceReader', 'UPDATE', pi, 'p1'));
      expect(await shapeOf(pi)).toBe('root{user1}');
      // when
      const accepted = await procUser.post(`/process-instance/${pi}/modification`, START_USER2);
      // then
      expectStatus(accepted, 204);
      expect(await shapeOf(pi)).toBe('root{user1, user2}');
    });

    it('accepts UPDATE on the one instance instead of UPDATE_INSTANCE on the definition', async () => {
      // given
      const pi = await start(admin);
      const other = await start(admin);
      const updater = await user('instanceUpdater', [{ resource: 'ProcessInstance', permissions: ['UPDATE'], resourceId: pi }]);
      // when
      const accepted = await updater.post(`/process-instance/${pi}/modification`, START_USER2);
      const refused = await updater.post(`/process-instance/${other}/modification`, START_USER2);
      // then
      expectStatus(accepted, 204);
      expect(await shapeOf(pi)).toBe('root{user1, user2}');
      expectStatus(refused, 403);
      expect(refused.body).toEqual(instanceForbidden('instanceUpdater', 'UPDATE', other, 'p1'));
      expect(await shapeOf(other)).toBe('root{user1}');
    });

    it('additionally needs DELETE when the modification cancels everything', async () => {
      // given
      const procUser = asUser(api, 'procUser', 'procUser');
      const deleter = await user('instanceDeleter', [...PROCESS, { resource: 'ProcessDefinition', permissions: ['DELETE_INSTANCE'] }]);
      const pi = await start(admin);
      const cancelAll = { instructions: [{ type: 'cancel', activityId: 'user1' }] };
      // when
      const refused = await procUser.post(`/process-instance/${pi}/modification`, cancelAll);
      // then
      expectStatus(refused, 403);
      expect(refused.body).toEqual(instanceForbidden('procUser', 'DELETE', pi, 'p1'));
      expectStatus(await admin.get(`/process-instance/${pi}`), 200);
      expect(await shapeOf(pi)).toBe('root{user1}');
      // when
      const accepted = await deleter.post(`/process-instance/${pi}/modification`, cancelAll);
      // then
      expectStatus(accepted, 204);
      expectStatus(await admin.get(`/process-instance/${pi}`), 404);
    });
  });

  describe('modification of several instances (/modification/execute and executeAsync)', () => {
    it('checks UPDATE on every instance before changing any of them', async () => {
      // given
      const allowed = await start(admin);
      const forbidden = await start(admin);
      const updater = await user('multiUpdater', [{ resource: 'ProcessInstance', permissions: ['UPDATE'], resourceId: allowed }]);
      // when
      const refused = await updater.post('/modification/execute', { ...executeAsyncBody(allowed), processInstanceIds: [allowed, forbidden] });
      // then
      expectStatus(refused, 403);
      expect(refused.body).toEqual(instanceForbidden('multiUpdater', 'UPDATE', forbidden, 'p1'));
      expect(await shapeOf(allowed)).toBe('root{user1}');
      expect(await shapeOf(forbidden)).toBe('root{user1}');
      // when
      const accepted = await updater.post('/modification/execute', executeAsyncBody(allowed));
      // then
      expectStatus(accepted, 204);
      expect(await shapeOf(allowed)).toBe('root{user1, user2}');
    });

    it('selects by processInstanceQuery only the instances the user may read', async () => {
      // given: instances exist, but the user may not read any of them
      await start(admin);
      const batchOnly = await user('queryBatchUser', [{ resource: 'Batch', permissions: ['CREATE'] }]);
      const before = await batchCounts();
      // when
      const response = await batchOnly.post('/modification/executeAsync', {
        processDefinitionId: p1DefinitionId,
        instructions: START_USER2.instructions,
        processInstanceQuery: { processDefinitionKey: 'p1' },
      });
      // then
      expectStatus(response, 400);
      expect(response.body).toEqual({ type: 'InvalidRequestException', message: 'Process instance ids cannot be empty: Process instance ids is empty', code: null });
      expect(await batchCounts()).toEqual(before);
    });

    // Regression (found while writing this suite, fixed): historicProcessInstanceQuery in /modification/execute(Async) is not authorization- or tenant-filtered (resolveMultiple reads every HPI item): a user without READ_HISTORY gets a batch over all instances (totalJobs reveals their number) or a 403 naming an instance id they may not see
    it('selects by historicProcessInstanceQuery only the instances whose history the user may read', async () => {
      // given: instances exist, but the user may read neither them nor their history
      const pi = await start(admin);
      const batchOnly = await user('historyQueryUser', [{ resource: 'Batch', permissions: ['CREATE'] }]);
      const before = await batchCounts();
      const body = { processDefinitionId: p1DefinitionId, instructions: START_USER2.instructions, historicProcessInstanceQuery: { processDefinitionKey: 'p1', unfinished: true } };
      const empty = { type: 'InvalidRequestException', message: 'Process instance ids cannot be empty: Process instance ids is empty', code: null };
      // when
      const asynchronous = await batchOnly.post('/modification/executeAsync', body);
      const synchronous = await batchOnly.post('/modification/execute', body);
      // then
      expectStatus(asynchronous, 400);
      expect(asynchronous.body).toEqual(empty);
      expect(await batchCounts()).toEqual(before);
      expectStatus(synchronous, 400);
      expect(synchronous.body).toEqual(empty);
      expect(JSON.stringify(synchronous.body)).not.toContain(pi);
    });
  });

  describe('reading and changing batches', () => {
    it('lists, counts and shows only the batches the user may READ; UPDATE and DELETE are checked', async () => {
      // given
      const pi = await start(admin);
      const readable = await modifyAsync(admin, pi);
      const hidden = await modifyAsync(admin, pi);
      const reader = await user('batchReader', [{ resource: 'Batch', permissions: ['READ'], resourceId: readable.id }]);
      // when / then
      const list = await reader.get('/batch');
      expectStatus(list, 200);
      expect(list.body.map((b: Json) => b.id)).toEqual([readable.id]);
      expect((await reader.get('/batch/count')).body).toEqual({ count: 1 });
      const statistics = await reader.get('/batch/statistics');
      expectStatus(statistics, 200);
      expect(statistics.body.map((b: Json) => b.id)).toEqual([readable.id]);
      expect((await reader.get('/batch/statistics/count')).body).toEqual({ count: 1 });
      expect((await admin.get('/batch/count')).body.count).toBeGreaterThan(2);

      const shown = await reader.get(`/batch/${readable.id}`);
      expectStatus(shown, 200);
      expect(shown.body).toMatchObject({ id: readable.id, createUserId: 'demo' });
      const missing = await reader.get(`/batch/${hidden.id}`);
      expectStatus(missing, 404);
      expect(missing.body).toEqual({ type: 'InvalidRequestException', message: `Batch with id '${hidden.id}' does not exist`, code: null });

      const suspend = await reader.put(`/batch/${readable.id}/suspended`, { suspended: true });
      expectStatus(suspend, 403);
      expect(suspend.body).toEqual(singleForbidden('batchReader', 'UPDATE', 'Batch', readable.id));
      const remove = await reader.delete(`/batch/${readable.id}`);
      expectStatus(remove, 403);
      expect(remove.body).toEqual(singleForbidden('batchReader', 'DELETE', 'Batch', readable.id));
      const after = await admin.get(`/batch/${readable.id}`);
      expectStatus(after, 200);
      expect(after.body.suspended).toBe(false);

      // given UPDATE and DELETE on that batch
      await grant({ userId: 'batchReader' }, [{ resource: 'Batch', permissions: ['UPDATE', 'DELETE'], resourceId: readable.id }]);
      // when / then
      expectStatus(await reader.put(`/batch/${readable.id}/suspended`, { suspended: true }), 204);
      expect((await admin.get(`/batch/${readable.id}`)).body.suspended).toBe(true);
      expectStatus(await reader.delete(`/batch/${readable.id}`), 204);
      expectStatus(await admin.get(`/batch/${readable.id}`), 404);
      expectStatus(await admin.get(`/batch/${hidden.id}`), 200);
    });
  });

  describe('tenants', () => {
    it('hides definitions, instances, tasks and batches of other tenants from members with ALL permissions', async () => {
      // given
      const everything: Grant[] = (['ProcessDefinition', 'ProcessInstance', 'Batch', 'Task'] as const).map((resource) => ({ resource, permissions: ['ALL'] }));
      const user1 = await user('tenantUser1', everything, { tenants: ['tenant1'] });
      const user2 = await user('tenantUser2', everything, { tenants: ['tenant2'] });
      const started = await admin.post('/process-definition/key/tenantProcess/tenant-id/tenant2/start', {});
      expectStatus(started, 200);
      expect(started.body.tenantId).toBe('tenant2');
      const pi = started.body.id as string;
      const tasks = await admin.get(`/task?processInstanceId=${pi}`);
      expectStatus(tasks, 200);
      const taskId = tasks.body[0].id as string;
      const batch = await modifyAsync(admin, pi);
      expect(batch.tenantId).toBe('tenant2');
      const sharedPi = await start(admin);

      // then: tenant1's member sees nothing of tenant2 …
      const definitions1 = await user1.get('/process-definition');
      expectStatus(definitions1, 200);
      expect(definitions1.body.map((d: Json) => d.id)).toContain(p1DefinitionId);
      expect(definitions1.body.map((d: Json) => d.id)).not.toContain(tenantDefinitionId);
      expect((await user1.get('/process-definition?key=tenantProcess')).body).toEqual([]);
      expectStatus(await user1.get(`/process-definition/${tenantDefinitionId}`), 404);
      const instances1 = await user1.get('/process-instance');
      expectStatus(instances1, 200);
      expect(instances1.body.map((i: Json) => i.id)).toContain(sharedPi);
      expect(instances1.body.map((i: Json) => i.id)).not.toContain(pi);
      expect((await user1.get('/process-instance?processDefinitionKey=tenantProcess')).body).toEqual([]);
      expectStatus(await user1.get(`/process-instance/${pi}`), 404);
      expect((await user1.get(`/task?processInstanceId=${pi}`)).body).toEqual([]);
      expectStatus(await user1.get(`/task/${taskId}`), 404);
      expect((await user1.get('/batch')).body.map((b: Json) => b.id)).not.toContain(batch.id);
      expect((await user1.get('/batch?tenantIdIn=tenant2')).body).toEqual([]);
      expectStatus(await user1.get(`/batch/${batch.id}`), 404);
      // … and cannot change it: Camunda's tenant check comes before the permission check.
      const modified = await user1.post(`/process-instance/${pi}/modification`, { instructions: [{ type: 'cancel', activityId: 'tenantTask' }] });
      expectStatus(modified, 500);
      expect(modified.body).toEqual({
        type: 'ProcessEngineException',
        message: `ENGINE-13034 Cannot update the process instance '${pi}' because it belongs to no authenticated tenant.`,
        code: 0,
      });
      expect(await shapeOf(pi)).toBe('root{tenantTask}');

      // then: tenant2's member sees all of it
      const definitions2 = await user2.get('/process-definition?key=tenantProcess');
      expectStatus(definitions2, 200);
      expect(definitions2.body.map((d: Json) => d.id)).toEqual([tenantDefinitionId]);
      expectStatus(await user2.get(`/process-definition/${tenantDefinitionId}`), 200);
      expect((await user2.get('/process-instance?processDefinitionKey=tenantProcess')).body.map((i: Json) => i.id)).toContain(pi);
      const instance2 = await user2.get(`/process-instance/${pi}`);
      expectStatus(instance2, 200);
      expect(instance2.body).toMatchObject({ id: pi, tenantId: 'tenant2' });
      expect((await user2.get(`/task?processInstanceId=${pi}`)).body.map((t: Json) => t.id)).toEqual([taskId]);
      expectStatus(await user2.get(`/task/${taskId}`), 200);
      expect((await user2.get('/batch?tenantIdIn=tenant2')).body.map((b: Json) => b.id)).toContain(batch.id);
      const batch2 = await user2.get(`/batch/${batch.id}`);
      expectStatus(batch2, 200);
      expect(batch2.body.tenantId).toBe('tenant2');

      // then: history follows the same rule, and membership through a group counts like a direct one
      const historyGrant: Grant = { resource: 'ProcessDefinition', permissions: ['READ_HISTORY'] };
      await grant({ userId: 'tenantUser1' }, [historyGrant]);
      await grant({ userId: 'tenantUser2' }, [historyGrant]);
      expect((await user1.get(`/history/process-instance?processInstanceId=${pi}`)).body).toEqual([]);
      expectStatus(await user1.get(`/history/process-instance/${pi}`), 404);
      expect((await user2.get(`/history/process-instance?processInstanceId=${pi}`)).body.map((h: Json) => h.id)).toEqual([pi]);
      await runtime.services.identities.saveGroup({ id: 'tenant2group', name: 'Tenant 2 group', type: 'WORKFLOW' }, false);
      await runtime.services.identities.addTenantGroup('tenant2', 'tenant2group');
      const user3 = await user('tenantUser3', everything, { groups: ['tenant2group'] });
      expectStatus(await user3.get(`/process-instance/${pi}`), 200);
      expectStatus(await user3.get(`/task/${taskId}`), 200);
      expectStatus(await user3.get(`/batch/${batch.id}`), 200);
    });
  });

  describe('batch execution', () => {
    it('runs the execution jobs without user checks: a batch of a user with only Batch CREATE modifies the instance', async () => {
      // given
      const onlyBatch = await user('onlyBatch', [{ resource: 'Batch', permissions: ['CREATE'] }]);
      const pi = await start(admin);
      expectStatus(await onlyBatch.get(`/process-instance/${pi}`), 404);
      expectStatus(await onlyBatch.post(`/process-instance/${pi}/modification`, START_USER2), 403);
      const batch = await modifyAsync(onlyBatch, pi);
      expect(batch.createUserId).toBe('onlyBatch');
      // when: seed, execution and monitor run, one record per delivery (as the workers would)
      await eventually(
        async () => {
          await drain(runtime);
          return (await admin.get(`/batch/${batch.id}`)).status === 404;
        },
        45_000,
        200,
      );
      // then
      expect(await shapeOf(pi)).toBe('root{user1, user2}');
      const historic = await admin.get(`/history/batch/${batch.id}`);
      expectStatus(historic, 200);
      expect(historic.body).toMatchObject({ id: batch.id, createUserId: 'onlyBatch' });
      expect(historic.body.endTime).not.toBeNull();
    }, 60_000);
  });
});
