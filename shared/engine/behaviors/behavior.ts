import type { FlowNode } from '../../bpmn/model.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { ActivityInstanceState, JobState, Variables } from '../state.ts';

/**
 * What one kind of flow node does at runtime. `execute` is all most kinds need; the optional
 * operations are there for the kinds that wait for events, hold child tokens or own a task.
 * Runtime, the event triggers and modification call these instead of testing for kinds.
 */
export interface Behavior<N extends FlowNode = FlowNode> {
  /**
   * Instances own their local variables, which end with them (Camunda's scope activities), so a
   * token leaving one does not carry its variables on. Sub-processes and bodies are such scopes.
   */
  readonly ownsVariables?: boolean;
  /** Every child of an instance owns its variables (each inner instance of a body keeps its loopCounter). */
  readonly childrenOwnVariables?: boolean;

  /** The instance exists (start listeners ran): continue at once, or wait for a trigger. */
  execute(ctx: BehaviorContext, instance: ActivityInstanceState, node: N): void;

  /**
   * A token inside this scope instance ended. Without this operation the scope completes once no
   * token is left, as sub-processes and the process do.
   */
  childEnded?(ctx: BehaviorContext, scope: ActivityInstanceState, node: N): void;

  /** The instance is being cancelled: undo what it owns, before its output mappings and end listeners run. */
  cancel?(ctx: BehaviorContext, instance: ActivityInstanceState, node: N): void;

  /**
   * A timer or message this event armed fired for `owner`, the instance that armed it. The job or
   * subscription is already removed; the behaviour re-arms it if the event keeps listening.
   */
  trigger?(ctx: BehaviorContext, owner: ActivityInstanceState, node: N, firedJob?: JobState): void;

  /**
   * Modification created this scope instance on the way to a target inside it: its normal start
   * (execute) does not run, so the scope sets up what its children rely on.
   */
  instantiatedByModification?(instance: ActivityInstanceState, node: N): void;

  /**
   * Modification starts a token directly inside this scope instance (created by the same instruction
   * when `scopeIsNew`). Returns the token's local variables; throws if the scope refuses the token.
   */
  childStartedByModification?(scope: ActivityInstanceState, node: N, scopeIsNew: boolean): Variables;

  /** Modification cancelled `child`, a direct child of this scope instance. */
  childCancelledByModification?(scope: ActivityInstanceState, node: N, child: ActivityInstanceState): void;
}
