import { type Condition, defaultFlowOf, type FlowNode, type ProcessModel, type SequenceFlow } from '../bpmn/model.ts';
import { isScript } from '../bpmn/script-def.ts';
import { runScriptCondition } from './scripts.ts';
import { type CompiledExpression, evaluate, evaluateCondition } from '../expression/index.ts';
import type { BehaviorContext, EnterOptions, LeaveOptions } from './behavior-context.ts';
import { behaviorOf } from './behaviors/behavior-table.ts';
import { registerBoundaryEvents, registerEventSubProcesses } from './behaviors/event-registration.ts';
import { compensationHandlerCancelled, compensationHandlerEnded, subscribeCompensation } from './behaviors/compensation.ts';
import type { EngineEnvironment } from './environment.ts';
import { processEngineError } from './errors.ts';
import type { EngineEvent } from './events.ts';
import type { RunOptions, VariableChange } from './execution-context.ts';
import { dispatchVariableEvents, hasConditionalEvents, type VariableEvent } from './behaviors/conditional-events.ts';
import { createExpressionContext } from './execution-facade.ts';
import { fireExecutionListeners, runInputMappings, runOutputMappings } from './listeners.ts';
import { getOwn, hasOwn, setOwn } from './own-properties.ts';
import type { ActivityInstanceState, JobState, ProcessInstanceState, SubscriptionState, Variables } from './state.ts';
import { findSubscriptions } from './lookup.ts';
import { fireEvent } from './triggers.ts';
import { TreeIndex } from './tree-index.ts';
import { toTypedValue } from './typed-values.ts';

/** A unit of work on the agenda; `target` lets the inclusive join see tokens still in flight. */
interface AgendaItem {
  scope: ActivityInstanceState;
  targetActivityId: string;
  run: () => void;
  /** A notice (a compensation handler ended) is no token: it keeps no scope alive and joins nothing. */
  notice?: true;
}

/** Conditional events firing each other without end (a model error) stop the operation after this many firings. */
const MAX_CONDITIONAL_FIRINGS = 10_000;

/**
 * One engine operation in progress. It owns a private copy of the instance state, mutates it while
 * running tokens to their wait states through a FIFO agenda, and records what happened. Callers
 * discard the copy on failure, which is what makes every operation all-or-nothing.
 */
export class Runtime implements BehaviorContext {
  readonly tree: TreeIndex;
  readonly events: EngineEvent[] = [];
  options: RunOptions = { skipCustomListeners: false, skipIoMappings: false };
  /** During a modification the process instance survives being empty until the last instruction. */
  preserveRoot = false;
  /** Set when the root ran empty through an end event while preserved. */
  rootCompletedWhilePreserved = false;
  /** Set while the instance ends because its caller takes over what it threw, or deletes it. */
  endingForCaller = false;
  private readonly agenda: AgendaItem[] = [];
  /** Variable changes not yet shown to conditional events (only recorded when the model has any). */
  private readonly variableEvents: VariableEvent[] = [];
  private readonly conditionalEvents: boolean;
  private conditionalFirings = 0;

  constructor(
    readonly state: ProcessInstanceState,
    readonly model: ProcessModel,
    readonly env: EngineEnvironment,
  ) {
    this.tree = new TreeIndex(state.root);
    this.conditionalEvents = hasConditionalEvents(model);
  }

  // ---- model and tree lookups -------------------------------------------------------------------

  def(activityId: string): FlowNode {
    const node = this.model.nodes.get(activityId);
    if (!node) throw processEngineError(`ENGINE-13025 Activity '${activityId}' does not exist in process '${this.state.definitionId}'`);
    return node;
  }

  defOf(instance: ActivityInstanceState): FlowNode {
    return this.def(instance.activityId);
  }

  flow(flowId: string): SequenceFlow {
    const flow = this.model.flows.get(flowId);
    if (!flow) throw processEngineError(`Sequence flow '${flowId}' does not exist`);
    return flow;
  }

  parentOf(instance: ActivityInstanceState): ActivityInstanceState {
    const parent = this.tree.parentOf(instance);
    if (!parent) throw processEngineError(`Activity instance '${instance.id}' has no parent scope`);
    return parent;
  }

