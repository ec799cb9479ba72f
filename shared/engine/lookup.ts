import { notFound } from './errors.ts';
import type { ActivityInstanceState, JobState, ProcessInstanceState, SubscriptionState } from './state.ts';
import type { TreeIndex } from './tree-index.ts';

export function findTaskOwner(tree: TreeIndex, taskId: string): ActivityInstanceState {
  const owner = tree.find((n) => n.task?.id === taskId);
  if (!owner) throw notFound(`Cannot find task with id ${taskId}: task is null`);
  return owner;
}

export function findExternalTaskOwner(tree: TreeIndex, externalTaskId: string): ActivityInstanceState {
  const owner = tree.find((n) => n.externalTask?.id === externalTaskId);
  if (!owner) throw notFound(`Cannot find external task with id ${externalTaskId}: externalTask is null`);
  return owner;
}

export function findJob(tree: TreeIndex, jobId: string): { owner: ActivityInstanceState; job: JobState } {
  for (const owner of tree.all()) {
    const job = owner.jobs?.find((j) => j.id === jobId);
    if (job) return { owner, job };
  }
  throw notFound(`No job found with id '${jobId}'`);
}

/** The subscriptions of one event type and name in an instance, in tree order. */
export function findSubscriptions(tree: TreeIndex, eventName: string, eventType: SubscriptionState['eventType'] = 'message'): { owner: ActivityInstanceState; subscription: SubscriptionState }[] {
  const found: { owner: ActivityInstanceState; subscription: SubscriptionState }[] = [];
  for (const owner of tree.all()) {
    for (const subscription of owner.subscriptions ?? []) {
      if (subscription.eventName === eventName && subscription.eventType === eventType) found.push({ owner, subscription });
    }
  }
  return found;
}

/** Every job of an instance with the node that owns it (for query items and the job executor). */
export function listJobs(state: ProcessInstanceState): { owner: ActivityInstanceState; job: JobState }[] {
  const result: { owner: ActivityInstanceState; job: JobState }[] = [];
  const visit = (node: ActivityInstanceState) => {
    for (const job of node.jobs ?? []) result.push({ owner: node, job });
    for (const child of node.children ?? []) visit(child);
  };
  visit(state.root);
  return result;
}
