import { BatchWriteCommand, TransactWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { modifyProcessInstance } from '../../shared/engine/modification/modify.ts';
import { completeTask } from '../../shared/engine/operations.ts';
import { EngineService } from '../../shared/service/engine-service.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { InstanceRepository } from '../../shared/store/instance-repository.ts';
import { keys } from '../../shared/store/keys.ts';
import { allShards } from '../../shared/store/index-layout.ts';
import { IndexReader } from '../../shared/store/index-reader.ts';
import { type Item, projectQueryItems } from '../../shared/store/projections.ts';
import { bpmnXml, type TreeNode, treeNodes, treeShape } from '../e2e/inline-bpmn.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

const FAILING_DELEGATE = 'org.camunda.bpm.engine.test.api.runtime.FailingDelegate';

/** Every kind of query item at once: a user task with a timer, an external task, a message subscription and a failing job. */
const EVERYTHING_MODEL = bpmnXml(
  'everythingProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="approve"/>
   <userTask id="approve"/>
   <boundaryEvent id="reminder" attachedToRef="approve" cancelActivity="false"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
   <sequenceFlow id="f1r" sourceRef="reminder" targetRef="reminderEnd"/>
   <endEvent id="reminderEnd"/>
   <sequenceFlow id="f1e" sourceRef="approve" targetRef="endApprove"/>
   <endEvent id="endApprove"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="charge"/>
   <serviceTask id="charge" camunda:type="external" camunda:topic="charge"/>
   <sequenceFlow id="f2e" sourceRef="charge" targetRef="endCharge"/>
   <endEvent id="endCharge"/>
   <sequenceFlow id="f3" sourceRef="fork" targetRef="ping"/>
   <intermediateCatchEvent id="ping"><messageEventDefinition messageRef="pingMessage"/></intermediateCatchEvent>
   <sequenceFlow id="f3e" sourceRef="ping" targetRef="endPing"/>
   <endEvent id="endPing"/>
   <sequenceFlow id="f4" sourceRef="fork" targetRef="failing"/>
   <serviceTask id="failing" camunda:asyncBefore="true" camunda:class="${FAILING_DELEGATE}"/>
   <sequenceFlow id="f4e" sourceRef="failing" targetRef="endFailing"/>
   <endEvent id="endFailing"/>`,
  '<message id="pingMessage" name="ping"/>',
);

const MI_MODEL = bpmnXml(
  'manyTasksProcess',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="mi"/>
   <userTask id="mi"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>150</loopCardinality></multiInstanceLoopCharacteristics></userTask>
   <sequenceFlow id="f2" sourceRef="mi" targetRef="after"/>
   <userTask id="after"/>
   <sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
   <endEvent id="end"/>`,
);

const ITEM_PREFIXES = ['TASK#', 'EXTTASK#', 'JOB#', 'SUB#', 'INCIDENT#'];

function engineOf(runtime: LocalRuntime): EngineService {
  const r = runtime as unknown as { services?: { engine?: EngineService }; service?: EngineService };
  const engine = r.services?.engine ?? r.service;
  if (!engine) throw new Error('the runtime exposes no engine service');
  return engine;
}

const byPk = (items: Item[]) => [...items].sort((a, b) => a.pk.localeCompare(b.pk));

describe('query items in DynamoDB follow the stored instance state', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let engine: EngineService;
  let doc: DynamoDBDocumentClient;

  /**
   * Every query item of the table that belongs to the instance, found by a full scan (not through an
   * index). The history (activities, tasks, variables, decisions, the job log) also names the
   * instance; it is kept after the instance.
   */
  const HISTORY_KINDS = new Set(['historicActivity', 'historicTask', 'historicVariable', 'historicDetail', 'historicDecision', 'jobLog', 'historicIncident', 'identityLinkLog', 'externalTaskLog']);
  const scanItemsOf = async (id: string): Promise<Item[]> => {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({ TableName: runtime.resources.tableName, FilterExpression: 'processInstanceId = :id', ExpressionAttributeValues: { ':id': id }, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as Item[]).filter((item) => !HISTORY_KINDS.has(item.kind as string)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  /** Items the instance index (gsi2) lists for the instance. */
  const indexedItemsOf = async (id: string): Promise<Item[]> => (await Promise.all(ITEM_PREFIXES.map((prefix) => engine.deps.items.ofInstance(id, prefix)))).flat();

  /**
   * The items in the table are exactly the projection of the stored state: nothing stale, nothing
   * missing, every attribute current, in the table and in both indexes.
   */
  const expectItemsMatchState = async (id: string): Promise<Item[]> => {
    const loaded = await engine.load(id);
    const expected = loaded ? projectQueryItems(loaded.stored.state, loaded.model, { shards: runtime.config.indexShards }) : [];
    // Each item's own shard, and every shard of the kinds a stale item could be left in.
    const kinds = [...new Set([...expected.map((item) => item.gsi1pk as string), ...['TASK', 'JOB', 'INCIDENT'].flatMap((kind) => allShards(kind, { shards: runtime.config.indexShards }))])];
    const reader = new IndexReader(doc, runtime.resources.tableName);
    const [scanned, indexed, listed] = await Promise.all([
      scanItemsOf(id),
      indexedItemsOf(id),
      Promise.all(kinds.map((kind) => reader.all({ index: 'gsi1', partitions: [kind] }))).then((all) => all.flat().filter((item) => item.processInstanceId === id)),
    ]);
    expect(byPk(scanned)).toEqual(byPk(expected));
    expect(byPk(indexed)).toEqual(byPk(expected));
    expect(byPk(listed)).toEqual(byPk(expected));
    return expected;
  };
  const pksOfKind = (items: Item[], kind: string) => items.filter((item) => item.kind === kind).map((item) => item.pk);
  const tree = async (id: string) => (await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      registry: new DelegateRegistry().register(FAILING_DELEGATE, {
        execute() {
          throw new Error('always failing');
        },
      }),
    });
    api = restClient(runtime.url);
    engine = engineOf(runtime);
    doc = createDocumentClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: runtime.endpoint });
    const deployed = await api.deploy({ 'everything.bpmn': EVERYTHING_MODEL, 'many.bpmn': MI_MODEL });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  it('keeps task, job, external task, subscription and incident items exact through start, completion, correlation, locking, retries and modification', async () => {
    // given a started instance whose failing job has used up its retries
    const started = await api.post('/process-definition/key/everythingProcess/start', { businessKey: 'items-1' });
    const id = started.body.id as string;
    await eventually(async () => (await engine.deps.items.ofInstance(id, 'INCIDENT#')).length === 1, 45_000);

    // then
    let items = await expectItemsMatchState(id);
    expect(items.map((item) => item.kind).sort()).toEqual(['externalTask', 'incident', 'job', 'job', 'subscription', 'task']);
    expect(items.find((item) => item.kind === 'job' && item.activityId === 'failing')).toMatchObject({ retries: 0, exceptionMessage: 'always failing' });
    const [approveTask] = pksOfKind(items, 'task');
    const reminderJob = items.find((item) => item.kind === 'job' && item.activityId === 'reminder')!;

    // when the user task completes (its boundary timer goes with it)
    const [task] = (await api.get(`/task?processInstanceId=${id}`)).body;
    expect((await api.post(`/task/${task.id}/complete`, {})).status).toBe(204);

    // then
    items = await expectItemsMatchState(id);
    expect(items.map((item) => item.kind).sort()).toEqual(['externalTask', 'incident', 'job', 'subscription']);
    expect(await engine.deps.items.get({ pk: approveTask!, sk: 'TASK' })).toBeUndefined();
    expect(await engine.deps.items.getJob(reminderJob.id as string)).toBeUndefined();

    // when the message is correlated
    expect((await api.post('/message', { messageName: 'ping', processInstanceId: id })).status).toBe(204);

    // then
    items = await expectItemsMatchState(id);
    expect(items.map((item) => item.kind).sort()).toEqual(['externalTask', 'incident', 'job']);

    // when a worker locks the external task
    const locked = await api.post('/external-task/fetchAndLock', { workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'charge', lockDuration: 60_000 }] });
    expect(locked.body).toHaveLength(1);

    // then the item carries the lock
    items = await expectItemsMatchState(id);
    expect(items.find((item) => item.kind === 'externalTask')).toMatchObject({ workerId: 'w1' });

    // when the failed job gets a retry (and fails again in the background)
    const failedJob = items.find((item) => item.kind === 'job')!;
    const firstIncident = items.find((item) => item.kind === 'incident')!;
    expect((await api.put(`/job/${failedJob.id}/retries`, { retries: 1 })).status).toBe(204);
    await eventually(async () => {
      const incidents = await engine.deps.items.ofInstance(id, 'INCIDENT#');
      return incidents.length === 1 && incidents[0]!.id !== firstIncident.id;
    }, 45_000);

    // then the old incident item is gone and the new one is there
    items = await expectItemsMatchState(id);
    expect(await engine.deps.items.get(keys.incident(firstIncident.id as string))).toBeUndefined();
    expect(items.find((item) => item.kind === 'job')).toMatchObject({ id: failedJob.id, retries: 0 });

    // when a modification cancels the external task and starts the user task again
    const modified = await api.post(`/process-instance/${id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'charge' },
        { type: 'startBeforeActivity', activityId: 'approve' },
      ],
    });
    expect(modified.status).toBe(204);

    // then
    items = await expectItemsMatchState(id);
    expect(items.map((item) => item.kind).sort()).toEqual(['incident', 'job', 'job', 'task']);
    expect(treeShape(await tree(id))).toBe('root{approve, ~failing}');

    // when a modification cancels everything that is left
    const cancelled = await api.post(`/process-instance/${id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'approve' },
        { type: 'cancel', activityId: 'failing' },
      ],
    });
    expect(cancelled.status).toBe(204);

    // then no item of the instance is left anywhere
    expect(await expectItemsMatchState(id)).toEqual([]);
    expect(await scanItemsOf(id)).toEqual([]);
    expect((await api.get(`/history/process-instance/${id}`)).body.state).toBe('EXTERNALLY_TERMINATED');
  }, 150_000);

  it('writes and removes more than one transaction’s worth of items for a 150-fold multi-instance task', async () => {
    // when
    const started = await api.post('/process-definition/key/manyTasksProcess/start', {});
    const id = started.body.id as string;

    // then all 150 task items exist although they do not fit in one transaction with the instance
    let items = await expectItemsMatchState(id);
    expect(items).toHaveLength(150);
    expect((await api.get(`/task/count?processInstanceId=${id}`)).body).toEqual({ count: 150 });
    const firstGeneration = new Set(items.map((item) => item.pk));

    // when one task completes, only its item changes
    const [one] = (await api.get(`/task?processInstanceId=${id}&maxResults=1`)).body;
    expect((await api.post(`/task/${one.id}/complete`, {})).status).toBe(204);

    // then
    items = await expectItemsMatchState(id);
    expect(items).toHaveLength(149);

    // when a modification replaces the whole multi-instance body (149 deletes, 150 puts)
    const modified = await api.post(`/process-instance/${id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'mi#multiInstanceBody' },
        { type: 'startBeforeActivity', activityId: 'mi#multiInstanceBody' },
      ],
    });
    expect(modified.status, JSON.stringify(modified.body)).toBe(204);

    // then
    items = await expectItemsMatchState(id);
    expect(items).toHaveLength(150);
    expect(items.filter((item) => firstGeneration.has(item.pk))).toEqual([]);
    const shape = treeShape(await tree(id));
    expect(shape.startsWith('root{mi#multiInstanceBody{mi, mi,')).toBe(true);
    expect(treeNodes(await tree(id)).filter((n) => n.activityId === 'mi')).toHaveLength(150);

    // when the instance is cancelled at once
    expect((await api.delete(`/process-instance/${id}`)).status).toBe(204);

    // then all 150 items are gone
    expect(await expectItemsMatchState(id)).toEqual([]);
    expect(await scanItemsOf(id)).toEqual([]);
    expect((await api.get(`/task/count?processInstanceId=${id}`)).body).toEqual({ count: 0 });
  }, 120_000);

  // Regression (found while writing this suite, fixed): item changes beyond the first transaction (>99) are written by BatchWriteItem after the guarded transaction commits, so a writer that commits in between (here: completing a task whose item is still in the unwritten tail) has its delete overwritten and a stale task item stays behind
  it('leaves no stale item when another writer commits while the item tail of a large change is still being written', async () => {
    // given an instance with 150 tasks and a writer whose item tail (after the first transaction) is held back
    const id = (await api.post('/process-definition/key/manyTasksProcess/start', {})).body.id as string;
    let releaseTail: () => void = () => {};
    const tailHeld = new Promise<void>((resolve) => {
      releaseTail = resolve;
    });
    let tailReached: () => void = () => {};
    const tailStarted = new Promise<void>((resolve) => {
      tailReached = resolve;
    });
    const slowDoc = Object.create(doc) as DynamoDBDocumentClient;
    let transactions = 0;
    slowDoc.send = (async (command: unknown) => {
      // The first transaction commits the instance; every later write belongs to the item tail.
      if (command instanceof BatchWriteCommand || (command instanceof TransactWriteCommand && ++transactions > 1)) {
        tailReached();
        await tailHeld;
      }
      return doc.send(command as never);
    }) as never;
    const slowWriter = new EngineService({ ...engine.deps, instances: new InstanceRepository(slowDoc, runtime.resources.tableName, { shards: runtime.config.indexShards }) });

    // when the slow writer replaces the multi-instance body (its transaction commits, its tail waits)
    const replacing = slowWriter.update(
      id,
      (state, model) =>
        modifyProcessInstance(
          state,
          model,
          {
            instructions: [
              { type: 'cancel', activityId: 'mi#multiInstanceBody' },
              { type: 'startBeforeActivity', activityId: 'mi#multiInstanceBody' },
            ],
            externallyTerminated: true,
          },
          engine.env,
        ),
      () => new Error('missing'),
    );
    await tailStarted;
    // and another writer completes the newest task, whose item is still in the held-back tail
    const committed = (await engine.load(id))!.stored.state;
    const miBody = committed.root.children![0]!;
    const newestTask = miBody.children![miBody.children!.length - 1]!.task!.id;
    await engine.update(
      id,
      (state, model) => completeTask(state, model, newestTask, undefined, engine.env),
      () => new Error('missing'),
    );
    releaseTail();
    await replacing;

    // then
    expect(await engine.deps.items.getTask(newestTask)).toBeUndefined();
    await expectItemsMatchState(id);
    // The slow writer's history in its held-back tail is written all the same: the newest task's activity began.
    expect(await engine.deps.items.activityHistory(miBody.children![miBody.children!.length - 1]!.id)).toMatchObject({ activityId: 'mi' });
    // Its task history is the other writer's: completed, not overwritten by the older snapshot.
    expect(await engine.deps.taskHistory.get(newestTask)).toMatchObject({ taskState: 'Completed' });
  });
});
