import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';
import { type AuthorizationOwner, ownerOf, ownersDeciding } from '../auth/authorization-owners.ts';
import type { Authorization, Identity } from '../auth/evaluate.ts';
import { queryAllPages, withoutKeys } from './paging.ts';

export interface UserRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  passwordHash: string;
  /** Failed logins in a row (shared/auth/login-lock.ts). */
  attempts?: number;
  /** Until when the user cannot log in (epoch ms). */
  lockExpirationTime?: number;
}

export interface GroupRecord {
  id: string;
  name: string | null;
  type: string | null;
}

export interface TenantRecord {
  id: string;
  name: string | null;
}

const ids = {
  user: (id: string) => ({ pk: `USER#${id}`, sk: 'USER' }),
  group: (id: string) => ({ pk: `GROUP#${id}`, sk: 'GROUP' }),
  tenant: (id: string) => ({ pk: `TENANT#${id}`, sk: 'TENANT' }),
  authorization: (id: string) => ({ pk: `AUTH#${id}`, sk: 'AUTH' }),
  /** Raised by every identity write; containers compare it to know whether their cache still holds. */
  stamp: { pk: 'IDENTITYSTAMP', sk: 'STAMP' },
};

/**
 * The gsi2 partition of the authorizations of one owner on one resource type: what one check reads
 * (the owner's kind comes right after the type, which holds no '#', so no two owners share one).
 */
function authorizationsKey(resourceType: number, owner: AuthorizationOwner): string {
  const prefix = `AUTHZ#${resourceType}#`;
  if (owner.kind === 'user') return `${prefix}USER#${owner.userId}`;
  if (owner.kind === 'group') return `${prefix}GROUP#${owner.groupId}`;
  return `${prefix}GLOBAL`;
}

/**
 * The stored item of an authorization with its index attributes: gsi1 `AUTH` lists them all
 * (GET /authorization), gsi2 files each under its owner and resource type (the checks' reads).
 * Pure, so a migration can rewrite items stored before the gsi2 attributes existed.
 */
export function authorizationItem(a: Authorization): Record<string, unknown> {
  return { ...ids.authorization(a.id), kind: 'authorization', ...a, gsi1pk: 'AUTH', gsi1sk: a.id, gsi2pk: authorizationsKey(a.resourceType, ownerOf(a)), gsi2sk: a.id };
}

/**
 * Users, groups, tenants, their memberships and authorizations (docs/data-model.md). Every write
 * raises the identity stamp after it lands and then tells this container's listeners (its cache).
 */
