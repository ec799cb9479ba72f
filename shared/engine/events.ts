import type { DecisionEvaluation } from './environment.ts';
import type { CallerState, Variables } from './state.ts';

/**
 * What happened during one engine operation, in order. Tests read them to check listener and
 * lifecycle order. Nothing persists them yet: the stored history (historic process instances,
 * batches) is derived from the states before and after a change (shared/store/history-items.ts).
 */
export type EngineEvent =
  | { type: 'processStart'; processInstanceId: string; time: number }
  | { type: 'processEnd'; processInstanceId: string; time: number; status: 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED' }
  | { type: 'activityStart'; activityInstanceId: string; activityId: string; parentActivityInstanceId: string; time: number }
  | { type: 'activityEnd'; activityInstanceId: string; activityId: string; canceled: boolean; time: number }
  | { type: 'taskCreate'; taskId: string; activityInstanceId: string; time: number }
  | { type: 'taskComplete'; taskId: string; time: number }
  | { type: 'taskDelete'; taskId: string; time: number }
  | { type: 'listener'; event: string; activityId: string; activityInstanceId: string }
  /** A job ran to its end (the job log's success entry). */
  | { type: 'jobExecuted'; jobId: string }
  /** A job's run failed and was rolled back; `retries` are those it had before (Camunda's failure log entry). */
  | { type: 'jobFailed'; jobId: string; retries: number; message: string }
  /** A worker reported an external task's failure (the external task log's failure entry). */
  | { type: 'externalTaskFailed'; externalTaskId: string }
  /**
   * A business-rule task evaluated a decision: each evaluated decision (the decision itself first,
   * then those it requires) with the id its historic decision instance gets.
   */
  | { type: 'decisionEvaluated'; activityId: string; activityInstanceId: string; time: number; decisions: readonly (DecisionEvaluation & { readonly id: string })[] }
  /**
   * A signal throw event broadcast a signal. Other instances and signal start events receive it after
   * this operation is stored, through a broadcast job written with it (shared/service/signal-broadcast.ts);
   * the thrower's own instance received it already, unless the throw is asynchronous.
   */
  | { type: 'signalThrown'; signalName: string; tenantId: string | null; processInstanceId: string; includeOwnInstance: boolean }
  /**
   * A call activity started another process instance. The engine only decides its id, variables and
   * target; the service resolves the definition, starts the instance and links both
   * (shared/service/call-hand-over.ts), through a hand-over written with this operation.
   */
  | { type: 'callStarted'; calledInstanceId: string; callActivityInstanceId: string; activityId: string; target: CallTarget; variables: Variables; businessKey?: string; caller: CallerState }
  /** The caller was deleted with skipSubprocesses: the instance it called runs on, no longer called. */
  | { type: 'calledInstanceDetached'; calledInstanceId: string }
  /** A call activity instance was cancelled: the instance it called is deleted too (unless skipped). */
  | { type: 'calledInstanceCancelled'; calledInstanceId: string; skipCustomListeners: boolean; skipIoMappings: boolean; externallyTerminated: boolean }
  /**
   * This called instance was deleted (or a modification cancelled all of it): its caller's call
   * activity instance is cancelled too (Camunda's AbstractDeleteProcessInstanceCmd).
   */
  | { type: 'calledInstanceDeleted'; caller: CallerState; skipCustomListeners: boolean; skipIoMappings: boolean; externallyTerminated: boolean }
  /** This called instance completed: its caller continues with these variables (the root scope's). */
  | { type: 'calledInstanceEnded'; caller: CallerState; variables: Variables }
  /**
   * This called instance threw an error or escalation it does not catch itself. Camunda's propagation
   * walks on into the callers, passing each call activity's output variables (these, the root
   * scope's) whether or not a caller catches it; `caught` says whether one does.
   */
  | { type: 'thrownToCaller'; caller: CallerState; kind: 'error' | 'escalation'; code: string; message?: string; caught: boolean; interrupting: boolean; variables: Variables };

/** Which definition a call activity starts, as its attributes evaluated to. */
export interface CallTarget {
  key: string;
  binding: 'latest' | 'deployment' | 'version' | 'versionTag';
  version?: number;
  versionTag?: string;
  /** The called definition's tenant: null for none; absent means the caller's own tenant. */
  tenantId?: string | null;
}
