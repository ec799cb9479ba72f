/**
 * A process instance's runtime state: plain JSON, owned by the engine, stored as one item.
 * The state IS the activity-instance tree (DESIGN.md "The core's model"): every token is a node,
 * scopes hold their children, and tasks, jobs, subscriptions and incidents hang off the node they
 * belong to, so cancelling a node removes everything it owns.
 */

export type VariableTypeName = 'String' | 'Integer' | 'Long' | 'Double' | 'Boolean' | 'Date' | 'Json' | 'Null' | 'Object' | 'Bytes' | 'File';

/** A File variable's value: its content (base64) and what Camunda's FileValue carries beside it. */
export interface FileContent {
  readonly data: string;
  readonly filename: string;
  readonly mimeType: string | null;
  readonly encoding: string | null;
}

/**
 * A typed variable value; Date values are ISO strings, Json values are parsed JSON, Bytes values
 * base64 strings, File values FileContent.
 */
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
  /** Timer cycles: milliseconds a cascading due date change added, which every later run keeps (Camunda's repeatOffset). */
  repeatOffset?: number;
  /** PUT /job/{id}/priority; absent: 0. */
  priority?: number;
  /** A suspended job is not executed (PUT /job/{id}/suspended, or its instance suspended). */
  suspended?: true;
}

export interface TaskState {
  id: string;
  created: number;
  assignee?: string;
  /** Evaluated once, when the task is created (Camunda's identity links of type candidate). */
  candidateUsers?: string[];
  candidateGroups?: string[];
  /** camunda:formKey, evaluated when the task is created. */
  formKey?: string;
  /** camunda:formRef (a Camunda Form), evaluated when the task is created. */
  camundaFormRef?: { key: string; binding: string; version: number | null };
  /** When the task was last changed (Camunda's triggerUpdateEvent: its taskState is then `Updated`). */
  lastUpdated?: number;
  /** Set by delegation: who gets the task back on resolve. */
  owner?: string;
  delegationState?: 'PENDING' | 'RESOLVED';
  /** Identity links of other types than candidate, assignee and owner (POST /task/{id}/identity-links). */
  identityLinks?: IdentityLinkState[];
  /** The task's local variables (Camunda's task is a variable scope of its own, apart from its execution). */
  variables?: Variables;
  /** Set from camunda:dueDate / camunda:followUpDate / camunda:priority / documentation at creation, or by PUT /task/{id}. */
  due?: number;
  followUp?: number;
  priority?: number;
  description?: string;
  /** PUT /task/{id} renamed it (null: cleared); absent: the activity's name. */
  name?: string | null;
}

export interface IdentityLinkState {
  userId?: string;
  groupId?: string;
  type: string;
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
  /** failedJob, failedExternalTask, or a client's own type (POST /execution/{id}/create-incident). */
  type: string;
  activityId: string;
  message?: string;
  /**
   * The failing job or external task id; for an incident a called instance caused, that instance's
   * incident id; a client's own value (absent when none) on an incident it created.
   */
  configuration?: string;
  created: number;
  /**
   * On a call activity: the incident of the called instance this one stands for (Camunda's cause
   * incident), and the incident at the bottom of the call hierarchy (root cause). Absent on an
   * incident of the instance's own job or external task, which is its own cause and root cause.
   */
  causeIncidentId?: string;
  rootCauseIncidentId?: string;
  /** A user's note on the incident (PUT /incident/{id}/annotation). */
  annotation?: string;
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
  /** On a call activity instance: the process instance it started and waits for. */
  calledInstanceId?: string;
}

/**
 * What the callers of a called instance catch, nearest first (shared/engine/behaviors/call-hierarchy.ts):
 * an error or escalation the called instance does not catch itself goes to its caller when one of
 * these matches, and interrupts the called instance when that handler interrupts.
 */
export interface CallerCatch {
  kind: 'error' | 'escalation';
  /** Absent: every error (or escalation). */
  code?: string;
  interrupting: boolean;
}

/** A called instance's link to the call activity instance that started it. */
export interface CallerState {
  processInstanceId: string;
  /** The call activity instance in the caller. */
  activityInstanceId: string;
  /** The top of the call hierarchy. */
  rootProcessInstanceId: string;
  /** How deep in the call hierarchy the called instance is: 1 when the root called it. */
  depth: number;
  catches: CallerCatch[];
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
  /** Present on an instance a call activity started. */
  caller?: CallerState;
  /** A suspended instance waits: its tasks, external tasks, jobs and events refuse or skip it. */
  suspended?: true;
  /** The process-instance scope: id = process instance id, activityId = process key. */
  root: ActivityInstanceState;
}