  fire(owner: ActivityInstanceState, catchingNode: FlowNode, firedJob?: JobState): void {
    fireEvent(this, owner, catchingNode, firedJob);
  }

  subscriptionsOf(eventType: SubscriptionState['eventType'], eventName: string): { owner: ActivityInstanceState; subscription: SubscriptionState }[] {
    return findSubscriptions(this.tree, eventName, eventType);
  }

  instanceById(id: string): ActivityInstanceState | undefined {
    return this.tree.get(id);
  }

  instancesWhere(predicate: (instance: ActivityInstanceState) => boolean): ActivityInstanceState[] {
    return this.tree.all().filter(predicate);
  }

  createEventScopeInstance(scope: ActivityInstanceState, node: FlowNode, variables?: Variables): ActivityInstanceState {
    const instance: ActivityInstanceState = { id: this.newActivityInstanceId(node.id), activityId: node.id, eventScope: true };
    if (variables) instance.variables = { ...variables };
    this.tree.add(scope, instance);
    this.events.push({ type: 'activityStart', activityInstanceId: instance.id, activityId: node.id, parentActivityInstanceId: scope.id, time: this.now() });
    return instance;
  }

  removeInstance(instance: ActivityInstanceState): void {
    this.events.push({ type: 'activityEnd', activityInstanceId: instance.id, activityId: instance.activityId, canceled: false, time: this.now() });
    this.tree.remove(instance);
  }

  isAttached(instance: ActivityInstanceState): boolean {
    return this.tree.isAttached(instance);
  }

  get isEnded(): boolean {
    return this.state.status !== 'ACTIVE';
  }

  // ---- ids and clock ----------------------------------------------------------------------------

  now(): number {
    return this.env.now();
  }

  /** Camunda's activity instance id: `<activityId>:<id>`, or the bare id when that exceeds 64 chars. */
  newActivityInstanceId(activityId: string): string {
    const id = this.env.newId();
    const full = `${activityId}:${id}`;
    return full.length > 64 ? id : full;
  }

  newJob(kind: JobState['kind'], activityId: string, dueDate?: number): JobState {
    const job: JobState = { id: this.env.newId(), kind, activityId, retries: this.env.defaultRetries ?? 3, created: this.now() };
    if (dueDate !== undefined) job.dueDate = dueDate;
    return job;
  }

  // ---- agenda -----------------------------------------------------------------------------------

  schedule(scope: ActivityInstanceState, targetActivityId: string, run: () => void): void {
    this.agenda.push({ scope, targetActivityId, run });
  }

  /**
   * Runs every scheduled step until each token waits or ends; then the conditional events the
   * variable changes concern are evaluated, and whatever they start runs too.
   */
  runToWaitStates(): void {
    do {
      for (let item = this.agenda.shift(); item; item = this.agenda.shift()) {
        if (this.tree.isAttached(item.scope)) item.run();
      }
    } while (this.dispatchPendingVariableEvents());
  }

  /** Shows the recorded variable changes to the conditional events; false when there were none. */
  private dispatchPendingVariableEvents(): boolean {
    if (this.variableEvents.length === 0 || this.isEnded) return false;
    this.conditionalFirings += dispatchVariableEvents(this, this.variableEvents.splice(0));
    if (this.conditionalFirings > MAX_CONDITIONAL_FIRINGS) {
      throw processEngineError(`Conditional events kept firing each other (${MAX_CONDITIONAL_FIRINGS} times) in process instance '${this.state.id}'`);
    }
    return true;
  }

  /** Drops the tokens scheduled into `scope` but not yet arrived: something interrupted or ended the scope. */
  discardPending(scope: ActivityInstanceState): void {
    for (let i = this.agenda.length - 1; i >= 0; i--) if (this.agenda[i]!.scope === scope) this.agenda.splice(i, 1);
  }

  /** Tokens scheduled but not yet arrived, per scope: the inclusive join must wait for them. */
  pendingTargets(scope: ActivityInstanceState): string[] {
    return this.agenda.filter((item) => item.scope === scope && !item.notice).map((item) => item.targetActivityId);
  }

  // ---- expressions and variables ----------------------------------------------------------------

