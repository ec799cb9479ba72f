/**
 * The records the use cases hand to their callers (routes map them to Camunda's DTOs). They are the
 * store's records today; naming them here keeps the REST layer independent of the store's modules.
 */
export type { DefinitionRecord, DeploymentRecord, ResourceRecord } from '../store/definition-repository.ts';
export type { GroupRecord, TenantRecord, UserRecord } from '../store/identity-repository.ts';
/** A query item (task, job, external task, incident, history entry) as stored beside its instance. */
export type { Item as QueryItem } from '../store/projections.ts';