export class IdentityRepository {
  private readonly changeListeners = new Set<() => void>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Called after each identity write made through this repository; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * The stamp is raised after the write, never before: a container that reads the raised stamp
   * then reads data that holds the write. Local listeners hear of it even if raising fails.
   */
  private async changed(): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: ids.stamp, UpdateExpression: 'ADD #v :one', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':one': 1 } }),
      );
    } finally {
      for (const listener of this.changeListeners) listener();
    }
  }

  /**
   * A failed login: one attempt more and the lock that follows from it; every container sees the
   * lock at its next stamp check. Returns the attempts, or undefined for a user that is gone.
   */
  async recordFailedLogin(userId: string, lockUntil: (attempts: number) => number): Promise<number | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ids.user(userId),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const attempts = Attributes?.attempts as number;
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: ids.user(userId), UpdateExpression: 'SET lockExpirationTime = :until', ExpressionAttributeValues: { ':until': lockUntil(attempts) } }),
      );
      await this.changed();
      return attempts;
    } catch (error) {
      if (isConditionalFailure(error)) return undefined;
      throw error;
    }
  }

  /** A successful login, or an administrator's unlock: no failed attempts, no lock. */
  async clearLoginLock(userId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: ids.user(userId), UpdateExpression: 'REMOVE attempts, lockExpirationTime', ConditionExpression: 'attribute_exists(pk)' }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return;
    }
    await this.changed();
  }

  /** Raises the stamp for a change made around this repository (a key migration): every container reloads. */
  markChanged(): Promise<void> {
    return this.changed();
  }

  /** The identity stamp, read consistently (0 before the first write). */
  async readStamp(): Promise<number> {
    const { Item: item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: ids.stamp, ConsistentRead: true, ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'version' } }),
    );
    return Number(item?.version ?? 0);
  }

  // Identity reads are consistent: the cache keeps what it reads, so a read just after a write must see it.
  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return item ? withoutKeys<T>(item) : undefined;
  }

  private async put(item: Record<string, unknown>, mustBeNew = false): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: mustBeNew ? 'attribute_not_exists(pk)' : undefined }));
    await this.changed();
  }

  private async remove(key: { pk: string; sk: string }): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
    await this.changed();
  }

  private async all<T>(kind: string): Promise<T[]> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': kind } });
    return items.map((i) => withoutKeys<T>(i));
  }

  private async memberships(pk: string, prefix: string): Promise<string[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
      ConsistentRead: true,
    });
    return items.map((i) => i.sk.slice(prefix.length));
  }

  private async members(gsi2pk: string): Promise<string[]> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': gsi2pk } });
    return items.map((i) => i.gsi2sk as string);
  }

  getUser = (id: string) => this.get<UserRecord>(ids.user(id));
  getGroup = (id: string) => this.get<GroupRecord>(ids.group(id));
  getTenant = (id: string) => this.get<TenantRecord>(ids.tenant(id));
  getAuthorization = (id: string) => this.get<Authorization>(ids.authorization(id));
  listUsers = () => this.all<UserRecord>('USER');
  listGroups = () => this.all<GroupRecord>('GROUP');
  listTenants = () => this.all<TenantRecord>('TENANT');
  listAuthorizations = () => this.all<Authorization>('AUTH');

  saveUser = (user: UserRecord, isNew: boolean) => this.put({ ...ids.user(user.id), kind: 'user', ...user, gsi1pk: 'USER', gsi1sk: user.id }, isNew);
  saveGroup = (group: GroupRecord, isNew: boolean) => this.put({ ...ids.group(group.id), kind: 'group', ...group, gsi1pk: 'GROUP', gsi1sk: group.id }, isNew);
  saveTenant = (tenant: TenantRecord, isNew: boolean) => this.put({ ...ids.tenant(tenant.id), kind: 'tenant', ...tenant, gsi1pk: 'TENANT', gsi1sk: tenant.id }, isNew);
  saveAuthorization = (a: Authorization) => this.put(authorizationItem(a));
  deleteUser = (id: string) => this.remove(ids.user(id));
  deleteGroup = (id: string) => this.remove(ids.group(id));
  deleteTenant = (id: string) => this.remove(ids.tenant(id));
  deleteAuthorization = (id: string) => this.remove(ids.authorization(id));

  addGroupMember = (groupId: string, userId: string) => this.put({ pk: `USER#${userId}`, sk: `MEMBER#GROUP#${groupId}`, kind: 'membership', gsi2pk: `GROUPMEMBERS#${groupId}`, gsi2sk: userId });
  removeGroupMember = (groupId: string, userId: string) => this.remove({ pk: `USER#${userId}`, sk: `MEMBER#GROUP#${groupId}` });
  addTenantUser = (tenantId: string, userId: string) => this.put({ pk: `USER#${userId}`, sk: `MEMBER#TENANT#${tenantId}`, kind: 'membership', gsi2pk: `TENANTUSERS#${tenantId}`, gsi2sk: userId });
  removeTenantUser = (tenantId: string, userId: string) => this.remove({ pk: `USER#${userId}`, sk: `MEMBER#TENANT#${tenantId}` });
  addTenantGroup = (tenantId: string, groupId: string) =>
    this.put({ pk: `GROUP#${groupId}`, sk: `MEMBER#TENANT#${tenantId}`, kind: 'membership', gsi2pk: `TENANTGROUPS#${tenantId}`, gsi2sk: groupId });
  removeTenantGroup = (tenantId: string, groupId: string) => this.remove({ pk: `GROUP#${groupId}`, sk: `MEMBER#TENANT#${tenantId}` });
  groupMembers = (groupId: string) => this.members(`GROUPMEMBERS#${groupId}`);
  tenantUsers = (tenantId: string) => this.members(`TENANTUSERS#${tenantId}`);
  tenantGroups = (tenantId: string) => this.members(`TENANTGROUPS#${tenantId}`);
  groupsOf = (userId: string) => this.memberships(`USER#${userId}`, 'MEMBER#GROUP#');

  /** The authorizations of one owner on one resource type (one gsi2 partition). */
  async authorizationsOwnedBy(resourceType: number, owner: AuthorizationOwner): Promise<Authorization[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': authorizationsKey(resourceType, owner) },
    });
    return items.map((i) => withoutKeys<Authorization>(i));
  }

  /** Every authorization that can decide a check of the identity on the resource type, read in parallel. */
  async authorizationsFor(identity: Identity, resourceType: number): Promise<Authorization[]> {
    return (await Promise.all(ownersDeciding(identity).map((owner) => this.authorizationsOwnedBy(resourceType, owner)))).flat();
  }

  /** A user's groups and tenants (directly or through a group): what every check needs. */
  async identityOf(userId: string): Promise<Identity> {
    const [groupIds, direct] = await Promise.all([this.groupsOf(userId), this.memberships(`USER#${userId}`, 'MEMBER#TENANT#')]);
    const viaGroups = (await Promise.all(groupIds.map((g) => this.memberships(`GROUP#${g}`, 'MEMBER#TENANT#')))).flat();
    return { userId, groupIds, tenantIds: [...new Set([...direct, ...viaGroups])] };
  }
}
