import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type AppContext, appContext } from '../../shared/app/app-context.ts';
import { authenticate } from '../../shared/app/authenticate.ts';
import { checkAuthorization, createAuthorization, deleteAuthorization, queryAuthorizations } from '../../shared/app/authorizations.ts';
import { InvalidRequestError } from '../../shared/app/errors.ts';
import { addGroupMember, createGroup, queryGroups } from '../../shared/app/groups.ts';
import { addTenantUserMember, createTenant } from '../../shared/app/tenants.ts';
import { createUser, getUserProfile, queryUsers, updateUserCredentials, updateUserProfile } from '../../shared/app/users.ts';
import { AuthContext, AuthorizationError } from '../../shared/auth/auth-context.ts';
import { RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The identity and authorization use cases of shared/app called directly, without HTTP: Camunda's
 * permission checks, its authorization-filtered queries, and storage errors turned into its errors.
 */

let runtime: LocalRuntime;
let app: AppContext;
/** With authentication off every check passes: the set-up's caller. */
const system = AuthContext.anonymous();

beforeAll(async () => {
  runtime = await startTestRuntime();
  app = appContext(runtime.services);
});

afterAll(async () => {
  await runtime?.stop();
});

/** A fresh user id, so the tests' users and authorizations never meet. */
const fresh = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** A user with password 'secret', and the caller they are once authenticated. */
async function userWith(name: string): Promise<{ id: string; login: () => Promise<AuthContext> }> {
  const id = fresh(name);
  await createUser(app, system, { id, firstName: name, password: 'secret' });
  const login = async () => {
    const caller = await authenticate(app, { userId: id, password: 'secret' });
    if (!caller) throw new Error(`${id} cannot log in`);
    return caller;
  };
  return { id, login };
}

function grant(userId: string, resource: ResourceName, permissions: string[], resourceId = '*') {
  return createAuthorization(app, system, { type: 1, userId, resourceType: RESOURCE_TYPES[resource], resourceId, permissions });
}

describe('the identity use cases', () => {
  it('refuses to create a user for a caller without CREATE on User and creates it once granted', async () => {
    // given a user without any authorization
    const alice = await userWith('alice');
    const newId = fresh('bob');

    // when she creates a user, then Camunda's AuthorizationException names the missing permission
    const refused = createUser(app, await alice.login(), { id: newId });
    await expect(refused).rejects.toBeInstanceOf(AuthorizationError);
    await expect(refused).rejects.toMatchObject({ checks: [{ permission: 'CREATE', resource: 'User' }] });
    expect(await app.identities.getUser(newId)).toBeUndefined();

    // when she is granted CREATE on User, then the same call creates the user
    await grant(alice.id, 'User', ['CREATE']);
    await expect(createUser(app, await alice.login(), { id: newId, firstName: 'Bob' })).resolves.toEqual({ id: newId, firstName: 'Bob', lastName: null, email: null });
  });

  it('answers a user query with only the users the caller may read, without password hashes', async () => {
    // given a caller with READ on one other user only
    const carol = await userWith('carol');
    const visible = await userWith('visible');
    const hidden = await userWith('hidden');
    await grant(carol.id, 'User', ['READ'], visible.id);

    // when she queries every user
    const found = await queryUsers(app, await carol.login(), { idIn: [carol.id, visible.id, hidden.id] });

    // then she sees the one she may read (not even herself: Camunda's query is filtered by READ), and no hash
    expect(found).toEqual([{ id: visible.id, firstName: 'visible', lastName: null, email: null }]);
    expect(found[0]).not.toHaveProperty('passwordHash');
  });

  it('answers a user the caller may not read like a missing one, but always shows the caller their own profile', async () => {
    // given two users without authorizations
    const dave = await userWith('dave');
    const other = await userWith('other');
    const caller = await dave.login();

    // when dave reads the other's profile, then it is the 404 of a missing user
    await expect(getUserProfile(app, caller, { id: other.id })).rejects.toMatchObject({ status: 404, message: `User with id ${other.id} does not exist` });

    // when he reads his own, then he gets it
    await expect(getUserProfile(app, caller, { id: dave.id })).resolves.toMatchObject({ id: dave.id });
  });

  it('needs UPDATE on a user to change their profile once the caller may read them', async () => {
    // given a caller who may read but not update another user
    const erin = await userWith('erin');
    const target = await userWith('target');
    await grant(erin.id, 'User', ['READ'], target.id);

    // when she updates the profile, then the AuthorizationException asks for UPDATE on that user
    await expect(updateUserProfile(app, await erin.login(), { id: target.id, firstName: 'X' })).rejects.toMatchObject({
      checks: [{ permission: 'UPDATE', resource: 'User', resourceId: target.id }],
    });
    expect((await app.identities.getUser(target.id))?.firstName).toBe('target');
  });

  it('makes a caller confirm their own current password before changing one', async () => {
    // given an authenticated user
    const frank = await userWith('frank');

    // when he changes his password with a wrong current one, then it is refused with a 400
    const refused = updateUserCredentials(app, await frank.login(), { id: frank.id, password: 'new', authenticatedUserPassword: 'wrong' });
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toMatchObject({ status: 400, message: 'The given authenticated user password is not valid.' });

    // when he confirms the right one, then the new password authenticates and the old one no longer does
    await updateUserCredentials(app, await frank.login(), { id: frank.id, password: 'new', authenticatedUserPassword: 'secret' });
    expect(await authenticate(app, { userId: frank.id, password: 'new' })).toBeInstanceOf(AuthContext);
    expect(await authenticate(app, { userId: frank.id, password: 'secret' })).toBeUndefined();
  });

  it('turns the store’s failed condition on an existing id into Camunda’s "already exists" request error', async () => {
    // given an existing user, group and tenant
    const id = fresh('twice');
    await createUser(app, system, { id });
    await createGroup(app, system, { id });
    await createTenant(app, system, { id });

    // when each is created again, then the answer is the 400 InvalidRequestException
    await expect(createUser(app, system, { id })).rejects.toMatchObject({ status: 400, message: `User with id '${id}' already exists` });
    await expect(createGroup(app, system, { id })).rejects.toMatchObject({ status: 400, message: `Group with id '${id}' already exists` });
    await expect(createTenant(app, system, { id })).rejects.toMatchObject({ status: 400, message: `Tenant with id '${id}' already exists` });
  });

  it('needs CREATE on GroupMembership for the group to add a member to it', async () => {
    // given a group and a caller with CREATE on another group's memberships only
    const grace = await userWith('grace');
    const member = await userWith('member');
    const group = fresh('group');
    const otherGroup = fresh('other-group');
    await createGroup(app, system, { id: group });
    await grant(grace.id, 'GroupMembership', ['CREATE'], otherGroup);

    // when she adds a member to the group, then the AuthorizationException names that group
    await expect(addGroupMember(app, await grace.login(), { groupId: group, userId: member.id })).rejects.toMatchObject({
      checks: [{ permission: 'CREATE', resource: 'GroupMembership', resourceId: group }],
    });

    // when she is granted it on the group, then the member is added
    await grant(grace.id, 'GroupMembership', ['CREATE'], group);
    await addGroupMember(app, await grace.login(), { groupId: group, userId: member.id });
    expect(await app.identities.groupMembers(group)).toEqual([member.id]);
  });

  it('needs CREATE on TenantMembership for the tenant to add a user to it', async () => {
    // given a tenant and a caller without authorizations
    const heidi = await userWith('heidi');
    const tenant = fresh('tenant');
    await createTenant(app, system, { id: tenant });

    // when she adds herself to the tenant, then it is refused
    await expect(addTenantUserMember(app, await heidi.login(), { tenantId: tenant, userId: heidi.id })).rejects.toBeInstanceOf(AuthorizationError);
    expect(await app.identities.tenantUsers(tenant)).toEqual([]);
  });

  it('lists only the groups the caller may read', async () => {
    // given two groups of one member and a caller with READ on one of them
    const ivan = await userWith('ivan');
    const readable = fresh('readable');
    const unreadable = fresh('unreadable');
    await createGroup(app, system, { id: readable, name: 'R' });
    await createGroup(app, system, { id: unreadable, name: 'U' });
    await grant(ivan.id, 'Group', ['READ'], readable);

    // when he queries the groups, then he sees the readable one only
    expect(await queryGroups(app, await ivan.login(), { idIn: [readable, unreadable] })).toEqual([{ id: readable, name: 'R', type: null }]);
  });
});

describe('authentication', () => {
  it('yields no caller for a wrong password or an unknown user', async () => {
    // given a user with a password
    const judy = await userWith('judy');

    // when someone authenticates with a wrong password or as nobody, then there is no caller
    expect(await authenticate(app, { userId: judy.id, password: 'wrong' })).toBeUndefined();
    expect(await authenticate(app, { userId: fresh('nobody'), password: 'secret' })).toBeUndefined();
  });

  it('yields a caller with their groups and tenants for the right password', async () => {
    // given a user in a group that belongs to a tenant
    const kim = await userWith('kim');
    const group = fresh('group');
    const tenant = fresh('tenant');
    await createGroup(app, system, { id: group });
    await createTenant(app, system, { id: tenant });
    await addGroupMember(app, system, { groupId: group, userId: kim.id });
    await app.identities.addTenantGroup(tenant, group);

    // when she authenticates, then the caller knows her groups and tenants
    const caller = await kim.login();
    expect(caller.identity).toEqual({ userId: kim.id, groupIds: [group], tenantIds: [tenant] });
  });

  it('yields no caller for a user created without credentials', async () => {
    // given a user created without a password
    const id = fresh('nopassword');
    await createUser(app, system, { id });

    // when anyone authenticates as them, even with an empty password, then there is no caller
    expect(await authenticate(app, { userId: id, password: '' })).toBeUndefined();
  });
});

describe('the authorization use cases', () => {
  it('needs CREATE on Authorization to create one, and READ on it to find it', async () => {
    // given a caller with READ on users but no permission on authorizations
    const leo = await userWith('leo');
    await grant(leo.id, 'User', ['READ']);

    // when he creates an authorization, then it is refused
    await expect(createAuthorization(app, await leo.login(), { type: 1, userId: leo.id, resourceType: RESOURCE_TYPES.User, permissions: ['ALL'] })).rejects.toMatchObject({
      checks: [{ permission: 'CREATE', resource: 'Authorization' }],
    });

    // when he queries the authorizations on himself, then he sees none: he may not READ the one there is
    expect(await queryAuthorizations(app, await leo.login(), { userIdIn: [leo.id] })).toEqual([]);
    expect(await queryAuthorizations(app, system, { userIdIn: [leo.id] })).toHaveLength(1);
  });

  it('needs DELETE on the authorization to delete it once the caller may read it', async () => {
    // given an authorization the caller may read but not delete
    const mia = await userWith('mia');
    const target = await grant(fresh('someone'), 'User', ['READ']);
    await grant(mia.id, 'Authorization', ['READ'], target.id);

    // when she deletes it, then the AuthorizationException asks for DELETE and it stays
    await expect(deleteAuthorization(app, await mia.login(), { id: target.id })).rejects.toMatchObject({
      checks: [{ permission: 'DELETE', resource: 'Authorization', resourceId: target.id }],
    });
    expect(await app.identities.getAuthorization(target.id)).toBeDefined();
  });

  it('checks the caller’s own permission freely but needs READ on Authorization to check someone else’s', async () => {
    // given a caller with READ on users and another user
    const nina = await userWith('nina');
    const other = await userWith('other');
    await grant(nina.id, 'User', ['READ']);
    const caller = await nina.login();
    const check = { permissionName: 'READ', resourceType: RESOURCE_TYPES.User, resourceId: null };

    // when she checks her own permission, then the answer is hers
    expect(await checkAuthorization(app, caller, check)).toBe(true);

    // when she checks the other user's, then Camunda's 403 request error refuses it
    await expect(checkAuthorization(app, caller, { ...check, userId: other.id })).rejects.toMatchObject({
      status: 403,
      message: 'You must have READ permission for Authorization resource.',
    });
  });
});
