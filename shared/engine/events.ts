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
  /**
   * A signal throw event broadcast a signal. Other instances and signal start events receive it after
   * this operation is stored, through a broadcast job written with it (shared/service/signal-broadcast.ts);
   * the thrower's own instance received it already, unless the throw is asynchronous.
   */
  | { type: 'signalThrown'; signalName: string; tenantId: string | null; processInstanceId: string; includeOwnInstance: boolean };
