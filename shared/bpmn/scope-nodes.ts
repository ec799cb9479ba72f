import type { MultiInstanceDef } from './element-parts.ts';
import type { FlowNodeBase, WithDefaultFlow } from './flow-node-base.ts';

/** What a scope holds: its child flow nodes and the event sub-processes directly inside it. */
export interface ScopeContents {
  /** The child flow nodes, start events and event sub-processes included. */
  readonly childIds: readonly string[];
  readonly eventSubProcessIds: readonly string[];
}

/** An embedded sub-process, or the process itself (the model's root, activityType processDefinition). */
export interface SubProcessNode extends FlowNodeBase, ScopeContents, WithDefaultFlow {
  readonly kind: 'subProcess';
  /**
   * The none start event that begins a normal instantiation. Every embedded sub-process has one (the
   * parser refuses it otherwise); the process may have only event start events (see ProcessModel).
   */
  readonly noneStartEventId?: string;
  /** A transaction sub-process (activityType `transaction`): cancel end events may end it. */
  readonly transaction?: true;
}

/** An event sub-process: started by its one message or timer start event while its scope lives. */
export interface EventSubProcessNode extends FlowNodeBase, ScopeContents, WithDefaultFlow {
  readonly kind: 'eventSubProcess';
  /** Its (message or timer) start event. */
  readonly triggerStartEventId: string;
  /** Does its trigger cancel the rest of the enclosing scope? (That of its start event.) */
  readonly interrupting: boolean;
}

/**
 * The multi-instance body `<id>#multiInstanceBody` Camunda wraps around a looping activity: it takes
 * the activity's place in its scope and runs the activity, its only child, once per instance.
 */
export interface MultiInstanceBodyNode extends FlowNodeBase {
  readonly kind: 'multiInstanceBody';
  /** The inner activity, as a one-element list like the other scopes' children. */
  readonly childIds: readonly string[];
  readonly innerActivityId: string;
  readonly multiInstance: MultiInstanceDef;
}

/** The scope nodes: their instances hold child tokens. */
export type ScopeNode = SubProcessNode | EventSubProcessNode | MultiInstanceBodyNode;