  evaluate(expression: CompiledExpression, instance: ActivityInstanceState): unknown {
    return evaluate(expression, createExpressionContext(this, instance));
  }

  evaluateCondition(condition: Condition, instance: ActivityInstanceState): boolean {
    if (isScript(condition)) return runScriptCondition(this, instance, condition);
    return evaluateCondition(condition, createExpressionContext(this, instance));
  }

  /** Nearest scope (this node, then its ancestors) holding the variable. */
  variableOwner(instance: ActivityInstanceState, name: string): ActivityInstanceState | undefined {
    for (const node of this.tree.ancestry(instance)) if (hasOwn(node.variables, name)) return node;
    return undefined;
  }

  getVariable(instance: ActivityInstanceState, name: string): unknown {
    return getOwn(this.variableOwner(instance, name)?.variables, name)?.value;
  }

  /** Camunda scoping: update the nearest scope that has the name, else create it on the process instance. */
  setVariable(instance: ActivityInstanceState, name: string, value: unknown): void {
    const owner = this.variableOwner(instance, name) ?? this.state.root;
    this.setVariableLocal(owner, name, value);
  }

  setVariableLocal(instance: ActivityInstanceState, name: string, value: unknown): void {
    const change = hasOwn(instance.variables, name) ? 'update' : 'create';
    if (!instance.variables) instance.variables = {};
    setOwn(instance.variables, name, toTypedValue(value));
    this.variableChanged(instance, name, change);
  }

  removeVariable(instance: ActivityInstanceState, name: string): void {
    const owner = this.variableOwner(instance, name);
    if (!owner?.variables) return;
    delete owner.variables[name];
    this.variableChanged(owner, name, 'delete');
  }

  variableChanged(scope: ActivityInstanceState, name: string, change: VariableChange): void {
    if (this.conditionalEvents) this.variableEvents.push({ scope, name, change });
  }

  /** Variables visible from a node: nearer scopes shadow outer ones. */
  visibleVariables(instance: ActivityInstanceState): Variables {
    const result: Variables = {};
    for (const node of this.tree.ancestry(instance)) {
      for (const [name, value] of Object.entries(node.variables ?? {})) if (!hasOwn(result, name)) setOwn(result, name, value);
    }
    return result;
  }

  // ---- entering and leaving activities ----------------------------------------------------------

  /** Creates a token for `definition` in `scope` and runs its behaviour (or parks it before an async job). */
  enter(scope: ActivityInstanceState, definition: FlowNode, options: EnterOptions = {}): ActivityInstanceState {
    if (definition.asyncBefore && !options.skipAsyncBefore) {
      const transition: ActivityInstanceState = { id: this.env.newId(), activityId: definition.id, transition: 'before' };
      if (options.localVariables) transition.variables = options.localVariables;
      if (options.compensationThrowerId) transition.compensationThrower = options.compensationThrowerId;
      transition.jobs = [this.newJob('async-before', definition.id)];
      this.tree.add(scope, transition);
      return transition;
    }
    const instance = this.createActivityInstance(scope, definition, options.localVariables);
    if (options.compensationThrowerId) instance.compensationThrower = options.compensationThrowerId;
    behaviorOf(definition).execute(this, instance, definition);
    return instance;
  }

  /**
   * Creates an activity instance with everything that belongs to its start — input mappings, start
   * listeners, boundary events, event sub-process triggers — but without running its behaviour.
   * Modification uses this directly to build missing parent scopes.
   */
  createActivityInstance(scope: ActivityInstanceState, definition: FlowNode, localVariables?: Variables): ActivityInstanceState {
    const instance: ActivityInstanceState = { id: this.newActivityInstanceId(definition.id), activityId: definition.id };
    if (localVariables) instance.variables = localVariables;
    this.tree.add(scope, instance);
    this.events.push({ type: 'activityStart', activityInstanceId: instance.id, activityId: definition.id, parentActivityInstanceId: scope.id, time: this.now() });
    if (!this.options.skipIoMappings) runInputMappings(this, instance, definition);
    fireExecutionListeners(this, instance, definition.listeners, 'start', definition.id);
    registerBoundaryEvents(this, instance, definition);
    if (definition.kind === 'subProcess' || definition.kind === 'eventSubProcess') registerEventSubProcesses(this, instance, definition);
    return instance;
  }

