import type { AuthContext } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/password.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { byId, mayReadGroup, profileOf } from './identity-access.ts';
import type { GroupRecord, UserProfile } from './read-models.ts';

/** Camunda's IdentityRestService: a user's groups with their fellow members, and a credential check. */

export interface GroupInfo {
  /** The user's groups the caller may READ, by name. */
  groups: GroupRecord[];
  /** The other members of those groups the caller may READ, by id. */
  groupUsers: UserProfile[];
}

export async function userGroupInfo(app: AppContext, caller: AuthContext, input: { userId: string }): Promise<GroupInfo> {
  const userId = input.userId;
  const groupIds = await app.identities.groupsOf(userId);
  const stored = (await Promise.all(groupIds.map((g) => app.identities.getGroup(g)))).filter((g): g is GroupRecord => g !== undefined);
  const groups = (await filterAllowed(stored, (g) => mayReadGroup(caller, g.id))).sort((a, b) => {
    const x = a.name ?? '';
    const y = b.name ?? '';
    return x < y ? -1 : x > y ? 1 : byId(a, b);
  });
  const memberIds = new Set((await Promise.all(groups.map((g) => app.identities.groupMembers(g.id)))).flat());
  memberIds.delete(userId);
  const members = (await Promise.all([...memberIds].map((id) => app.identities.getUser(id)))).flatMap((u) => (u ? [profileOf(u)] : []));
  const visible = await filterAllowed(members, (u) => caller.isAllowed({ permission: 'READ', resource: 'User', resourceId: u.id }));
  return { groups, groupUsers: visible.sort(byId) };
}

/** Whether the password is the user's (Camunda's `identityService.checkPassword`); no permission needed. */
export async function verifyUser(app: AppContext, _caller: AuthContext, input: { username: string; password: string }): Promise<boolean> {
  const user = await app.identities.getUser(input.username);
  return user !== undefined && verifyPassword(input.password, user.passwordHash);
}
