import { describe, expect, it } from 'vitest';
import { type Authorization, isAuthorized, isAuthorizedForAny, missingAuthorizationMessage } from '../../../shared/auth/evaluate.ts';
import { hashPassword, verifyPassword } from '../../../shared/auth/password.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES } from '../../../shared/auth/resources.ts';

const user = { userId: 'mary', groupIds: ['sales'], tenantIds: [] };
let n = 0;
function auth(partial: Partial<Authorization>): Authorization {
  n += 1;
  return { id: `a${n}`, type: AUTHORIZATION_TYPES.GRANT, permissions: ['READ'], userId: null, groupId: null, resourceType: RESOURCE_TYPES.Batch, resourceId: '*', ...partial };
}

describe('authorization evaluation', () => {
  it('denies when nothing grants the permission', () => {
    expect(isAuthorized(user, [], { permission: 'CREATE', resource: 'Batch' })).toBe(false);
  });

  it('grants through a user, a group or a global authorization, for a resource id or *', () => {
    expect(isAuthorized(user, [auth({ userId: 'mary', permissions: ['CREATE'] })], { permission: 'CREATE', resource: 'Batch' })).toBe(true);
    expect(isAuthorized(user, [auth({ groupId: 'sales', permissions: ['CREATE'] })], { permission: 'CREATE', resource: 'Batch' })).toBe(true);
    expect(isAuthorized(user, [auth({ type: AUTHORIZATION_TYPES.GLOBAL, userId: '*', permissions: ['ALL'] })], { permission: 'DELETE', resource: 'Batch', resourceId: 'b1' })).toBe(true);
    expect(isAuthorized(user, [auth({ userId: 'mary', resourceId: 'b1' })], { permission: 'READ', resource: 'Batch', resourceId: 'b1' })).toBe(true);
    expect(isAuthorized(user, [auth({ userId: 'mary', resourceId: 'b1' })], { permission: 'READ', resource: 'Batch', resourceId: 'b2' })).toBe(false);
  });

  it('lets a user REVOKE override a group GRANT, and a user GRANT override a group REVOKE', () => {
    const groupGrant = auth({ groupId: 'sales', permissions: ['CREATE'] });
    const userRevoke = auth({ userId: 'mary', type: AUTHORIZATION_TYPES.REVOKE, permissions: ['CREATE'] });
    expect(isAuthorized(user, [groupGrant, userRevoke], { permission: 'CREATE', resource: 'Batch' })).toBe(false);
    const groupRevoke = auth({ groupId: 'sales', type: AUTHORIZATION_TYPES.REVOKE, permissions: ['CREATE'] });
    const userGrant = auth({ userId: 'mary', permissions: ['CREATE'] });
    expect(isAuthorized(user, [groupRevoke, userGrant], { permission: 'CREATE', resource: 'Batch' })).toBe(true);
  });

  it('lets a REVOKE beat a GRANT on the same level', () => {
    const grant = auth({ groupId: 'sales', permissions: ['ALL'] });
    const revoke = auth({ groupId: 'sales', type: AUTHORIZATION_TYPES.REVOKE, permissions: ['DELETE'] });
    expect(isAuthorized(user, [grant, revoke], { permission: 'DELETE', resource: 'Batch' })).toBe(false);
    expect(isAuthorized(user, [grant, revoke], { permission: 'READ', resource: 'Batch' })).toBe(true);
  });

  it('ignores authorizations of other resource types and other users', () => {
    expect(isAuthorized(user, [auth({ userId: 'mary', resourceType: RESOURCE_TYPES.ProcessInstance, permissions: ['ALL'] })], { permission: 'READ', resource: 'Batch' })).toBe(false);
    expect(isAuthorized(user, [auth({ userId: 'john', permissions: ['ALL'] })], { permission: 'READ', resource: 'Batch' })).toBe(false);
  });

  it('lets members of camunda-admin do everything', () => {
    expect(isAuthorized({ userId: 'demo', groupIds: ['camunda-admin'], tenantIds: [] }, [], { permission: 'DELETE', resource: 'Deployment', resourceId: 'd' })).toBe(true);
  });

  it('evaluates disjunctive checks and words the failure as Camunda does', () => {
    const checks = [
      { permission: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resource: 'Batch' as const },
      { permission: 'CREATE', resource: 'Batch' as const },
    ];
    expect(isAuthorizedForAny(user, [auth({ userId: 'mary', permissions: ['CREATE'] })], checks)).toBe(true);
    expect(missingAuthorizationMessage('mary', checks)).toBe(
      "The user with id 'mary' does not have one of the following permissions: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES' permission on resource 'Batch' or 'CREATE' permission on resource 'Batch'",
    );
    expect(missingAuthorizationMessage('mary', [{ permission: 'READ', resource: 'ProcessInstance', resourceId: 'pi' }])).toBe(
      "The user with id 'mary' does not have 'READ' permission on resource 'pi' of type 'ProcessInstance'.",
    );
  });
});

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one or a malformed hash', () => {
    const stored = hashPassword('s3cret');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(verifyPassword('s3cret', stored)).toBe(true);
    expect(verifyPassword('S3cret', stored)).toBe(false);
    expect(verifyPassword('s3cret', 'plain')).toBe(false);
    expect(hashPassword('s3cret')).not.toBe(stored);
  });
});
