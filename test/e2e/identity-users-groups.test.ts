import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { asUser, basicAuth, restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * Users, groups, tenants, their memberships and the identity service over HTTP with Basic
 * authentication on, driven by the administrator `demo` (Camunda 7.24 REST: /user, /group, /tenant,
 * /identity).
 */

type Api = ReturnType<typeof restClient>;

const invalid = (message: string) => ({ type: 'InvalidRequestException', message, code: null });

describe('identity REST API (users, groups, tenants)', () => {
  let runtime: LocalRuntime;
  let api: Api;
  let admin: ReturnType<typeof asUser>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    api = restClient(runtime.url);
    // The administrator goes in through the store (overwriting a bootstrapped one), so its profile is known.
    const identities = runtime.services.identities;
    await identities.saveUser({ id: 'demo', firstName: 'Demo', lastName: 'Demo', email: null, passwordHash: hashPassword('demo') }, false);
    await identities.saveGroup({ id: 'camunda-admin', name: 'camunda BPM Administrators', type: 'SYSTEM' }, false);
    await identities.addGroupMember('camunda-admin', 'demo');
    admin = asUser(api, 'demo', 'demo');
  });
  afterAll(async () => runtime?.stop());

  describe('authentication', () => {
    it('answers a wrong password with 401 and a Basic challenge; the user is then locked until an administrator unlocks them', async () => {
      // given: its own user, as each wrong password locks the user (Camunda's login throttling)
      await runtime.services.identities.saveUser({ id: 'guessed', firstName: null, lastName: null, email: null, passwordHash: hashPassword('right') }, false);

      // when
      const response = await fetch(`${runtime.url}/user`, { headers: { authorization: basicAuth('guessed', 'wrong') } });

      // then
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="default"');
      expect((await asUser(api, 'guessed', 'right').get('/user/guessed/profile')).status).toBe(401);
      expect(await runtime.services.identities.getUser('guessed')).toMatchObject({ attempts: 1, lockExpirationTime: expect.any(Number) });

      // when: the user tries to unlock themselves, then an administrator unlocks them
      const byThemselves = await asUser(api, 'guessed', 'right').post('/user/guessed/unlock', {});
      const byAdmin = await admin.post('/user/guessed/unlock', {});

      // then
      expect(byThemselves.status).toBe(401);
      expect(byAdmin.status).toBe(204);
      expect((await asUser(api, 'guessed', 'right').get('/user/guessed/profile')).status).toBe(200);
      expect(await runtime.services.identities.getUser('guessed')).not.toHaveProperty('attempts');
    });

    it('answers missing credentials and unknown users with 401', async () => {
      const anonymous = await fetch(`${runtime.url}/group`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="default"');
      expect((await asUser(api, 'ghost', 'demo').get('/user')).status).toBe(401);
    });
  });

  describe('users', () => {
    it('creates a user and reads its profile, never its password', async () => {
      // when
      const created = await admin.post('/user/create', {
        profile: { id: 'john', firstName: 'John', lastName: 'Doe', email: 'john@example.com' },
        credentials: { password: 's3cret' },
      });
      // then
      expect(created.status, JSON.stringify(created.body)).toBe(204);
      const profile = await admin.get('/user/john/profile');
      expect(profile.status).toBe(200);
      expect(profile.body).toEqual({ id: 'john', firstName: 'John', lastName: 'Doe', email: 'john@example.com' });
      const list = await admin.get('/user?id=john');
      expect(list.body).toEqual([{ id: 'john', firstName: 'John', lastName: 'Doe', email: 'john@example.com' }]);
      for (const body of [profile.body, list.body]) {
        expect(JSON.stringify(body)).not.toMatch(/password|scrypt|s3cret/i);
      }
      // and the new user can log in with the password
      expect((await asUser(api, 'john', 's3cret').get('/user/john/profile')).status).toBe(200);
    });

    it('rejects a duplicate id and a missing profile id with 400', async () => {
      await admin.post('/user/create', { profile: { id: 'dup', firstName: 'A', lastName: 'B', email: null }, credentials: { password: 'x' } });
      const again = await admin.post('/user/create', { profile: { id: 'dup', firstName: 'C', lastName: 'D', email: null }, credentials: { password: 'y' } });
      expect(again.status).toBe(400);
      expect(again.body).toEqual(invalid("User with id 'dup' already exists"));
      // the original survives
      expect((await admin.get('/user/dup/profile')).body).toEqual({ id: 'dup', firstName: 'A', lastName: 'B', email: null });
      const noId = await admin.post('/user/create', { profile: { firstName: 'No' }, credentials: { password: 'x' } });
      expect(noId.status).toBe(400);
      expect(noId.body).toEqual(invalid('request object must provide profile information with valid id.'));
    });

    it('answers an unknown user with 404', async () => {
      const response = await admin.get('/user/nobody/profile');
      expect(response.status).toBe(404);
      expect(response.body).toEqual(invalid('User with id nobody does not exist'));
      expect((await admin.put('/user/nobody/profile', { id: 'nobody', firstName: 'N' })).status).toBe(404);
      expect((await admin.delete('/user/nobody')).body).toEqual(invalid('User with id nobody does not exist'));
    });

    it('updates a profile', async () => {
      await admin.post('/user/create', { profile: { id: 'upd', firstName: 'Old', lastName: 'Name', email: 'old@example.com' }, credentials: { password: 'pw' } });
      const updated = await admin.put('/user/upd/profile', { id: 'upd', firstName: 'New', lastName: 'Name', email: 'new@example.com' });
      expect(updated.status).toBe(204);
      expect((await admin.get('/user/upd/profile')).body).toEqual({ id: 'upd', firstName: 'New', lastName: 'Name', email: 'new@example.com' });
      // the password is untouched
      expect((await asUser(api, 'upd', 'pw').get('/user/upd/profile')).status).toBe(200);
    });

    it('filters, sorts, pages and counts users', async () => {
      for (const [id, firstName, lastName] of [
        ['qa1', 'Anna', 'Query'],
        ['qa2', 'Bert', 'Query'],
        ['qa3', 'Carl', 'Other'],
      ] as const) {
        expect((await admin.post('/user/create', { profile: { id, firstName, lastName, email: `${id}@q.example` }, credentials: { password: 'pw' } })).status).toBe(204);
      }
      expect((await admin.get('/user?lastName=Query&sortBy=firstName&sortOrder=desc')).body.map((u: { id: string }) => u.id)).toEqual(['qa2', 'qa1']);
      expect((await admin.get('/user?idIn=qa1,qa3')).body.map((u: { id: string }) => u.id)).toEqual(['qa1', 'qa3']);
      expect((await admin.get('/user?emailLike=%25@q.example&sortBy=userId&sortOrder=asc&firstResult=1&maxResults=1')).body.map((u: { id: string }) => u.id)).toEqual(['qa2']);
      expect((await admin.get('/user?firstNameLike=C%25')).body).toEqual([{ id: 'qa3', firstName: 'Carl', lastName: 'Other', email: 'qa3@q.example' }]);
      expect((await admin.get('/user/count?lastName=Query')).body).toEqual({ count: 2 });
      const badSort = await admin.get('/user?sortBy=password&sortOrder=asc');
      expect(badSort.status).toBe(400);
      expect(badSort.body).toEqual(invalid("Cannot set query parameter 'sortBy' to value 'password'"));
    });

    it('changes a password only against the caller’s current password', async () => {
      await admin.post('/user/create', { profile: { id: 'pwuser', firstName: 'P', lastName: 'W', email: null }, credentials: { password: 'first' } });
      // the administrator's own password must be given
      const wrong = await admin.put('/user/pwuser/credentials', { password: 'second', authenticatedUserPassword: 'not-demo' });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual(invalid('The given authenticated user password is not valid.'));
      expect((await admin.put('/user/pwuser/credentials', { password: 'second' })).status).toBe(400);
      expect((await admin.put('/user/pwuser/credentials', { password: 'second', authenticatedUserPassword: 'demo' })).status).toBe(204);
      expect((await asUser(api, 'pwuser', 'first').get('/user/pwuser/profile')).status).toBe(401);
      // that failed login locked pwuser for a moment (Camunda's login throttling): the administrator unlocks them
      expect((await admin.post('/user/pwuser/unlock', {})).status).toBe(204);
      const self = asUser(api, 'pwuser', 'second');
      expect((await self.get('/user/pwuser/profile')).status).toBe(200);
      // a user may change their own password without any authorization
      expect((await self.put('/user/pwuser/credentials', { password: 'third', authenticatedUserPassword: 'wrong' })).status).toBe(400);
      expect((await self.put('/user/pwuser/credentials', { password: 'third', authenticatedUserPassword: 'second' })).status).toBe(204);
      expect((await asUser(api, 'pwuser', 'third').get('/user/pwuser/profile')).body).toEqual({ id: 'pwuser', firstName: 'P', lastName: 'W', email: null });
      // an unknown user is a 404 once the caller's password checks out
      expect((await admin.put('/user/nobody/credentials', { password: 'x', authenticatedUserPassword: 'demo' })).status).toBe(404);
    });

    it('deletes a user with their memberships', async () => {
      await admin.post('/user/create', { profile: { id: 'gone', firstName: 'G', lastName: 'One', email: null }, credentials: { password: 'pw' } });
      await admin.post('/group/create', { id: 'goneGroup', name: 'Gone group', type: 'WORKFLOW' });
      await admin.post('/tenant/create', { id: 'goneTenant', name: 'Gone tenant' });
      expect((await admin.put('/group/goneGroup/members/gone')).status).toBe(204);
      expect((await admin.put('/tenant/goneTenant/user-members/gone')).status).toBe(204);
      // when
      expect((await admin.delete('/user/gone')).status).toBe(204);
      // then
      expect((await admin.get('/user/gone/profile')).status).toBe(404);
      expect((await admin.delete('/user/gone')).status).toBe(404);
      expect((await admin.get('/group?member=gone')).body).toEqual([]);
      expect((await admin.get('/tenant?userMember=gone')).body).toEqual([]);
      expect((await asUser(api, 'gone', 'pw').get('/user')).status).toBe(401);
    });
  });

  describe('groups', () => {
    it('creates, reads, updates and deletes a group', async () => {
      const created = await admin.post('/group/create', { id: 'sales', name: 'Sales', type: 'WORKFLOW' });
      expect(created.status, JSON.stringify(created.body)).toBe(204);
      expect((await admin.get('/group/sales')).body).toEqual({ id: 'sales', name: 'Sales', type: 'WORKFLOW' });
      const duplicate = await admin.post('/group/create', { id: 'sales', name: 'Other', type: 'WORKFLOW' });
      expect(duplicate.status).toBe(400);
      expect(duplicate.body).toEqual(invalid("Group with id 'sales' already exists"));
      expect((await admin.put('/group/sales', { id: 'sales', name: 'Sales & Marketing', type: 'WORKFLOW' })).status).toBe(204);
      expect((await admin.get('/group/sales')).body).toEqual({ id: 'sales', name: 'Sales & Marketing', type: 'WORKFLOW' });
      expect((await admin.delete('/group/sales')).status).toBe(204);
      const missing = await admin.get('/group/sales');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(invalid('Group with id sales does not exist'));
      expect((await admin.delete('/group/sales')).status).toBe(404);
    });

    it('manages members and answers the member filters', async () => {
      await admin.post('/group/create', { id: 'accounting', name: 'Accounting', type: 'WORKFLOW' });
      await admin.post('/group/create', { id: 'management', name: 'Management', type: 'WORKFLOW' });
      await admin.post('/user/create', { profile: { id: 'mem1', firstName: 'Mia', lastName: 'Member', email: null }, credentials: { password: 'pw' } });
      await admin.post('/user/create', { profile: { id: 'mem2', firstName: 'Max', lastName: 'Member', email: null }, credentials: { password: 'pw' } });
      expect((await admin.put('/group/accounting/members/mem1')).status).toBe(204);
      expect((await admin.put('/group/accounting/members/mem2')).status).toBe(204);
      expect((await admin.put('/group/management/members/mem1')).status).toBe(204);
      // adding twice changes nothing
      expect((await admin.put('/group/accounting/members/mem1')).status).toBe(204);

      expect((await admin.get('/user?memberOfGroup=accounting')).body.map((u: { id: string }) => u.id)).toEqual(['mem1', 'mem2']);
      expect((await admin.get('/group?member=mem1&sortBy=name&sortOrder=asc')).body).toEqual([
        { id: 'accounting', name: 'Accounting', type: 'WORKFLOW' },
        { id: 'management', name: 'Management', type: 'WORKFLOW' },
      ]);
      expect((await admin.get('/group/count?member=mem2')).body).toEqual({ count: 1 });
      expect((await admin.get('/group?nameLike=Manage%25')).body.map((g: { id: string }) => g.id)).toEqual(['management']);
      expect((await admin.get('/group?type=SYSTEM')).body).toEqual([{ id: 'camunda-admin', name: 'camunda BPM Administrators', type: 'SYSTEM' }]);

      // unknown users and groups are 404s
      expect((await admin.put('/group/accounting/members/nobody')).body).toEqual(invalid('User with id nobody does not exist'));
      expect((await admin.put('/group/nogroup/members/mem1')).body).toEqual(invalid('Group with id nogroup does not exist'));

      expect((await admin.delete('/group/accounting/members/mem1')).status).toBe(204);
      expect((await admin.get('/user?memberOfGroup=accounting')).body.map((u: { id: string }) => u.id)).toEqual(['mem2']);

      // deleting a group drops its memberships
      expect((await admin.delete('/group/management')).status).toBe(204);
      expect((await admin.get('/group?member=mem1')).body).toEqual([]);
    });
  });

  describe('identity service', () => {
    it('verifies credentials', async () => {
      await admin.post('/user/create', { profile: { id: 'verify', firstName: 'V', lastName: 'Erify', email: null }, credentials: { password: 'right' } });
      expect((await admin.post('/identity/verify', { username: 'verify', password: 'right' })).body).toEqual({ authenticatedUser: 'verify', authenticated: true, tenants: null, groups: null });
      expect((await admin.post('/identity/verify', { username: 'verify', password: 'wrong' })).body).toEqual({ authenticatedUser: 'verify', authenticated: false, tenants: null, groups: null });
      expect((await admin.post('/identity/verify', { username: 'nobody', password: 'right' })).body).toEqual({ authenticatedUser: 'nobody', authenticated: false, tenants: null, groups: null });
      const missing = await admin.post('/identity/verify', { username: 'verify' });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual(invalid('Username and password are required'));
    });

    it('lists a user’s groups and the users sharing them', async () => {
      await admin.post('/group/create', { id: 'giA', name: 'Alpha', type: 'WORKFLOW' });
      await admin.post('/group/create', { id: 'giB', name: 'Beta', type: 'WORKFLOW' });
      await admin.post('/user/create', { profile: { id: 'gi1', firstName: 'Gina', lastName: 'One', email: null }, credentials: { password: 'pw' } });
      await admin.post('/user/create', { profile: { id: 'gi2', firstName: 'Gus', lastName: null, email: null }, credentials: { password: 'pw' } });
      await admin.post('/user/create', { profile: { id: 'gi3', firstName: null, lastName: null, email: null }, credentials: { password: 'pw' } });
      for (const [group, user] of [
        ['giB', 'gi1'],
        ['giA', 'gi1'],
        ['giA', 'gi2'],
        ['giB', 'gi2'],
        ['giB', 'gi3'],
      ]) {
        expect((await admin.put(`/group/${group}/members/${user}`)).status).toBe(204);
      }
      const info = await admin.get('/identity/groups?userId=gi1');
      expect(info.status).toBe(200);
      expect(info.body).toEqual({
        groups: [
          { id: 'giA', name: 'Alpha' },
          { id: 'giB', name: 'Beta' },
        ],
        groupUsers: [
          { id: 'gi2', firstName: 'Gus', lastName: null, displayName: 'Gus' },
          { id: 'gi3', firstName: null, lastName: null, displayName: 'gi3' },
        ],
      });
      expect((await admin.get('/identity/groups')).body).toEqual(invalid('No user id was supplied'));
    });
  });

  describe('tenants', () => {
    it('creates, reads, updates and deletes a tenant', async () => {
      expect((await admin.post('/tenant/create', { id: 'tenantOne', name: 'Tenant One' })).status).toBe(204);
      expect((await admin.get('/tenant/tenantOne')).body).toEqual({ id: 'tenantOne', name: 'Tenant One' });
      expect((await admin.post('/tenant/create', { id: 'tenantOne', name: 'Again' })).body).toEqual(invalid("Tenant with id 'tenantOne' already exists"));
      expect((await admin.put('/tenant/tenantOne', { id: 'tenantOne', name: 'Renamed' })).status).toBe(204);
      expect((await admin.get('/tenant/tenantOne')).body).toEqual({ id: 'tenantOne', name: 'Renamed' });
      expect((await admin.delete('/tenant/tenantOne')).status).toBe(204);
      const missing = await admin.get('/tenant/tenantOne');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(invalid('Tenant with id tenantOne does not exist'));
    });

    it('manages user and group members and answers the member filters', async () => {
      await admin.post('/tenant/create', { id: 'tA', name: 'Tenant A' });
      await admin.post('/tenant/create', { id: 'tB', name: 'Tenant B' });
      await admin.post('/group/create', { id: 'tGroup', name: 'Tenant group', type: 'WORKFLOW' });
      await admin.post('/user/create', { profile: { id: 'tUser', firstName: 'T', lastName: 'User', email: null }, credentials: { password: 'pw' } });
      await admin.put('/group/tGroup/members/tUser');
      expect((await admin.put('/tenant/tA/user-members/tUser')).status).toBe(204);
      expect((await admin.put('/tenant/tB/group-members/tGroup')).status).toBe(204);

      expect((await admin.get('/tenant?userMember=tUser')).body).toEqual([{ id: 'tA', name: 'Tenant A' }]);
      expect((await admin.get('/tenant?userMember=tUser&includingGroupsOfUser=true&sortBy=id&sortOrder=desc')).body).toEqual([
        { id: 'tB', name: 'Tenant B' },
        { id: 'tA', name: 'Tenant A' },
      ]);
      expect((await admin.get('/tenant?groupMember=tGroup')).body).toEqual([{ id: 'tB', name: 'Tenant B' }]);
      expect((await admin.get('/tenant/count?nameLike=Tenant _')).body).toEqual({ count: 2 });
      expect((await admin.get('/user?memberOfTenant=tA')).body.map((u: { id: string }) => u.id)).toEqual(['tUser']);
      expect((await admin.get('/group?memberOfTenant=tB')).body.map((g: { id: string }) => g.id)).toEqual(['tGroup']);
      expect((await admin.put('/tenant/tA/user-members/nobody')).status).toBe(404);
      expect((await admin.put('/tenant/nope/group-members/tGroup')).body).toEqual(invalid('Tenant with id nope does not exist'));

      expect((await admin.delete('/tenant/tA/user-members/tUser')).status).toBe(204);
      expect((await admin.delete('/tenant/tB/group-members/tGroup')).status).toBe(204);
      expect((await admin.get('/tenant?userMember=tUser&includingGroupsOfUser=true')).body).toEqual([]);
    });
  });
});
