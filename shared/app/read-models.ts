import type { UserRecord } from '../store/identity-repository.ts';

/**
 * The records the use cases hand to their callers (routes map them to Camunda's DTOs). They are the
 * store's records today; naming them here keeps the REST layer independent of the store's modules.
 */
export type { DefinitionRecord, DeploymentRecord, ResourceRecord } from '../store/definition-repository.ts';
export type { DecisionDefinitionRecord, DecisionRequirementsRecord } from '../store/decision-definition-repository.ts';
export type { GroupRecord, TenantRecord, UserRecord } from '../store/identity-repository.ts';
/** A user as the use cases hand it out: the profile, never the password hash. */
export type UserProfile = Omit<UserRecord, 'passwordHash'>;
/** A query item (task, job, external task, incident, history entry) as stored beside its instance. */
export type { Item as QueryItem } from '../store/projections.ts';
/** A comment on a task or instance, an attachment of a task. */
export type { AttachmentRecord, CommentRecord } from '../store/note-repository.ts';
