import { hashPassword } from '../auth/password.ts';
import { ADMIN_GROUP } from '../auth/resources.ts';
import type { IdentityRepository } from '../store/identity-repository.ts';

/**
 * Makes sure the first administrator exists (as Camunda Run's demo user): a member of camunda-admin,
 * which may do everything. An existing user keeps the password it has.
 */
export async function ensureAdministrator(identities: IdentityRepository, userId: string, password: string): Promise<void> {
  if (!(await identities.getGroup(ADMIN_GROUP))) {
    await identities.saveGroup({ id: ADMIN_GROUP, name: 'camunda BPM Administrators', type: 'SYSTEM' }, false);
  }
  if (!(await identities.getUser(userId))) {
    await identities.saveUser({ id: userId, firstName: userId, lastName: null, email: null, passwordHash: hashPassword(password) }, false);
  }
  await identities.addGroupMember(ADMIN_GROUP, userId);
}
