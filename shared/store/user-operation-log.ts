/**
 * The user operation log (Camunda's ACT_HI_OP_LOG): what an authenticated user did, one item per
 * operation holding its entries (one per changed property, as Camunda writes them). An operation's
 * entries share its id, user, time and annotation, so setting the annotation is one update and the
 * entries of an operation never come apart. Written with the operation itself where it changes one
 * item transactionally (an instance, a batch), else right after it.
 */
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';

export const userOperationKeys = {
  item: (operationId: string) => ({ pk: `UOP#${operationId}`, sk: 'OP' }),
  all: 'UOP',
  ofInstance: (processInstanceId: string) => `UOPPI#${processInstanceId}`,
};

/** What an entry names besides its operation (Camunda's UserOperationLogEntry fields). */
export interface UserOperationContext {
  deploymentId?: string | null;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  processInstanceId?: string | null;
  rootProcessInstanceId?: string | null;
  executionId?: string | null;
  taskId?: string | null;
  jobId?: string | null;
  jobDefinitionId?: string | null;
  batchId?: string | null;
  externalTaskId?: string | null;
  tenantId?: string | null;
}

/** One entry: one property an operation changed (property null: Camunda's EMPTY_CHANGE). */
export interface UserOperationEntry extends UserOperationContext {
  id: string;
  operationType: string;
  entityType: string;
  category: string | null;
  property: string | null;
  orgValue: string | null;
  newValue: string | null;
}

export interface UserOperationRecord {
  operationId: string;
  userId: string;
  timestamp: number;
  annotation: string | null;
  entries: UserOperationEntry[];
}

/** The instance every entry of an operation names, if they name one and the same. */
function instanceOf(record: UserOperationRecord): string | undefined {
  const ids = new Set(record.entries.map((entry) => entry.processInstanceId ?? null));
  const [only] = ids;
  return ids.size === 1 && only ? only : undefined;
}

export function userOperationItem(record: UserOperationRecord, layout: IndexLayout): Item {
  const order = `${timeKey(record.timestamp)}#${record.operationId}`;
  const instance = instanceOf(record);
  return {
    ...userOperationKeys.item(record.operationId),
    kind: 'userOperation',
    ...record,
    gsi1pk: shardKey(userOperationKeys.all, record.operationId, layout),
    gsi1sk: order,
    ...(instance ? { gsi2pk: userOperationKeys.ofInstance(instance), gsi2sk: order } : {}),
  };
}

export function userOperationOf(item: Item): UserOperationRecord {
  return {
    operationId: item.operationId as string,
    userId: item.userId as string,
    timestamp: item.timestamp as number,
    annotation: (item.annotation as string | null | undefined) ?? null,
    entries: item.entries as UserOperationEntry[],
  };
}
