import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { asUser, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * Camunda's authorization model over REST (/authorization and the checks the identity endpoints
 * make): the administrator `demo` grants and revokes, the plain user `mary` sees what that allows.
 */

type Api = ReturnType<typeof restClient>;
type Client = ReturnType<typeof asUser>;

const invalid = (message: string) => ({ type: 'InvalidRequestException', message, code: null });

/** Camunda's AuthorizationExceptionDto for one missing permission. */
const forbidden = (userId: string, permissionName: string, resourceName: string, resourceId: string | null) => ({
  type: 'AuthorizationException',
  message:
    resourceId === null
      ? `The user with id '${userId}' does not have '${permissionName}' permission on resource '${resourceName}'.`
      : `The user with id '${userId}' does not have '${permissionName}' permission on resource '${resourceId}' of type '${resourceName}'.`,
  code: 0,
  userId,
  resourceName,
  resourceId,
  permissionName,
  missingAuthorizations: [{ permissionName, resourceName, resourceId }],
});

const USER = 1;
const GROUP = 2;
const AUTHORIZATION = 4;
const PROCESS_DEFINITION = 6;

describe('authorizations over REST', () => {
  let runtime: LocalRuntime;
  let api: Api;
  let admin: Client;
  let mary: Client;

  async function createAuthorization(body: Record<string, unknown>): Promise<string> {
    const response = await admin.post('/authorization/create', body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    api = restClient(runtime.url);
    const identities = runtime.services.identities;
    await identities.saveUser({ id: 'demo', firstName: 'Demo', lastName: 'Demo', email: null, passwordHash: hashPassword('demo') }, false);
    await identities.saveGroup({ id: 'camunda-admin', name: 'camunda BPM Administrators', type: 'SYSTEM' }, false);
    await identities.addGroupMember('camunda-admin', 'demo');
    admin = asUser(api, 'demo', 'demo');
    expect((await admin.post('/user/create', { profile: { id: 'mary', firstName: 'Mary', lastName: 'Anne', email: 'mary@example.com' }, credentials: { password: 'mary' } })).status).toBe(204);
    expect((await admin.post('/group/create', { id: 'sales', name: 'Sales', type: 'WORKFLOW' })).status).toBe(204);
    expect((await admin.put('/group/sales/members/mary')).status).toBe(204);
    mary = asUser(api, 'mary', 'mary');
  });
  afterAll(async () => runtime?.stop());

  it('creates, reads, queries, updates and deletes an authorization with Camunda’s DTO', async () => {
    // when
    const created = await admin.post('/authorization/create', { type: 1, permissions: ['READ', 'UPDATE'], userId: 'crudUser', groupId: null, resourceType: PROCESS_DEFINITION, resourceId: 'invoice' });
    // then
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id as string;
    expect(typeof id).toBe('string');
    const expected = {
      id,
      type: 1,
      permissions: ['READ', 'UPDATE'],
      userId: 'crudUser',
      groupId: null,
      resourceType: PROCESS_DEFINITION,
      resourceId: 'invoice',
      removalTime: null,
      rootProcessInstanceId: null,
      links: [],
    };
    expect(created.body).toEqual(expected);
    expect((await admin.get(`/authorization/${id}`)).body).toEqual(expected);
    expect((await admin.get('/authorization?userIdIn=crudUser,someoneElse')).body).toEqual([expected]);
    expect((await admin.get(`/authorization?resourceType=${PROCESS_DEFINITION}&resourceId=invoice&type=1`)).body).toEqual([expected]);
    expect((await admin.get('/authorization/count?userIdIn=crudUser')).body).toEqual({ count: 1 });
    expect((await admin.get('/authorization/count?userIdIn=crudUser&type=2')).body).toEqual({ count: 0 });

    // update: ids and permissions replace the stored ones, the type stays
    const updated = await admin.put(`/authorization/${id}`, { permissions: ['ALL'], userId: null, groupId: 'crudGroup', resourceType: PROCESS_DEFINITION, resourceId: '*' });
    expect(updated.status, JSON.stringify(updated.body)).toBe(204);
    expect((await admin.get(`/authorization/${id}`)).body).toEqual({ ...expected, permissions: ['ALL'], userId: null, groupId: 'crudGroup', resourceId: '*' });
    expect((await admin.get('/authorization?groupIdIn=crudGroup')).body.map((a: { id: string }) => a.id)).toEqual([id]);

    // delete
    expect((await admin.delete(`/authorization/${id}`)).status).toBe(204);
    const missing = await admin.get(`/authorization/${id}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(invalid(`Authorization with id ${id} does not exist.`));
    expect((await admin.delete(`/authorization/${id}`)).status).toBe(404);
    expect((await admin.put(`/authorization/${id}`, { permissions: ['READ'], userId: 'x', resourceType: USER, resourceId: '*' })).status).toBe(404);
  });

  it('validates authorizations like Camunda', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 1, permissions: ['READ'], userId: 'a', groupId: 'b', resourceType: USER, resourceId: '*' }, "Authorization must either have a 'userId' or a 'groupId'."],
      [{ type: 1, permissions: ['READ'], resourceType: USER, resourceId: '*' }, "Authorization must either have a 'userId' or a 'groupId'."],
      [{ type: 0, permissions: ['READ'], userId: 'mary', resourceType: USER, resourceId: '*' }, "Illegal value 'mary' for userId for GLOBAL authorization. Must be '*'."],
      [{ type: 0, permissions: ['READ'], groupId: 'sales', resourceType: USER, resourceId: '*' }, "Cannot use 'groupId' for GLOBAL authorization."],
      [{ type: 1, permissions: ['READ'], userId: 'a', resourceType: 999, resourceId: '*' }, "The resource type '999' is not valid."],
      [{ type: 1, permissions: ['READ'], userId: 'a', resourceId: '*' }, "Authorization 'resourceType' cannot be null."],
      [{ type: 1, permissions: ['TASK_WORK'], userId: 'a', resourceType: USER, resourceId: '*' }, "The permission 'TASK_WORK' is not valid for 'User' resource type."],
      [{ type: 7, permissions: ['READ'], userId: 'a', resourceType: USER, resourceId: '*' }, "The authorization type '7' is not valid: use 0 (GLOBAL), 1 (GRANT) or 2 (REVOKE)."],
    ];
    for (const [body, message] of cases) {
      const response = await admin.post('/authorization/create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toEqual(invalid(message));
    }
    // ALL is valid for every resource type; process definitions know their own permissions
    const id = await createAuthorization({ type: 1, permissions: ['TASK_WORK', 'READ_HISTORY'], userId: 'validUser', resourceType: PROCESS_DEFINITION, resourceId: '*' });
    expect((await admin.get(`/authorization/${id}`)).body.permissions).toEqual(['TASK_WORK', 'READ_HISTORY']);
    const all = await admin.post('/authorization/create', { type: 0, permissions: ['ALL'], userId: '*', resourceType: 0, resourceId: 'tasklist' });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ type: 0, permissions: ['ALL'], userId: '*', groupId: null, resourceType: 0, resourceId: 'tasklist' });
    // updates are validated too
    expect((await admin.put(`/authorization/${id}`, { permissions: ['READ'], userId: 'validUser', groupId: 'sales', resourceType: PROCESS_DEFINITION, resourceId: '*' })).body).toEqual(
      invalid("Authorization must either have a 'userId' or a 'groupId'."),
    );
    await admin.delete(`/authorization/${id}`);
    await admin.delete(`/authorization/${all.body.id}`);
  });

  it('lets a user without authorizations see nothing and create nothing', async () => {
    // a user always sees their own profile, and nobody else's
    expect((await mary.get('/user/mary/profile')).body).toEqual({ id: 'mary', firstName: 'Mary', lastName: 'Anne', email: 'mary@example.com' });
    expect((await mary.get('/user/demo/profile')).status).toBe(404);
    expect((await mary.get('/user')).body).toEqual([]);
    expect((await mary.get('/user/count')).body).toEqual({ count: 0 });
    expect((await mary.get('/group')).body).toEqual([]);
    expect((await mary.get('/tenant')).body).toEqual([]);
    expect((await mary.get('/authorization')).body).toEqual([]);

    const createUser = await mary.post('/user/create', { profile: { id: 'maryFriend', firstName: 'F', lastName: 'R', email: null }, credentials: { password: 'pw' } });
    expect(createUser.status).toBe(403);
    expect(createUser.body).toEqual(forbidden('mary', 'CREATE', 'User', null));
    expect((await mary.post('/group/create', { id: 'maryGroup', name: 'M', type: 'WORKFLOW' })).body).toEqual(forbidden('mary', 'CREATE', 'Group', null));
    expect((await mary.post('/tenant/create', { id: 'maryTenant', name: 'M' })).body).toEqual(forbidden('mary', 'CREATE', 'Tenant', null));
    expect((await mary.put('/group/sales/members/demo')).body).toEqual(forbidden('mary', 'CREATE', 'GroupMembership', 'sales'));
    expect((await mary.delete('/group/sales/members/mary')).body).toEqual(forbidden('mary', 'DELETE', 'GroupMembership', 'sales'));
    expect((await mary.delete('/user/demo')).body).toEqual(forbidden('mary', 'DELETE', 'User', 'demo'));
    expect((await mary.put('/user/mary/profile', { id: 'mary', firstName: 'Hacked' })).body).toEqual(forbidden('mary', 'UPDATE', 'User', 'mary'));
    const createAuth = await mary.post('/authorization/create', { type: 1, permissions: ['ALL'], userId: 'mary', resourceType: USER, resourceId: '*' });
    expect(createAuth.status).toBe(403);
    expect(createAuth.body).toEqual(forbidden('mary', 'CREATE', 'Authorization', null));
    // nothing changed
    expect((await admin.get('/user/maryFriend/profile')).status).toBe(404);
    expect((await admin.get('/authorization?userIdIn=mary')).body).toEqual([]);
  });

  it('grants through a group and lets a user-level REVOKE override it', async () => {
    // given a GRANT for mary's group
    const grant = await admin.post('/authorization/create', { type: 1, permissions: ['READ', 'CREATE'], userId: null, groupId: 'sales', resourceType: USER, resourceId: '*' });
    expect(grant.status).toBe(200);
    expect(grant.body).toEqual({
      id: grant.body.id,
      type: 1,
      permissions: ['READ', 'CREATE'],
      userId: null,
      groupId: 'sales',
      resourceType: USER,
      resourceId: '*',
      removalTime: null,
      rootProcessInstanceId: null,
      links: [],
    });
    // then mary reads and creates users
    const visible = (await mary.get('/user')).body.map((u: { id: string }) => u.id);
    expect(visible).toEqual(expect.arrayContaining(['demo', 'mary']));
    expect((await mary.get('/user/demo/profile')).body).toEqual({ id: 'demo', firstName: 'Demo', lastName: 'Demo', email: null });
    expect((await mary.post('/user/create', { profile: { id: 'granted', firstName: 'G', lastName: 'R', email: null }, credentials: { password: 'pw' } })).status).toBe(204);
    // reading another user's profile is not updating it
    expect((await mary.put('/user/demo/credentials', { password: 'taken', authenticatedUserPassword: 'mary' })).body).toEqual(forbidden('mary', 'UPDATE', 'User', 'demo'));

    // when a REVOKE for mary herself takes CREATE away
    const revokeId = await createAuthorization({ type: 2, permissions: ['CREATE'], userId: 'mary', resourceType: USER, resourceId: '*' });
    // then the user level wins over the group level, for CREATE only
    const denied = await mary.post('/user/create', { profile: { id: 'revoked', firstName: 'R', lastName: 'V', email: null }, credentials: { password: 'pw' } });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(forbidden('mary', 'CREATE', 'User', null));
    expect((await mary.get('/user/count')).body.count).toBeGreaterThanOrEqual(3);

    // and /authorization/check answers for the caller
    const check = (client: Client, permission: string, resourceId?: string) =>
      client.get(`/authorization/check?permissionName=${permission}&resourceName=User&resourceType=${USER}${resourceId === undefined ? '' : `&resourceId=${resourceId}`}`);
    expect((await check(mary, 'CREATE')).body).toEqual({ permissionName: 'CREATE', resourceName: 'User', resourceId: null, authorized: false });
    expect((await check(mary, 'READ')).body).toEqual({ permissionName: 'READ', resourceName: 'User', resourceId: null, authorized: true });
    expect((await check(mary, 'READ', 'demo')).body).toEqual({ permissionName: 'READ', resourceName: 'User', resourceId: 'demo', authorized: true });
    expect((await check(mary, 'DELETE', 'demo')).body).toEqual({ permissionName: 'DELETE', resourceName: 'User', resourceId: 'demo', authorized: false });
    expect((await check(admin, 'DELETE', 'demo')).body).toEqual({ permissionName: 'DELETE', resourceName: 'User', resourceId: 'demo', authorized: true });
    const badPermission = await check(mary, 'TASK_WORK');
    expect(badPermission.status).toBe(400);
    expect(badPermission.body).toEqual(invalid("The permission 'TASK_WORK' is not valid for 'User' resource type."));
    expect((await mary.get('/authorization/check?resourceName=User&resourceType=1')).body).toEqual(invalid("Query parameter 'permissionName' cannot be null"));
    // asking about someone else needs READ on authorizations
    expect((await admin.get(`/authorization/check?permissionName=CREATE&resourceName=User&resourceType=${USER}&userId=mary`)).body.authorized).toBe(false);
    expect((await mary.get(`/authorization/check?permissionName=CREATE&resourceName=User&resourceType=${USER}&userId=demo`)).status).toBe(403);

    // removing the REVOKE restores the group's GRANT
    expect((await admin.delete(`/authorization/${revokeId}`)).status).toBe(204);
    expect((await check(mary, 'CREATE')).body.authorized).toBe(true);
    expect((await admin.delete(`/authorization/${grant.body.id}`)).status).toBe(204);
    expect((await mary.get('/user')).body).toEqual([]);
  });

  it('applies GLOBAL authorizations to everyone, below user and group ones', async () => {
    const globalId = await createAuthorization({ type: 0, permissions: ['READ'], userId: '*', resourceType: GROUP, resourceId: '*' });
    expect((await mary.get('/group')).body.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining(['camunda-admin', 'sales']));
    expect((await mary.get('/group/sales')).body).toEqual({ id: 'sales', name: 'Sales', type: 'WORKFLOW' });
    // a group REVOKE beats the GLOBAL grant
    const revokeId = await createAuthorization({ type: 2, permissions: ['READ'], groupId: 'sales', resourceType: GROUP, resourceId: 'camunda-admin' });
    expect((await mary.get('/group')).body.map((g: { id: string }) => g.id)).not.toContain('camunda-admin');
    expect((await mary.get('/group/camunda-admin')).status).toBe(404);
    expect((await mary.get('/group/sales')).status).toBe(200);
    await admin.delete(`/authorization/${revokeId}`);
    await admin.delete(`/authorization/${globalId}`);
    expect((await mary.get('/group')).body).toEqual([]);
  });

  it('filters authorizations by READ and checks UPDATE and DELETE on them', async () => {
    const target = await createAuthorization({ type: 1, permissions: ['READ'], userId: 'someone', resourceType: PROCESS_DEFINITION, resourceId: 'invoice' });
    // unreadable: answered as missing
    expect((await mary.get(`/authorization/${target}`)).status).toBe(404);
    expect((await mary.delete(`/authorization/${target}`)).body).toEqual(invalid(`Authorization with id ${target} does not exist.`));
    // readable but not deletable or updatable
    const readOne = await createAuthorization({ type: 1, permissions: ['READ'], userId: 'mary', resourceType: AUTHORIZATION, resourceId: target });
    expect((await mary.get('/authorization')).body.map((a: { id: string }) => a.id)).toEqual([target]);
    expect((await mary.get('/authorization/count')).body).toEqual({ count: 1 });
    expect((await mary.get(`/authorization/${target}`)).body.id).toBe(target);
    expect((await mary.delete(`/authorization/${target}`)).body).toEqual(forbidden('mary', 'DELETE', 'Authorization', target));
    expect((await mary.put(`/authorization/${target}`, { permissions: ['ALL'], userId: 'mary', resourceType: PROCESS_DEFINITION, resourceId: '*' })).body).toEqual(
      forbidden('mary', 'UPDATE', 'Authorization', target),
    );
    // with DELETE granted on it, it goes
    const deleteOne = await createAuthorization({ type: 1, permissions: ['DELETE'], userId: 'mary', resourceType: AUTHORIZATION, resourceId: target });
    expect((await mary.delete(`/authorization/${target}`)).status).toBe(204);
    expect((await admin.get(`/authorization/${target}`)).status).toBe(404);
    await admin.delete(`/authorization/${readOne}`);
    await admin.delete(`/authorization/${deleteOne}`);
  });

  it('deletes the authorizations on a deleted user', async () => {
    await admin.post('/user/create', { profile: { id: 'temp', firstName: 'T', lastName: 'Emp', email: null }, credentials: { password: 'pw' } });
    const onUser = await createAuthorization({ type: 1, permissions: ['READ'], userId: 'mary', resourceType: USER, resourceId: 'temp' });
    expect((await mary.get('/user')).body.map((u: { id: string }) => u.id)).toEqual(['temp']);
    expect((await admin.delete('/user/temp')).status).toBe(204);
    expect((await admin.get(`/authorization/${onUser}`)).status).toBe(404);
  });
});

describe('authorization check with authentication off', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'off' }, startWorkers: false });
  });
  afterAll(async () => runtime?.stop());

  it('authorizes everything', async () => {
    const api = restClient(runtime.url);
    const response = await api.get(`/authorization/check?permissionName=DELETE&resourceName=User&resourceType=${USER}&resourceId=anyone`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ permissionName: 'DELETE', resourceName: 'User', resourceId: 'anyone', authorized: true });
    // and the identity endpoints are open
    expect((await api.post('/user/create', { profile: { id: 'open', firstName: 'O', lastName: 'Pen', email: null }, credentials: { password: 'pw' } })).status).toBe(204);
    expect((await api.get('/user')).body).toEqual([{ id: 'open', firstName: 'O', lastName: 'Pen', email: null }]);
    expect((await api.put('/user/open/credentials', { password: 'new' })).status).toBe(204);
  });
});
