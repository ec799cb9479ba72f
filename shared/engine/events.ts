/**
 * What happened during one engine operation, in order. The persistence layer turns these into
 * history rows; tests read them to check listener and lifecycle order.
 */
export type EngineEvent =
  | { type: 'processStart'; processInstanceId: string; time: number }
  | { type: 'processEnd'; processInstanceId: string; time: number; status: 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED' }
  | { type: 'activityStart'; activityInstanceId: string; activityId: string; parentActivityInstanceId: string; time: number }
  | { type: 'activityEnd'; activityInstanceId: string; activityId: string; canceled: boolean; time: number }
  | { type: 'taskCreate'; taskId: string; activityInstanceId: string; time: number }
  | { type: 'taskComplete'; taskId: string; time: number }
  | { type: 'taskDelete'; taskId: string; time: number }
  | { type: 'listener'; event: string; activityId: string; activityInstanceId: string };
