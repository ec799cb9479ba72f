import type { ProcessModel } from '../bpmn/model.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, ProcessInstanceState } from '../engine/state.ts';
import { type IndexLayout, shardKey, shardOf } from './index-layout.ts';
import { keys, timeKey } from './keys.ts';

/** The index partition of each subscription type: messages and signals are found by name. */
const SUBSCRIPTION_INDEX = { message: 'MSG', signal: 'SIG', conditional: 'COND', compensate: 'COMP' } as const;

/** A DynamoDB item as a plain object. */
export type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * The query items derived from an instance's state: one per task, external task, job, message
 * subscription and incident. They are written in the same transaction as the state, so queries never
 * see a task the stored instance does not have. Pure: the diff against the previous state's items
 * decides what to put and delete.
 */
export function projectQueryItems(state: ProcessInstanceState, model: ProcessModel, layout: IndexLayout): Item[] {
  if (state.status !== 'ACTIVE') return [];
  const items: Item[] = [];
  const project = nodeProjector(state, model, layout, items);
  const visit = (node: ActivityInstanceState) => {
    project(node);
    for (const child of node.children ?? []) visit(child);
  };
  visit(state.root);
  return items;
}

/** Pushes the items of one activity-instance node (not of its children) onto `items`. */
function nodeProjector(state: ProcessInstanceState, model: ProcessModel, layout: IndexLayout, items: Item[]): (node: ActivityInstanceState) => void {
  // Every item is one object literal with all its properties spelled out: built from spreads of the
  // key and the shared fields, V8 makes these 20-property objects about 80 times slower (25 ms
  // instead of 0.3 ms for 1,000 tasks, on every write of the instance).
  const processInstanceId = state.id;
  const processDefinitionId = state.definitionId;
  const processDefinitionKey = state.definitionKey;
  const tenantId = state.tenantId ?? null;
  const gsi2pk = `PI#${state.id}`;
  const suspended = state.suspended === true;
  return (node: ActivityInstanceState) => {
    const definition = model.nodes.get(node.activityId);
    const executionId = executionIdOf(node, state.id);
    if (node.task) {
      const key = keys.task(node.task.id);
      const created = `${timeKey(node.task.created)}#${node.task.id}`;
      // One hash per item for all its sharded keys (at 1,000 tasks the item is built twice per write).
      const shard = shardOf(node.task.id, layout.shards);
      items.push({
        pk: key.pk,
        sk: key.sk,
        kind: 'task',
        processInstanceId,
        processDefinitionId,
        processDefinitionKey,
        tenantId,
        gsi2pk,
        id: node.task.id,
        name: node.task.name === undefined ? (definition?.name ?? null) : node.task.name,
        description: node.task.description ?? null,
        priority: node.task.priority ?? 50,
        due: node.task.due ?? null,
        followUp: node.task.followUp ?? null,
        assignee: node.task.assignee ?? null,
        owner: node.task.owner ?? null,
        lastUpdated: node.task.lastUpdated ?? null,
        formKey: node.task.formKey ?? null,
        camundaFormRef: node.task.camundaFormRef ?? null,
        delegationState: node.task.delegationState ?? null,
        suspended,
        created: node.task.created,
        taskDefinitionKey: node.activityId,
        activityInstanceId: node.id,
        executionId,
        gsi1pk: `TASK@${shard}`,
        gsi1sk: created,
        gsi2sk: `TASK#${node.task.id}`,
        gsi3pk: node.task.assignee ? `TASK#ASSIGNEE#${node.task.assignee}@${shard}` : undefined,
        gsi3sk: node.task.assignee ? created : undefined,
        gsi4pk: `TASK#DEFKEY#${processDefinitionKey}@${shard}`,
        gsi4sk: created,
        candidateUsers: node.task.candidateUsers,
        candidateGroups: node.task.candidateGroups,
      });
      // One small lookup item per candidate: gsi3 finds a candidate's tasks (the task item has one assignee slot).
      for (const user of node.task.candidateUsers ?? []) items.push(candidateItem(node.task.id, 'USER', user, created, shard, processInstanceId, gsi2pk));
      for (const group of node.task.candidateGroups ?? []) items.push(candidateItem(node.task.id, 'GROUP', group, created, shard, processInstanceId, gsi2pk));
    }
    if (node.externalTask) {
      const t = node.externalTask;
      const key = keys.externalTask(t.id);
      items.push({
        pk: key.pk,
        sk: key.sk,
        kind: 'externalTask',
        processInstanceId,
        processDefinitionId,
        processDefinitionKey,
        tenantId,
        gsi2pk,
        id: t.id,
        topicName: t.topic,
        suspended,
        workerId: t.workerId ?? null,
        lockExpirationTime: t.lockExpiration ?? null,
        retries: t.retries ?? null,
        errorMessage: t.errorMessage ?? null,
        priority: t.priority,
        activityId: node.activityId,
        activityInstanceId: node.id,
        executionId,
        businessKey: state.businessKey ?? null,
        created: t.created,
        gsi4pk: shardKey('EXTTASK', t.id, layout),
        gsi4sk: `${timeKey(t.created)}#${t.id}`,
        gsi1pk: shardKey(`EXTTASK#${t.topic}`, t.id, layout),
        gsi1sk: `${timeKey(t.created)}#${t.id}`,
        gsi2sk: `EXTTASK#${t.id}`,
        // Only tasks with retries left, of an instance that is not suspended, can be fetched: the lock-free ones first (expiry 0), then by expiry.
        gsi3pk: t.retries === 0 || suspended ? undefined : shardKey(`EXTTASK#FETCHABLE#${t.topic}`, t.id, layout),
        gsi3sk: t.retries === 0 || suspended ? undefined : `${timeKey(t.workerId ? (t.lockExpiration ?? 0) : 0)}#${timeKey(t.created)}#${t.id}`,
      });
    }
    for (const job of node.jobs ?? []) {
      const due = job.dueDate ?? job.created;
      const key = keys.job(job.id);
      items.push({
        pk: key.pk,
        sk: key.sk,
        kind: 'job',
        processInstanceId,
        processDefinitionId,
        processDefinitionKey,
        tenantId,
        gsi2pk,
        id: job.id,
        jobKind: job.kind,
        activityId: job.activityId,
        executionId,
        dueDate: job.dueDate ?? null,
        retries: job.retries,
        exceptionMessage: job.exceptionMessage ?? null,
        priority: job.priority ?? 0,
        suspended: job.suspended === true,
        created: job.created,
        gsi1pk: shardKey('JOB', job.id, layout),
        gsi1sk: `${timeKey(due)}#${job.id}`,
        gsi2sk: `JOB#${job.id}`,
      });
    }
    for (const subscription of node.subscriptions ?? []) {
      const key = keys.subscription(subscription.id);
      items.push({
        pk: key.pk,
        sk: key.sk,
        kind: 'subscription',
        processInstanceId,
        processDefinitionId,
        processDefinitionKey,
        tenantId,
        gsi2pk,
        id: subscription.id,
        eventType: subscription.eventType,
        eventName: subscription.eventName,
        activityId: subscription.activityId,
        executionId,
        created: subscription.created,
        gsi4pk: shardKey('SUB', subscription.id, layout),
        gsi4sk: `${timeKey(subscription.created)}#${subscription.id}`,
        gsi1pk: shardKey(`${SUBSCRIPTION_INDEX[subscription.eventType]}#${subscription.eventName}`, subscription.id, layout),
        gsi1sk: `${timeKey(subscription.created)}#${subscription.id}`,
        gsi2sk: `SUB#${subscription.id}`,
      });
    }
    for (const incident of node.incidents ?? []) {
      const key = keys.incident(incident.id);
      items.push({
        pk: key.pk,
        sk: key.sk,
        kind: 'incident',
        processInstanceId,
        processDefinitionId,
        processDefinitionKey,
        tenantId,
        gsi2pk,
        id: incident.id,
        incidentType: incident.type,
        activityId: incident.activityId,
        incidentMessage: incident.message ?? null,
        // A call activity's incident stands for its called instance's: Camunda gives it no configuration.
        configuration: incident.causeIncidentId ? null : (incident.configuration ?? null),
        causeIncidentId: incident.causeIncidentId ?? null,
        rootCauseIncidentId: incident.rootCauseIncidentId ?? null,
        annotation: incident.annotation ?? null,
        executionId,
        created: incident.created,
        gsi1pk: shardKey('INCIDENT', incident.id, layout),
        gsi1sk: `${timeKey(incident.created)}#${incident.id}`,
        gsi2sk: `INCIDENT#${incident.id}`,
        gsi3pk: shardKey(`INCIDENT#TYPE#${incident.type}`, incident.id, layout),
        gsi3sk: `${timeKey(incident.created)}#${incident.id}`,
      });
    }
  };
}

