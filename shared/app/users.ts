import { AdminRequiredError, type AuthContext } from '../auth/auth-context.ts';
import { ADMIN_GROUP } from '../auth/resources.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { type Sorting, sortItems } from '../query/sort.ts';
import { sqlLike } from '../query/sql-like.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { identityOperation, logOperation } from './operation-log.ts';
import { createNew, identityNotFound, invalidRequest } from './errors.ts';
import { byId, deleteResourceAuthorizations, orNull, profileOf, visibleUser } from './identity-access.ts';
import type { UserProfile } from './read-models.ts';

/**
 * Camunda's user commands and query (IdentityService): reads are authorization-filtered (READ on the
 * user, or the caller's own profile), writes check CREATE, UPDATE or DELETE on User.
 */

export type UserSortBy = 'userId' | 'firstName' | 'lastName' | 'email';

export interface UserQuery {
  id?: string;
  idIn?: string[];
  firstName?: string;
  firstNameLike?: string;
  lastName?: string;
  lastNameLike?: string;
  email?: string;
  emailLike?: string;
  memberOfGroup?: string;
  memberOfTenant?: string;
  sort?: Sorting<UserSortBy>;
}

/** The users matching the query that the caller may READ, by id unless sorted otherwise. */
export async function queryUsers(app: AppContext, caller: AuthContext, q: UserQuery): Promise<UserProfile[]> {
  const groupMembers = q.memberOfGroup === undefined ? undefined : new Set(await app.identities.groupMembers(q.memberOfGroup));
  const tenantMembers = q.memberOfTenant === undefined ? undefined : new Set(await app.identities.tenantUsers(q.memberOfTenant));
  const firstNameMatches = q.firstNameLike === undefined ? undefined : sqlLike(q.firstNameLike);
  const lastNameMatches = q.lastNameLike === undefined ? undefined : sqlLike(q.lastNameLike);
  const emailMatches = q.emailLike === undefined ? undefined : sqlLike(q.emailLike);
  const users = (await app.identities.listUsers())
    .map(profileOf)
    .filter(
      (u) =>
        (q.id === undefined || u.id === q.id) &&
        (q.idIn === undefined || q.idIn.includes(u.id)) &&
        (q.firstName === undefined || u.firstName === q.firstName) &&
        (!firstNameMatches || firstNameMatches(u.firstName)) &&
        (q.lastName === undefined || u.lastName === q.lastName) &&
        (!lastNameMatches || lastNameMatches(u.lastName)) &&
        (q.email === undefined || u.email === q.email) &&
        (!emailMatches || emailMatches(u.email)) &&
        (!groupMembers || groupMembers.has(u.id)) &&
        (!tenantMembers || tenantMembers.has(u.id)),
    );
  // Camunda's authorization-filtered user query: only users the caller may READ (not even their own).
  const readable = await filterAllowed(users, (u) => caller.isAllowed({ permission: 'READ', resource: 'User', resourceId: u.id }));
  return sortItems(readable.sort(byId), q.sort, (u, by) => (by === 'userId' ? u.id : by === 'firstName' ? u.firstName : by === 'lastName' ? u.lastName : u.email));
}

export async function countUsers(app: AppContext, caller: AuthContext, q: UserQuery): Promise<number> {
  return (await queryUsers(app, caller, q)).length;
}

export interface ProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

export interface NewUser extends ProfileInput {
  id: string;
  /** Without one the user exists but can never log in (no hash verifies). */
  password?: string | null;
}

export async function createUser(app: AppContext, caller: AuthContext, input: NewUser): Promise<UserProfile> {
  await caller.require({ permission: 'CREATE', resource: 'User' });
  const password = input.password;
  const user = {
    id: input.id,
    firstName: orNull(input.firstName),
    lastName: orNull(input.lastName),
    email: orNull(input.email),
    passwordHash: password === undefined || password === null ? '' : hashPassword(password),
  };
  await createNew('User', user.id, () => app.identities.saveUser(user, true));
  await logOperation(app, caller, identityOperation('Create', 'User', { userId: user.id }));
  return profileOf(user);
}

/** The profile of a user the caller may see (404 otherwise). */
export async function getUserProfile(app: AppContext, caller: AuthContext, input: { id: string }): Promise<UserProfile> {
  return profileOf(await visibleUser(app, caller, input.id));
}

export async function updateUserProfile(app: AppContext, caller: AuthContext, input: { id: string } & ProfileInput): Promise<UserProfile> {
  const user = await visibleUser(app, caller, input.id);
  await caller.require({ permission: 'UPDATE', resource: 'User', resourceId: user.id });
  const updated = { ...user, firstName: orNull(input.firstName), lastName: orNull(input.lastName), email: orNull(input.email) };
  await app.identities.saveUser(updated, false);
  await logOperation(app, caller, identityOperation('Update', 'User', { userId: user.id }));
  return profileOf(updated);
}

export interface CredentialsInput {
  id: string;
  password?: string | null;
  /** The caller's own current password, which Camunda asks for before any password change. */
  authenticatedUserPassword?: string | null;
}

/** A new password: one's own, or another user's with UPDATE on them. */
export async function updateUserCredentials(app: AppContext, caller: AuthContext, input: CredentialsInput): Promise<void> {
  if (caller.userId !== null) {
    const self = await app.identities.getUser(caller.userId);
    if (!self || !verifyPassword(input.authenticatedUserPassword ?? '', self.passwordHash)) {
      throw invalidRequest('The given authenticated user password is not valid.');
    }
  }
  const user = await visibleUser(app, caller, input.id);
  if (caller.userId !== user.id) await caller.require({ permission: 'UPDATE', resource: 'User', resourceId: user.id });
  if (input.password === undefined || input.password === null) throw invalidRequest('The password must not be null.');
  await app.identities.saveUser({ ...user, passwordHash: hashPassword(input.password) }, false);
  await logOperation(app, caller, identityOperation('Update', 'User', { userId: user.id }));
}

/** Deletes the user with their memberships and the authorizations on them. */
export async function deleteUser(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  const id = input.id;
  await caller.require({ permission: 'DELETE', resource: 'User', resourceId: id });
  if (!(await app.identities.getUser(id))) throw identityNotFound('User', id);
  const groups = await app.identities.groupsOf(id);
  await Promise.all(groups.map((g) => app.identities.removeGroupMember(g, id)));
  const tenants = await app.identities.listTenants();
  await Promise.all(
    tenants.map(async (t) => {
      if ((await app.identities.tenantUsers(t.id)).includes(id)) await app.identities.removeTenantUser(t.id, id);
    }),
  );
  await deleteResourceAuthorizations(app, 'User', id);
  await app.identities.deleteUser(id);
  await logOperation(app, caller, identityOperation('Delete', 'User', { userId: id }));
}

/**
 * `POST /user/{id}/unlock` (Camunda's UnlockUserCmd): clears a user's failed logins and lock. Only
 * members of camunda-admin may (with authorization checks off, anyone, as in Camunda); an unknown
 * user is no error.
 */
export async function unlockUser(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  if (caller.enabled && !caller.identity?.groupIds.includes(ADMIN_GROUP)) {
    throw new AdminRequiredError(caller.userId ?? '');
  }
  await app.identities.clearLoginLock(input.id);
}
