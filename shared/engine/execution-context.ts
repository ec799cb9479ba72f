import type { CompiledExpression } from '../expression/index.ts';
import type { Condition, ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from './environment.ts';
import type { EngineEvent } from './events.ts';
import type { ActivityInstanceState, ProcessInstanceState, Variables } from './state.ts';

/** Camunda's variable events, which conditional events can be narrowed to (camunda:variableEvents). */
export type VariableChange = 'create' | 'update' | 'delete';

/** Switches of Camunda's modification API that also apply to everything a request starts or ends. */
export interface RunOptions {
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  /** Deleting an instance leaves the instances its call activities called running (Camunda's skipSubprocesses). */
  skipSubprocesses?: boolean;
  /**
   * Whatever this operation cancels is cancelled from outside (a REST deletion or modification): an
   * instance a cancelled call activity called ends EXTERNALLY_TERMINATED, else INTERNALLY_TERMINATED.
   */
  externalCancellation?: boolean;
}

/**
 * What user code sees of a running operation, and all that listeners, I/O mappings, delegate
 * executions and expressions need: the model, the instance's identity, the variables seen from a
 * token, and the events log. It cannot move tokens; that is BehaviorContext's part.
 */
export interface ExecutionContext {
  readonly model: ProcessModel;
  /** The process instance's identity, as delegate executions report it. */
  readonly state: Readonly<Pick<ProcessInstanceState, 'id' | 'definitionId' | 'businessKey' | 'tenantId' | 'caller' | 'root'>>;
  readonly env: Pick<EngineEnvironment, 'newId' | 'registry' | 'decisions' | 'scripts'>;
  readonly options: Readonly<RunOptions>;
  /** What happened so far, in order; listeners and tasks append to it. */
  readonly events: EngineEvent[];

  /** The scope instance a token lives in; throws for the process instance itself. */
  parentOf(instance: ActivityInstanceState): ActivityInstanceState;
  evaluate(expression: CompiledExpression, instance: ActivityInstanceState): unknown;
  evaluateCondition(condition: Condition, instance: ActivityInstanceState): boolean;
  /** Nearest scope (this node, then its ancestors) holding the variable. */
  variableOwner(instance: ActivityInstanceState, name: string): ActivityInstanceState | undefined;
  getVariable(instance: ActivityInstanceState, name: string): unknown;
  /** Camunda scoping: update the nearest scope that has the name, else create it on the process instance. */
  setVariable(instance: ActivityInstanceState, name: string, value: unknown): void;
  setVariableLocal(instance: ActivityInstanceState, name: string, value: unknown): void;
  /** Removes the variable from the nearest scope holding it. */
  removeVariable(instance: ActivityInstanceState, name: string): void;
  /** A variable of `scope` was created, updated or deleted: conditional events below the scope re-evaluate. */
  variableChanged(scope: ActivityInstanceState, name: string, change: VariableChange): void;
  /** Variables visible from a node: nearer scopes shadow outer ones. */
  visibleVariables(instance: ActivityInstanceState): Variables;
}