/**
 * The item changes between two states of one instance, projecting only the nodes whose item
 * sources changed: a node's items follow from its id, activity, transition, task, external task,
 * jobs, subscriptions and incidents, plus the instance's own fields (suspension too) and the model. The same result
 * as diffing both full projections (test/unit/store-projections.test.ts checks that), which at
 * 1,000 tokens cost about 2 ms per write for the few items a command changes.
 */
export function diffInstanceItems(before: ProcessInstanceState, after: ProcessInstanceState, model: ProcessModel, layout: IndexLayout): ItemChanges {
  const sameInstance =
    before.status === 'ACTIVE' &&
    after.status === 'ACTIVE' &&
    before.id === after.id &&
    before.definitionId === after.definitionId &&
    before.definitionKey === after.definitionKey &&
    before.tenantId === after.tenantId &&
    before.businessKey === after.businessKey &&
    // Every task and external task item shows the instance's suspension.
    Boolean(before.suspended) === Boolean(after.suspended);
  if (!sameInstance) return diffItems(projectQueryItems(before, model, layout), projectQueryItems(after, model, layout));
  const previous = new Map<string, ActivityInstanceState>();
  const collect = (node: ActivityInstanceState) => {
    previous.set(node.id, node);
    for (const child of node.children ?? []) collect(child);
  };
  collect(before.root);
  const oldItems: Item[] = [];
  const newItems: Item[] = [];
  const projectOld = nodeProjector(before, model, layout, oldItems);
  const projectNew = nodeProjector(after, model, layout, newItems);
  const visit = (node: ActivityInstanceState) => {
    const counterpart = previous.get(node.id);
    if (counterpart === undefined || !sameItemSources(counterpart, node)) {
      projectNew(node);
      if (counterpart !== undefined) projectOld(counterpart);
    }
    previous.delete(node.id);
    for (const child of node.children ?? []) visit(child);
  };
  visit(after.root);
  for (const removed of previous.values()) projectOld(removed);
  return diffItems(oldItems, newItems);
}

