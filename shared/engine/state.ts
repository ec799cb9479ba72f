/**
 * A process instance's runtime state: plain JSON, owned by the engine, stored as one item.
 * The state IS the activity-instance tree (DESIGN.md "The core's model"): every token is a node,
 * scopes hold their children, and tasks, jobs, subscriptions and incidents hang off the node they
 * belong to, so cancelling a node removes everything it owns.
 */

export type VariableTypeName = 'String' | 'Integer' | 'Long' | 'Double' | 'Boolean' | 'Date' | 'Json' | 'Null' | 'Object';

/** A typed variable value; Date values are ISO strings, Json values are parsed JSON. */
export interface TypedValue {
  readonly type: VariableTypeName;
  readonly value: unknown;
}

export type Variables = Record<string, TypedValue>;

export interface JobState {
  id: string;
  /** `async-before` / `async-after`: continuation of a transition instance; `timer`: an event's timer. */
  kind: 'async-before' | 'async-after' | 'timer';
  /** The activity whose behaviour the job runs (for timers: the timer event). */
  activityId: string;
  /** Epoch milliseconds; absent means due now. */
  dueDate?: number;
  retries: number;
  exceptionMessage?: string;
  created: number;
  /** Timer cycles: what is left of `R<n>/<duration>` after this run, as an ISO repeat expression. */
  repeat?: string;
}

export interface TaskState {
  id: string;
  created: number;
  assignee?: string;
  /** Evaluated once, when the task is created (Camunda's identity links of type candidate). */
  candidateUsers?: string[];
  candidateGroups?: string[];
}

export interface ExternalTaskState {
  id: string;
  topic: string;
  created: number;
  workerId?: string;
  lockExpiration?: number;
  retries?: number;
  errorMessage?: string;
  errorDetails?: string;
  priority: number;
}

export interface SubscriptionState {
  id: string;
  eventType: 'message' | 'signal' | 'conditional' | 'compensate';
  eventName: string;
  /**
   * The catching activity: intermediate event, receive task, boundary event or event sub-process
   * start; for a compensation subscription, the completed activity to compensate.
   */
  activityId: string;
  created: number;
  /**
   * A completed sub-process's compensation (Camunda's event scope execution): its variables and the
   * compensation subscriptions of what completed inside it, compensated inside a new instance of it.
   */
  eventScope?: { variables?: Variables; subscriptions: SubscriptionState[] };
  /** The local variables a compensated inner instance of a loop ended with; its handler gets them. */
  variables?: Variables;
}

export interface IncidentState {
  id: string;
  type: 'failedJob' | 'failedExternalTask';
  activityId: string;
  message?: string;
  /** The failing job or external task id. */
  configuration: string;
  created: number;
}

export interface ActivityInstanceState {
  /** `<activityId>:<uuid>` for activity instances, a plain uuid for transition instances. */
  id: string;
  activityId: string;
  /** Present on transition instances: the token waits for an async continuation before/after the activity. */
  transition?: 'before' | 'after';
  children?: ActivityInstanceState[];
  variables?: Variables;
  task?: TaskState;
  externalTask?: ExternalTaskState;
  jobs?: JobState[];
  subscriptions?: SubscriptionState[];
  incidents?: IncidentState[];
  /** Compensation: the instance (a throw or cancel end event) waiting for this handler to finish. */
  compensationThrower?: string;
  /** Compensation: how many handlers this throw or cancel end event still waits for. */
  pendingCompensations?: number;
  /** A completed sub-process brought back to run the compensation of what completed inside it. */
  eventScope?: true;
}

export type ProcessInstanceStatus = 'ACTIVE' | 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED';

export interface ProcessInstanceState {
  id: string;
  definitionId: string;
  definitionKey: string;
  businessKey?: string;
  tenantId?: string;
  status: ProcessInstanceStatus;
  startTime: number;
  endTime?: number;
  /** The start event, when an event started the instance elsewhere than at the initial start event. */
  startActivityId?: string;
  /** The process-instance scope: id = process instance id, activityId = process key. */
  root: ActivityInstanceState;
}