  /** Ends an activity instance normally: output mappings, end listeners, then removal. */
  endActivityInstance(instance: ActivityInstanceState, options: LeaveOptions = {}): void {
    const definition = this.defOf(instance);
    if (!this.options.skipIoMappings) runOutputMappings(this, instance, definition);
    fireExecutionListeners(this, instance, definition.listeners, 'end', definition.id);
    this.events.push({ type: 'activityEnd', activityInstanceId: instance.id, activityId: instance.activityId, canceled: false, time: this.now() });
    if (!options.failed) subscribeCompensation(this, instance, definition);
    this.tree.remove(instance);
    const thrower = instance.compensationThrower;
    if (thrower) this.agenda.push({ scope: this.state.root, targetActivityId: instance.activityId, run: () => compensationHandlerEnded(this, thrower), notice: true });
  }

  /** The token completed the activity: continue on `flows` (default: the implicit split of its outgoing flows). */
  leave(instance: ActivityInstanceState, flows?: readonly SequenceFlow[], options: LeaveOptions = {}): void {
    // Camunda dispatches variable changes before an activity leaves: its own conditional boundary
    // events see what it set, and the next activity does not see changes made before it existed.
    this.dispatchPendingVariableEvents();
    if (!this.tree.isAttached(instance)) return;
    const definition = this.defOf(instance);
    const scope = this.parentOf(instance);
    const chosen = flows ?? this.outgoingToTake(instance, definition);
    this.endActivityInstance(instance, options);
    if (definition.asyncAfter) {
      const transition: ActivityInstanceState = { id: this.env.newId(), activityId: definition.id, transition: 'after' };
      transition.jobs = [this.newJob('async-after', definition.id)];
      this.tree.add(scope, transition);
      return;
    }
    this.takeFlows(scope, definition, chosen, this.carriesExecution(definition) ? instance.variables : undefined);
  }

  /**
   * Whether an activity runs in its enclosing execution (Camunda's non-scope activities), so the
   * token's local variables travel on with it. Scopes (sub-processes, bodies, activities with I/O
   * mappings or boundary events, each inner instance of a body) own their variables and drop them
   * when they end.
   */
  private carriesExecution(definition: FlowNode): boolean {
    if (behaviorOf(definition).ownsVariables) return false;
    if (definition.inputs.length > 0 || definition.outputs.length > 0 || definition.boundaryEventIds.length > 0) return false;
    const scope = this.model.nodes.get(definition.scopeId);
    return !(scope && behaviorOf(scope).childrenOwnVariables);
  }

  /**
   * Continues after an activity on the given flows; with none, the token ends in its scope. A single
   * outgoing token keeps `tokenVariables` (Camunda's execution moves on with its local variables).
   */
  takeFlows(scope: ActivityInstanceState, source: FlowNode, flows: readonly SequenceFlow[], tokenVariables?: Variables): void {
    if (flows.length === 0) {
      this.tokenEnded(scope, source.id);
      return;
    }
    const carried = flows.length === 1 && tokenVariables && Object.keys(tokenVariables).length > 0 ? tokenVariables : undefined;
    for (const flow of flows) this.schedule(scope, flow.targetId, () => this.takeFlow(scope, flow, carried ? { localVariables: { ...carried } } : {}));
  }

  takeFlow(scope: ActivityInstanceState, flow: SequenceFlow, options: EnterOptions = {}): void {
    fireExecutionListeners(this, scope, flow.listeners, 'take', flow.id);
    this.enter(scope, this.def(flow.targetId), { ...options, viaFlowId: flow.id });
  }

  /**
   * Camunda's default outgoing behaviour for non-gateway activities: every flow without a condition
   * or with a true one; the default flow only when nothing else matched.
   */
  outgoingToTake(instance: ActivityInstanceState, definition: FlowNode): SequenceFlow[] {
    const flows = definition.outgoing.map((id) => this.flow(id));
    if (flows.length === 0) return [];
    const defaultFlowId = defaultFlowOf(definition);
    const chosen = flows.filter((f) => f.id !== defaultFlowId && (!f.condition || this.evaluateCondition(f.condition, instance)));
    if (chosen.length > 0) return chosen;
    if (defaultFlowId) return [this.flow(defaultFlowId)];
    // Camunda's BpmnActivityBehavior ends the execution when no conditional flow matches.
    return [];
  }

