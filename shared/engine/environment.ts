import type { DecisionResult, EvaluatedDecision } from '../dmn/evaluate.ts';
import type { DelegateRegistry } from './delegates.ts';
import type { ScriptRunner } from './script-runner.ts';
import type { Variables } from './state.ts';

/** The deployed decision definition an evaluated decision belongs to, as its history names it. */
export interface DecisionDefinitionRef {
  readonly id: string;
  readonly key: string;
  readonly name: string | null;
  readonly decisionRequirementsDefinitionId: string | null;
  readonly decisionRequirementsDefinitionKey: string | null;
  readonly tenantId: string | null;
}

/** One evaluated decision (the decision itself or one it requires) with its definition. */
export interface DecisionEvaluation {
  readonly definition: DecisionDefinitionRef;
  readonly evaluated: EvaluatedDecision;
}

/** The decision a business-rule task evaluates, ready to evaluate (pure: its DMN resource is parsed). */
export interface ResolvedDecision {
  readonly key: string;
  /** The result, and every decision evaluated for it, the decision itself first. */
  evaluate(variables: Readonly<Variables>): { result: DecisionResult; evaluations: readonly DecisionEvaluation[] };
}

/**
 * The decisions of the business-rule tasks, resolved by the service before it runs an operation on
 * an instance of the definition (by key, binding and tenant): evaluation itself reads nothing.
 */
export interface DecisionResolver {
  /** The decision, the error Camunda gives when none is deployed, or undefined if it was never resolved. */
  decisionOf(definitionId: string, activityId: string): ResolvedDecision | Error | undefined;
}

/**
 * Everything impure the engine needs, injected: the clock, the id generator and the registry of
 * user-supplied listeners and delegates. The engine never reads Date.now() or crypto itself.
 */
export interface EngineEnvironment {
  /** Epoch milliseconds. */
  now(): number;
  /** A fresh unique id (a UUID in production). */
  newId(): string;
  registry: DelegateRegistry;
  /** Retries a new job or failing external task starts with (Camunda's default: 3). */
  defaultRetries?: number;
  /** The decisions business-rule tasks evaluate (absent: no process of this engine evaluates one). */
  decisions?: DecisionResolver;
  /** Runs the models' JavaScript scripts (absent: no process of this engine has one). */
  scripts?: ScriptRunner;
}
