/**
 * Camunda's authorization model: resource types (with the integer ids the REST API uses) and the
 * permission names each knows. Permissions are kept as names; `ALL` grants or revokes every one.
 */
export const RESOURCE_TYPES = {
  Application: 0,
  User: 1,
  Group: 2,
  GroupMembership: 3,
  Authorization: 4,
  Filter: 5,
  ProcessDefinition: 6,
  Task: 7,
  ProcessInstance: 8,
  Deployment: 9,
  DecisionDefinition: 10,
  Tenant: 11,
  TenantMembership: 12,
  Batch: 13,
  DecisionRequirementsDefinition: 14,
  /** Spelled as Camunda's Resources enum spells it: its 403 messages name the resource so. */
  OperationLogCatgeory: 17,
  HistoricTask: 19,
  HistoricProcessInstance: 20,
  System: 21,
} as const;

export type ResourceName = keyof typeof RESOURCE_TYPES;

const GENERIC = ['READ', 'UPDATE', 'CREATE', 'DELETE', 'ACCESS'] as const;

/** Permission names per resource (Camunda's Permissions, ProcessDefinitionPermissions, BatchPermissions, …). */
export const PERMISSIONS: Record<ResourceName, readonly string[]> = {
  Application: ['ACCESS'],
  User: ['READ', 'UPDATE', 'CREATE', 'DELETE'],
  Group: ['READ', 'UPDATE', 'CREATE', 'DELETE'],
  GroupMembership: ['CREATE', 'DELETE'],
  Authorization: ['READ', 'UPDATE', 'CREATE', 'DELETE'],
  Filter: ['READ', 'UPDATE', 'CREATE', 'DELETE'],
  ProcessDefinition: [
    'READ',
    'UPDATE',
    'DELETE',
    'SUSPEND',
    'CREATE_INSTANCE',
    'READ_INSTANCE',
    'UPDATE_INSTANCE',
    'RETRY_JOB',
    'SUSPEND_INSTANCE',
    'DELETE_INSTANCE',
    'MIGRATE_INSTANCE',
    'READ_TASK',
    'UPDATE_TASK',
    'TASK_WORK',
    'TASK_ASSIGN',
    'READ_HISTORY',
    'DELETE_HISTORY',
    'READ_HISTORY_VARIABLE',
    'UPDATE_INSTANCE_VARIABLE',
    'UPDATE_TASK_VARIABLE',
    'READ_INSTANCE_VARIABLE',
    'READ_TASK_VARIABLE',
    'UPDATE_HISTORY',
  ],
  Task: ['READ', 'UPDATE', 'CREATE', 'DELETE', 'TASK_WORK', 'TASK_ASSIGN', 'UPDATE_VARIABLE', 'READ_VARIABLE'],
  ProcessInstance: ['READ', 'UPDATE', 'CREATE', 'DELETE', 'RETRY_JOB', 'SUSPEND', 'UPDATE_VARIABLE'],
  Deployment: ['READ', 'CREATE', 'DELETE'],
  DecisionDefinition: ['READ', 'UPDATE', 'CREATE_INSTANCE', 'READ_HISTORY', 'DELETE_HISTORY'],
  Tenant: ['READ', 'UPDATE', 'CREATE', 'DELETE'],
  TenantMembership: ['CREATE', 'DELETE'],
  Batch: [
    'READ',
    'UPDATE',
    'CREATE',
    'DELETE',
    'READ_HISTORY',
    'DELETE_HISTORY',
    'CREATE_BATCH_MIGRATE_PROCESS_INSTANCES',
    'CREATE_BATCH_MODIFY_PROCESS_INSTANCES',
    'CREATE_BATCH_RESTART_PROCESS_INSTANCES',
    'CREATE_BATCH_DELETE_RUNNING_PROCESS_INSTANCES',
    'CREATE_BATCH_DELETE_FINISHED_PROCESS_INSTANCES',
    'CREATE_BATCH_DELETE_DECISION_INSTANCES',
    'CREATE_BATCH_SET_JOB_RETRIES',
    'CREATE_BATCH_SET_EXTERNAL_TASK_RETRIES',
    'CREATE_BATCH_UPDATE_PROCESS_INSTANCES_SUSPEND',
    'CREATE_BATCH_SET_REMOVAL_TIME',
    'CREATE_BATCH_SET_VARIABLES',
  ],
  DecisionRequirementsDefinition: ['READ'],
  OperationLogCatgeory: ['READ', 'UPDATE', 'DELETE'],
  HistoricTask: ['READ', 'READ_VARIABLE'],
  HistoricProcessInstance: ['READ'],
  System: ['READ', 'SET', 'DELETE'],
};

export function resourceNameOf(type: number): ResourceName | undefined {
  return (Object.keys(RESOURCE_TYPES) as ResourceName[]).find((name) => RESOURCE_TYPES[name] === type);
}

export const AUTHORIZATION_TYPES = { GLOBAL: 0, GRANT: 1, REVOKE: 2 } as const;
export type AuthorizationType = (typeof AUTHORIZATION_TYPES)[keyof typeof AUTHORIZATION_TYPES];

/** The built-in administrators' group: members may do everything, as in Camunda. */
export const ADMIN_GROUP = 'camunda-admin';

export { GENERIC };
