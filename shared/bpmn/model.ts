import type { CompiledExpression } from '../expression/index.ts';
import type { Condition, ListenerDef, ScriptDef } from './element-parts.ts';
import type { FlowNode } from './flow-node.ts';
import type { SubProcessNode } from './scope-nodes.ts';

/**
 * The immutable process model the engine executes. It is derived once from BPMN XML
 * (see parse-bpmn.ts) and holds only plain data, so it can be cached per definition.
 */

export * from './element-parts.ts';
export * from './event-nodes.ts';
export * from './flow-node.ts';
export * from './flow-node-base.ts';
export * from './gateway-nodes.ts';
export * from './scope-nodes.ts';
export * from './task-nodes.ts';

/** A sequence flow between two nodes of one scope. */
export interface SequenceFlow {
  readonly id: string;
  readonly name?: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition?: Condition;
  readonly listeners: readonly ListenerDef[];
}

/** One executable process of a deployment. */
export interface ProcessModel {
  /** The process key (BPMN process id). */
  readonly id: string;
  readonly name?: string;
  readonly isExecutable: boolean;
  /** camunda:versionTag: call activities may call a definition by it. */
  readonly versionTag?: string;
  /** camunda:historyTimeToLive in days: shown with the definition (no history cleanup runs yet). */
  readonly historyTimeToLive?: number;
  /** camunda:taskPriority of the process: the default of its external tasks. */
  readonly taskPriority?: CompiledExpression;
  /** The process as a scope: its child flow nodes, event sub-processes and none start event. */
  readonly root: SubProcessNode;
  /**
   * Where `start` begins (Camunda's initial activity): the none or timer start event, or else the
   * only start event whatever its kind; undefined when the process has several event start events
   * and no none start event, so it can only be started by one of its events.
   */
  readonly initialStartEventId?: string;
  /** The process's message, timer, signal and conditional start events, in document order. */
  readonly eventStartEventIds: readonly string[];
  readonly nodes: ReadonlyMap<string, FlowNode>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
  /** The model's JavaScript scripts: running it needs the script sandbox and these scripts' resources. */
  readonly scripts: readonly ScriptDef[];
}

/** Id of the multi-instance body Camunda wraps around a looping activity. */
export function multiInstanceBodyId(activityId: string): string {
  return `${activityId}#multiInstanceBody`;
}
