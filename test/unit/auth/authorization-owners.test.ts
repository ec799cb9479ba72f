import { describe, expect, it } from 'vitest';
import { ownerName, ownerOf, ownersDeciding } from '../../../shared/auth/authorization-owners.ts';
import { type Authorization, type Identity, isAuthorized } from '../../../shared/auth/evaluate.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES, type ResourceName } from '../../../shared/auth/resources.ts';
import { mulberry32 } from '../../support/prng.ts';

/**
 * Authorizations are stored per owner and resource type, and a check reads only its identity's
 * owners (ownersDeciding): that must never change Camunda's answer.
 */

const random = mulberry32(20251105);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

const USERS = ['mary', 'john', '*'];
const GROUPS = ['sales', 'accounting', 'camunda-admin'];
const RESOURCES: ResourceName[] = ['Batch', 'ProcessInstance', 'ProcessDefinition'];
const PERMISSIONS = ['READ', 'UPDATE', 'DELETE', 'ALL'];

function randomAuthorization(n: number): Authorization {
  const type = pick([AUTHORIZATION_TYPES.GLOBAL, AUTHORIZATION_TYPES.GRANT, AUTHORIZATION_TYPES.REVOKE]);
  const byUser = type === AUTHORIZATION_TYPES.GLOBAL || random() < 0.5;
  return {
    id: `a${n}`,
    type,
    permissions: [pick(PERMISSIONS)],
    userId: type === AUTHORIZATION_TYPES.GLOBAL ? '*' : byUser ? pick(USERS) : null,
    groupId: byUser ? null : pick(GROUPS),
    resourceType: RESOURCE_TYPES[pick(RESOURCES)],
    resourceId: pick(['*', 'r1', 'r2']),
  };
}

function randomIdentity(): Identity {
  return { userId: pick(['mary', 'john']), groupIds: GROUPS.filter(() => random() < 0.4), tenantIds: [] };
}

describe('authorizations filed by owner', () => {
  it('gives every check the same answer from its identity’s owners as from all authorizations', () => {
    for (let round = 0; round < 500; round++) {
      // given random authorizations and a random identity
      const all = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => randomAuthorization(i));
      const identity = randomIdentity();
      const owners = new Set(ownersDeciding(identity).map(ownerName));

      // when only those filed under the identity's owners are evaluated
      const read = all.filter((a) => owners.has(ownerName(ownerOf(a))));

      // then every check is answered as with all of them
      for (const resource of RESOURCES) {
        for (const permission of ['READ', 'UPDATE', 'DELETE']) {
          for (const resourceId of [undefined, 'r1', 'r2']) {
            const check = { permission, resource, resourceId };
            expect(isAuthorized(identity, read, check), JSON.stringify({ identity, all, check })).toBe(isAuthorized(identity, all, check));
          }
        }
      }
    }
  });

  it('files a GLOBAL authorization as global whatever its user, others under their user or group', () => {
    const base = { id: 'a', permissions: ['READ'], resourceType: RESOURCE_TYPES.Batch, resourceId: '*' };
    expect(ownerOf({ ...base, type: AUTHORIZATION_TYPES.GLOBAL, userId: '*', groupId: null })).toEqual({ kind: 'global' });
    expect(ownerOf({ ...base, type: AUTHORIZATION_TYPES.GRANT, userId: '*', groupId: null })).toEqual({ kind: 'user', userId: '*' });
    expect(ownerOf({ ...base, type: AUTHORIZATION_TYPES.REVOKE, userId: null, groupId: 'sales' })).toEqual({ kind: 'group', groupId: 'sales' });
  });

  it('reads for an identity its user, every user (*), each of its groups and the global ones', () => {
    expect(ownersDeciding({ userId: 'mary', groupIds: ['sales', 'accounting'], tenantIds: [] })).toEqual([
      { kind: 'user', userId: 'mary' },
      { kind: 'user', userId: '*' },
      { kind: 'group', groupId: 'sales' },
      { kind: 'group', groupId: 'accounting' },
      { kind: 'global' },
    ]);
  });
});
