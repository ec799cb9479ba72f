/** Job definitions are per activity and job kind; their ids are derived so they are stable. */
export function jobDefinitionId(processDefinitionId: string, activityId: string, jobKind: string): string {
  return `${processDefinitionId}#${activityId}#${jobKind}`;
}
