import type { FlowNode, SequenceFlow } from '../bpmn/model.ts';
import type { ExecutionContext } from './execution-context.ts';
import type { ActivityInstanceState, JobState, SubscriptionState, Variables } from './state.ts';

/** How a token enters an activity. */
export interface EnterOptions {
  /** The async-before job of this token already ran: enter the activity now. */
  skipAsyncBefore?: boolean;
  /** Variables created local to the new activity (or transition) instance. */
  localVariables?: Variables;
  /** The sequence flow the token arrived on. */
  viaFlowId?: string;
  /** The token is a compensation handler: this throw or cancel end event waits for it. */
  compensationThrowerId?: string;
}

/** How a token leaves an activity. */
export interface LeaveOptions {
  /** It ends because of an uncaught BPMN error (Camunda's `end(true)`): it leaves nothing to compensate. */
  failed?: boolean;
}

/**
 * The operations behaviours are written against: look up the model, create jobs, and move tokens
 * (enter, leave, end, cancel). Runtime implements it; behaviours never see Runtime itself, so they
 * cannot reach into the agenda or the modification switches, and the engine has no import cycle.
 */
export interface BehaviorContext extends ExecutionContext {
  def(activityId: string): FlowNode;
  defOf(instance: ActivityInstanceState): FlowNode;
  flow(flowId: string): SequenceFlow;

  now(): number;
  newJob(kind: JobState['kind'], activityId: string, dueDate?: number): JobState;

  /** Queues a step on the agenda; `targetActivityId` is where it takes a token, for the inclusive join. */
  schedule(scope: ActivityInstanceState, targetActivityId: string, run: () => void): void;
  /** Tokens scheduled but not yet arrived in `scope`: the inclusive join must wait for them. */
  pendingTargets(scope: ActivityInstanceState): string[];
  /** Drops the tokens scheduled into `scope` but not yet arrived (the scope was interrupted or terminated). */
  discardPending(scope: ActivityInstanceState): void;

  /** Creates a token for `node` in `scope` and runs its behaviour (or parks it before an async job). */
  enter(scope: ActivityInstanceState, node: FlowNode, options?: EnterOptions): ActivityInstanceState;
  /** Creates an instance with everything that belongs to its start, without running its behaviour. */
  createActivityInstance(scope: ActivityInstanceState, node: FlowNode, localVariables?: Variables): ActivityInstanceState;
  /** The token completed its activity: continue on `flows` (default: the activity's outgoing flows). */
  leave(instance: ActivityInstanceState, flows?: readonly SequenceFlow[], options?: LeaveOptions): void;
  /** Ends an instance normally (output mappings, end listeners) without continuing. */
  endActivityInstance(instance: ActivityInstanceState, options?: LeaveOptions): void;
  /** Cancels an instance and everything below it. */
  cancel(instance: ActivityInstanceState): void;
  /**
   * A timer, message or signal this node armed fired for `owner`, the instance that armed it (its job
   * or subscription already removed): the node's behaviour continues.
   */
  fire(owner: ActivityInstanceState, catchingNode: FlowNode, firedJob?: JobState): void;
  /** The subscriptions of one event type and name in this instance, in tree order. */
  subscriptionsOf(eventType: SubscriptionState['eventType'], eventName: string): { owner: ActivityInstanceState; subscription: SubscriptionState }[];
  /** The attached instance with this id. */
  instanceById(id: string): ActivityInstanceState | undefined;
  /** The attached instances that satisfy `predicate`, in tree order. */
  instancesWhere(predicate: (instance: ActivityInstanceState) => boolean): ActivityInstanceState[];
  /** Brings a completed sub-process back as an event scope instance (compensation), without starting it. */
  createEventScopeInstance(scope: ActivityInstanceState, node: FlowNode, variables?: Variables): ActivityInstanceState;
  /** Removes an instance that has nothing to end (an event scope instance whose compensation is done). */
  removeInstance(instance: ActivityInstanceState): void;
  /** Whether the instance is still part of the tree (an interrupting event may have cancelled it meanwhile). */
  isAttached(instance: ActivityInstanceState): boolean;
  /**
   * The caller of this called instance caught what it threw and will cancel the call: the instance
   * ends here without continuing its caller.
   */
  endForCaller(): void;
  /** A token ended inside `scope`; the scope's behaviour decides what follows. */
  tokenEnded(scope: ActivityInstanceState, activityId: string): void;
}