  /** A token ended inside `scope` (end event, or an activity with no outgoing flow). */
  tokenEnded(scope: ActivityInstanceState, _activityId: string): void {
    // An event scope instance ends when its compensation handlers are done, not when it runs empty
    // (also when it stands for a multi-instance body, whose own rules must not run for it).
    if (scope.eventScope) return;
    const definition = this.defOf(scope);
    const behavior = behaviorOf(definition);
    if (behavior.childEnded) {
      behavior.childEnded(this, scope, definition);
      return;
    }
    if (scope.children && scope.children.length > 0) return;
    // A token on its way into the scope (an event fired it during this step) keeps the scope alive.
    if (this.agenda.some((item) => item.scope === scope && !item.notice)) return;
    this.completeScope(scope);
  }

  /** A scope ran out of tokens: a sub-process leaves normally, the process instance completes. */
  completeScope(scope: ActivityInstanceState): void {
    if (scope === this.state.root) {
      if (this.preserveRoot) {
        this.rootCompletedWhilePreserved = true;
        return;
      }
      this.endProcessInstance('COMPLETED');
      return;
    }
    this.leave(scope);
  }

  endProcessInstance(status: 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED'): void {
    if (this.isEnded) return;
    this.agenda.length = 0;
    for (const child of [...(this.state.root.children ?? [])]) this.cancel(child);
    fireExecutionListeners(this, this.state.root, this.model.root.listeners, 'end', this.model.root.id);
    this.state.root.jobs = undefined;
    this.state.root.subscriptions = undefined;
    this.state.status = status;
    this.state.endTime = this.now();
    this.events.push({ type: 'processEnd', processInstanceId: this.state.id, time: this.now(), status });
    // Camunda's process end continues the caller (PvmAtomicOperationProcessEnd); a deletion cancels
    // the caller's call activity instead (unless the caller itself is cancelling it).
    const caller = this.state.caller;
    if (!caller || this.endingForCaller) return;
    if (status === 'COMPLETED') this.events.push({ type: 'calledInstanceEnded', caller, variables: { ...this.state.root.variables } });
    else {
      const { skipCustomListeners, skipIoMappings } = this.options;
      this.events.push({ type: 'calledInstanceDeleted', caller, skipCustomListeners, skipIoMappings, externallyTerminated: status === 'EXTERNALLY_TERMINATED' });
    }
  }

  endForCaller(): void {
    // Camunda deletes the called instance when the caller's handler cancels the call activity
    // (an interrupting event: the cancellation is internal).
    this.endingForCaller = true;
    this.endProcessInstance('INTERNALLY_TERMINATED');
  }

  // ---- cancellation -----------------------------------------------------------------------------

  /**
   * Cancels an instance and everything below it, innermost first: task delete listeners, output
   * mappings and end listeners (each unless skipped), then removal with its jobs and subscriptions.
   */
  cancel(instance: ActivityInstanceState): void {
    // Cancelling one instance can cancel another first (a compensation handler takes its thrower along).
    if (!this.tree.isAttached(instance)) return;
    for (const child of [...(instance.children ?? [])].reverse()) this.cancel(child);
    if (instance === this.state.root) return;
    if (instance.transition || instance.eventScope) {
      this.tree.remove(instance);
      this.compensationCancelled(instance);
      return;
    }
    const definition = this.defOf(instance);
    behaviorOf(definition).cancel?.(this, instance, definition);
    if (!this.options.skipIoMappings) runOutputMappings(this, instance, definition);
    fireExecutionListeners(this, instance, definition.listeners, 'end', definition.id);
    this.events.push({ type: 'activityEnd', activityInstanceId: instance.id, activityId: instance.activityId, canceled: true, time: this.now() });
    this.tree.remove(instance);
    this.compensationCancelled(instance);
  }

  /** A cancelled compensation handler (or event scope) cancels the compensation it belongs to. */
  private compensationCancelled(instance: ActivityInstanceState): void {
    if (instance.compensationThrower) compensationHandlerCancelled(this, instance.compensationThrower);
  }
}
