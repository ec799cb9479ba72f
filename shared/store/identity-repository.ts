import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Authorization, Identity } from '../auth/evaluate.ts';
import { queryAllPages, withoutKeys } from './paging.ts';

export interface UserRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  passwordHash: string;
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
};

/** Users, groups, tenants, their memberships and authorizations (docs/data-model.md). */
export class IdentityRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return item ? withoutKeys<T>(item) : undefined;
  }

  private async put(item: Record<string, unknown>, mustBeNew = false): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: mustBeNew ? 'attribute_not_exists(pk)' : undefined }));
  }

  private async remove(key: { pk: string; sk: string }): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
  }

  private async all<T>(kind: string): Promise<T[]> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': kind } });
    return items.map((i) => withoutKeys<T>(i));
  }

  private async memberships(pk: string, prefix: string): Promise<string[]> {
    const items = await queryAllPages(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': prefix } });
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
  saveAuthorization = (a: Authorization) => this.put({ ...ids.authorization(a.id), kind: 'authorization', ...a, gsi1pk: 'AUTH', gsi1sk: a.id });
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

  /** A user's groups and tenants (directly or through a group): what every check needs. */
  async identityOf(userId: string): Promise<Identity> {
    const groupIds = await this.groupsOf(userId);
    const direct = await this.memberships(`USER#${userId}`, 'MEMBER#TENANT#');
    const viaGroups = (await Promise.all(groupIds.map((g) => this.memberships(`GROUP#${g}`, 'MEMBER#TENANT#')))).flat();
    return { userId, groupIds, tenantIds: [...new Set([...direct, ...viaGroups])] };
  }
}
