import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { RESOURCE_TYPES } from '../../shared/auth/resources.ts';
import { basicAuth, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * OPTIONS on users, groups, tenants and authorizations (Camunda's ResourceOptionsDto): the links a
 * caller may follow, by their permissions (UserRestServiceInteractionTest#testUserResourceOptions…).
 */
describe('OPTIONS: the links of a resource the caller may follow', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  const as = (user: string) => async (path: string) => (await api.raw('OPTIONS', path, undefined, { authorization: basicAuth(user, user) })).body;
  const rels = (body: { links: { rel: string }[] }) => body.links.map((link) => link.rel);

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    api = restClient(runtime.url);
    const identities = runtime.services.identities;
    for (const id of ['opsAdmin', 'opsPlain', 'opsEditor']) await identities.saveUser({ id, firstName: null, lastName: null, email: null, passwordHash: hashPassword(id) }, false);
    await identities.saveGroup({ id: 'camunda-admin', name: 'Admins', type: 'SYSTEM' }, false);
    await identities.addGroupMember('camunda-admin', 'opsAdmin');
    // opsEditor may create users, update (not delete) opsPlain, and add members to group g1.
    await identities.saveAuthorization({ id: 'ops-a1', type: 1, permissions: ['CREATE'], userId: 'opsEditor', groupId: null, resourceType: RESOURCE_TYPES.User, resourceId: '*' });
    await identities.saveAuthorization({ id: 'ops-a2', type: 1, permissions: ['UPDATE'], userId: 'opsEditor', groupId: null, resourceType: RESOURCE_TYPES.User, resourceId: 'opsPlain' });
    await identities.saveAuthorization({ id: 'ops-a3', type: 1, permissions: ['CREATE'], userId: 'opsEditor', groupId: null, resourceType: RESOURCE_TYPES.GroupMembership, resourceId: 'g1' });
  });
  afterAll(() => runtime?.stop());

  it('lists every link to an administrator, with absolute URLs', async () => {
    const users = await as('opsAdmin')('/user');
    expect(users).toEqual({
      links: [
        { method: 'GET', href: `${runtime.url}/user`, rel: 'list' },
        { method: 'GET', href: `${runtime.url}/user/count`, rel: 'count' },
        { method: 'POST', href: `${runtime.url}/user/create`, rel: 'create' },
      ],
    });
    expect(await as('opsAdmin')('/user/opsPlain')).toEqual({
      links: [
        { method: 'GET', href: `${runtime.url}/user/opsPlain/profile`, rel: 'self' },
        { method: 'DELETE', href: `${runtime.url}/user/opsPlain`, rel: 'delete' },
        { method: 'PUT', href: `${runtime.url}/user/opsPlain/profile`, rel: 'update' },
      ],
    });
    expect(rels(await as('opsAdmin')('/group/g1'))).toEqual(['self', 'delete', 'update']);
    expect(rels(await as('opsAdmin')('/tenant/t1/user-members'))).toEqual(['delete', 'create']);
    expect(rels(await as('opsAdmin')('/authorization'))).toEqual(['list', 'count', 'create']);
  });

  it('holds back what the caller may not do', async () => {
    for (const path of ['/user', '/group', '/tenant', '/authorization']) expect(rels(await as('opsPlain')(path)), path).toEqual(['list', 'count']);
    expect(rels(await as('opsPlain')('/user/opsPlain'))).toEqual(['self']);
    expect(rels(await as('opsPlain')('/group/g1/members'))).toEqual([]);

    expect(rels(await as('opsEditor')('/user'))).toEqual(['list', 'count', 'create']);
    expect(rels(await as('opsEditor')('/user/opsPlain'))).toEqual(['self', 'update']);
    expect(rels(await as('opsEditor')('/user/opsAdmin'))).toEqual(['self']);
    expect(rels(await as('opsEditor')('/group/g1/members'))).toEqual(['create']);
    expect(rels(await as('opsEditor')('/tenant/t1/group-members'))).toEqual([]);
  });

  it('needs authentication like every other request', async () => {
    expect((await api.raw('OPTIONS', '/user')).status).toBe(401);
  });
});
