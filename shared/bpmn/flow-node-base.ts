import type { FormReference } from './forms.ts';
import type { IoParameter, ListenerDef } from './element-parts.ts';

/** What every flow node has, whatever its kind. The kind-specific fields live on the variants. */
export interface FlowNodeBase {
  readonly id: string;
  /** The form a user task or start event names (camunda:formKey / camunda:formRef). */
  readonly form?: FormReference;
  readonly name?: string;
  /** Camunda's activityType as shown in the activity-instance tree. */
  readonly activityType: string;
  /** Id of the enclosing flow scope: the process id, a sub-process id or a multi-instance body id. */
  readonly scopeId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly asyncBefore: boolean;
  readonly asyncAfter: boolean;
  readonly listeners: readonly ListenerDef[];
  readonly inputs: readonly IoParameter[];
  readonly outputs: readonly IoParameter[];
  /** Boundary events attached to this node (empty for nodes that cannot host any). */
  readonly boundaryEventIds: readonly string[];
  /** `isForCompensation`: a compensation handler, started only by compensation, never by a flow. */
  readonly isForCompensation?: true;
}

/**
 * Activities and the exclusive and inclusive gateways may name one outgoing flow as their default:
 * it is taken only when no other flow's condition holds.
 */
export interface WithDefaultFlow {
  readonly defaultFlowId?: string;
}
