import type { CompiledExpression } from '../expression/index.ts';
import type { ExpressionImplementation, Implementation, ListenerDef } from './element-parts.ts';
import type { ScriptDef } from './script-def.ts';
import type { FlowNodeBase, WithDefaultFlow } from './flow-node-base.ts';

/** A user task: waits for its task to be completed. */
export interface UserTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'userTask';
  readonly taskListeners: readonly ListenerDef[];
  readonly assignee?: CompiledExpression;
  /** `camunda:candidateUsers` / `camunda:candidateGroups`: one expression per comma-separated entry. */
  readonly candidateUsers?: readonly CompiledExpression[];
  readonly candidateGroups?: readonly CompiledExpression[];
  /** camunda:dueDate, camunda:followUpDate: a date, an ISO date text or an ISO duration from now. */
  readonly dueDate?: CompiledExpression;
  readonly followUpDate?: CompiledExpression;
  /** camunda:priority: a number (Camunda's default 50). */
  readonly priority?: CompiledExpression;
  /** The task's documentation: its description (Camunda's TaskDefinition#descriptionExpression). */
  readonly description?: CompiledExpression;
}

/** A task without behaviour (bpmn:task, bpmn:manualTask): the token passes straight through. */
export interface PassThroughTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'passThroughTask';
}

/**
 * A receive task: waits for its message; without a messageRef it is a plain wait state, which only
 * modification (or Camunda's execution signal) moves on.
 */
export interface ReceiveTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'receiveTask';
  readonly messageName?: string;
  readonly timer?: undefined;
  readonly signalName?: undefined;
  readonly conditional?: undefined;
}

/** A service-like task with camunda:type="external": waits for a worker of its topic. */
export interface ExternalTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'externalTask';
  readonly topic: string;
  /** camunda:taskPriority; without it the process's, else 0. */
  readonly taskPriority?: CompiledExpression;
}

/** A service-like task with camunda:expression: evaluates it, optionally into a variable. */
export interface ExpressionTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'expressionTask';
  readonly implementation: ExpressionImplementation;
  readonly resultVariable?: string;
}

/**
 * A script task (Camunda's ScriptTaskActivityBehavior): runs its script, sets a non-null result as
 * camunda:resultVariable, and leaves. A JUEL script is the expression it is.
 */
export interface ScriptTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'scriptTask';
  readonly script: ScriptDef | CompiledExpression;
  readonly resultVariable?: string;
}

/** A service-like task with camunda:class or camunda:delegateExpression: calls the delegate. */
export interface DelegateTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'delegateTask';
  readonly implementation: Implementation;
}

/** Which version of the decision a business-rule task evaluates (camunda:decisionRefBinding). */
export type DecisionBinding =
  | { readonly type: 'latest' }
  | { readonly type: 'deployment' }
  | { readonly type: 'version'; readonly version: number }
  | { readonly type: 'versionTag'; readonly versionTag: string };

/** How a decision's result becomes the result variable (camunda:mapDecisionResult). */
export type DecisionResultMapping = 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList';

/** A business-rule task with camunda:decisionRef: evaluates the DMN decision and leaves. */
export interface DecisionTaskNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'decisionTask';
  /** The decision's key. */
  readonly decisionRef: string;
  readonly binding: DecisionBinding;
  /** camunda:decisionRefTenantId; without it the process definition's tenant. */
  readonly tenantId?: string;
  readonly resultVariable?: string;
  readonly mapDecisionResult: DecisionResultMapping;
}

/** The task nodes. */
export type TaskNode = UserTaskNode | PassThroughTaskNode | ReceiveTaskNode | ExternalTaskNode | ExpressionTaskNode | ScriptTaskNode | DelegateTaskNode | DecisionTaskNode | CallActivityNode;

/**
 * One camunda:in or camunda:out of a call activity: every variable (`variables="all"`), one variable
 * by name (`source`), or an expression's value (`sourceExpression`), copied into `target`.
 * `local` reads (in) or writes (out) only the call activity's own variables.
 */
export type CallMapping =
  | { readonly type: 'all'; readonly local: boolean }
  | { readonly type: 'variable'; readonly source: string; readonly target: string; readonly local: boolean }
  | { readonly type: 'expression'; readonly expression: CompiledExpression; readonly target: string; readonly local: boolean };

/** Which version of the called process a call activity starts (camunda:calledElementBinding). */
export type CalledElementBinding =
  | { readonly type: 'latest' }
  | { readonly type: 'deployment' }
  | { readonly type: 'version'; readonly version: CompiledExpression }
  | { readonly type: 'versionTag'; readonly versionTag: CompiledExpression };

/** A call activity: starts an instance of another process and waits for it to end. */
export interface CallActivityNode extends FlowNodeBase, WithDefaultFlow {
  readonly kind: 'callActivity';
  /** The called process's key: a literal or an expression. */
  readonly calledElement: CompiledExpression;
  readonly binding: CalledElementBinding;
  /** camunda:calledElementTenantId; without it the called definition has the caller's tenant. */
  readonly tenantId?: CompiledExpression;
  readonly inMappings: readonly CallMapping[];
  readonly outMappings: readonly CallMapping[];
  /** camunda:in businessKey="…": the called instance's business key. */
  readonly businessKey?: CompiledExpression;
  /** camunda:variableMappingClass / variableMappingDelegateExpression: a delegate maps the variables both ways. */
  readonly variableMapping?: Implementation;
}
