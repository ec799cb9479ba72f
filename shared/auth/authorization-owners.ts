import type { Authorization, Identity } from './evaluate.ts';
import { AUTHORIZATION_TYPES } from './resources.ts';

/**
 * Whom an authorization is filed under: a user (`'*'` for every user), a group, or nobody in
 * particular (GLOBAL). Authorizations are stored per owner and resource type, so a request reads
 * only those that can decide its checks instead of every authorization there is.
 */
export type AuthorizationOwner = { kind: 'user'; userId: string } | { kind: 'group'; groupId: string } | { kind: 'global' };

/** The owner an authorization is filed under. A GLOBAL one is global whatever its userId ('*'). */
export function ownerOf(authorization: Authorization): AuthorizationOwner {
  if (authorization.type === AUTHORIZATION_TYPES.GLOBAL) return { kind: 'global' };
  if (authorization.userId !== null) return { kind: 'user', userId: authorization.userId };
  if (authorization.groupId !== null) return { kind: 'group', groupId: authorization.groupId };
  // Camunda refuses an authorization without either (authorization-rules.ts); no check could use one.
  throw new Error(`Authorization ${authorization.id} has neither a userId nor a groupId`);
}

/**
 * The owners whose authorizations can decide a check of this identity: exactly the three levels of
 * `isAuthorized` (the user and '*', the user's groups, GLOBAL). Evaluating only their
 * authorizations gives the same answer as evaluating all of them (test/unit/auth/authorization-owners.test.ts).
 */
export function ownersDeciding(identity: Identity): AuthorizationOwner[] {
  const users = identity.userId === '*' ? ['*'] : [identity.userId, '*'];
  return [...users.map((userId) => ({ kind: 'user', userId }) as const), ...identity.groupIds.map((groupId) => ({ kind: 'group', groupId }) as const), { kind: 'global' }];
}

/** A text naming the owner, unique per owner: the cache's key part (not an index key). */
export function ownerName(owner: AuthorizationOwner): string {
  return owner.kind === 'user' ? `user:${owner.userId}` : owner.kind === 'group' ? `group:${owner.groupId}` : 'global';
}