function sameItemSources(a: ActivityInstanceState, b: ActivityInstanceState): boolean {
  return (
    a.activityId === b.activityId &&
    a.transition === b.transition &&
    sameJson(a.task, b.task) &&
    sameJson(a.externalTask, b.externalTask) &&
    sameJson(a.jobs, b.jobs) &&
    sameJson(a.subscriptions, b.subscriptions) &&
    sameJson(a.incidents, b.incidents)
  );
}

/** Deep equality of JSON values (what the state holds), with an absent property equal to an undefined one. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (!sameJson(x[key], y[key])) return false;
  for (const key in y) if (!(key in x) && y[key] !== undefined) return false;
  return true;
}

/** A task's candidate user or group, under gsi3 `TASK#CAND<USER|GROUP>#<id>@n` in the task's creation order. */
function candidateItem(taskId: string, type: 'USER' | 'GROUP', candidate: string, created: string, shard: number, processInstanceId: string, gsi2pk: string): Item {
  const pk = `TASKCAND#${taskId}#${type}#${candidate}`;
  return {
    pk,
    sk: 'TASKCAND',
    kind: 'taskCandidate',
    processInstanceId,
    taskId,
    gsi2pk,
    gsi2sk: pk,
    gsi3pk: `TASK#CAND${type}#${candidate}@${shard}`,
    gsi3sk: created,
  };
}

export interface ItemChanges {
  puts: Item[];
  deletes: { pk: string; sk: string }[];
}

/** What must be written to move the stored query items from `before` to `after` (unchanged ones skipped). */
export function diffItems(before: readonly Item[], after: readonly Item[]): ItemChanges {
  const old = new Map(before.map((item) => [item.pk, item]));
  const next = new Set(after.map((item) => item.pk));
  return {
    puts: after.filter((item) => {
      const previous = old.get(item.pk);
      return previous === undefined || !sameFlatItem(previous, item);
    }),
    deletes: before.filter((item) => !next.has(item.pk)).map(({ pk, sk }) => ({ pk, sk })),
  };
}

/**
 * Query items are flat (strings, numbers, booleans, null), so comparing them key by key is exact, and
 * several times cheaper than comparing their JSON (which counted for milliseconds at 1,000 tasks).
 * An undefined attribute is an absent one (the document client drops it): a projected task without
 * an assignee equals the stored one that has no assignee index keys.
 */
function sameFlatItem(a: Item, b: Item): boolean {
  let definedInA = 0;
  for (const key of Object.keys(a)) {
    const x = a[key];
    if (x === undefined) continue;
    definedInA++;
    const y = b[key];
    if (x === y) continue;
    // Not flat after all (a nested value): compare that value's JSON.
    if (typeof x !== 'object' || typeof y !== 'object' || JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  let definedInB = 0;
  for (const key of Object.keys(b)) if (b[key] !== undefined) definedInB++;
  return definedInA === definedInB;
}
