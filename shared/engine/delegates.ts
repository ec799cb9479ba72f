/**
 * User code the engine calls: execution listeners, task listeners and service-task delegates.
 * Camunda resolves `camunda:class` by loading a Java class and `camunda:delegateExpression` through
 * beans; here both resolve through one registry of named TypeScript objects.
 */

/** What listeners and delegates see of the token they run for (Camunda's DelegateExecution). */
export interface DelegateExecution {
  readonly id: string;
  readonly processInstanceId: string;
  readonly processDefinitionId: string;
  readonly processBusinessKey: string | undefined;
  readonly activityInstanceId: string;
  readonly currentActivityId: string;
  readonly currentActivityName: string | undefined;
  /** The listener event: start, end or take (undefined for delegates). */
  readonly eventName: string | undefined;
  getVariable(name: string): unknown;
  getVariableLocal(name: string): unknown;
  hasVariable(name: string): boolean;
  getVariables(): Record<string, unknown>;
  setVariable(name: string, value: unknown): void;
  setVariableLocal(name: string, value: unknown): void;
  removeVariable(name: string): void;
}

/** What task listeners see (Camunda's DelegateTask). */
export interface DelegateTask {
  readonly id: string;
  readonly name: string | undefined;
  readonly taskDefinitionKey: string;
  readonly eventName: string;
  readonly assignee: string | undefined;
  readonly execution: DelegateExecution;
  setAssignee(assignee: string | undefined): void;
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
}

/**
 * Thrown by a delegate to raise a BPMN error (Camunda's org.camunda.bpm.engine.delegate.BpmnError):
 * the nearest error boundary event or error event sub-process catches it; uncaught, the token ends.
 */
export class BpmnError extends Error {
  override readonly name = 'BpmnError';
  constructor(
    readonly errorCode: string,
    message?: string,
  ) {
    super(message ?? '');
  }
}

export interface ExecutionListener {
  notify(execution: DelegateExecution): void;
}

export interface TaskListener {
  notify(task: DelegateTask): void;
}

export interface JavaDelegate {
  execute(execution: DelegateExecution): void;
}

/** What a called instance hands back: its variables, read-only (Camunda's VariableScope of the sub instance). */
export interface CalledInstanceVariables {
  getVariable(name: string): unknown;
  getVariables(): Record<string, unknown>;
}

/**
 * camunda:variableMappingClass / variableMappingDelegateExpression (Camunda's DelegateVariableMapping):
 * runs after the camunda:in / camunda:out mappings and may add to or change what they copied.
 */
export interface DelegateVariableMapping {
  /** `subVariables` are the called instance's start variables: set entries on it. */
  mapInputVariables(superExecution: DelegateExecution, subVariables: Record<string, unknown>): void;
  /** Sets variables on the call activity's execution from the ended called instance. */
  mapOutputVariables(superExecution: DelegateExecution, subInstance: CalledInstanceVariables): void;
}

/** A registered object may play any of the roles; the engine calls the method the role needs. */
export type Delegate = Partial<JavaDelegate> & Partial<DelegateVariableMapping> & { notify?(target: never): void };

export class DelegateRegistry {
  private readonly byName = new Map<string, Delegate>();

  /** Registers a delegate under a class name (camunda:class) or bean name (`${name}`). */
  register(name: string, delegate: Delegate): this {
    this.byName.set(name, delegate);
    return this;
  }

  get(name: string): Delegate | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}
