import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type AppContext, appContext } from '../../shared/app/app-context.ts';
import { ResourceNotFound } from '../../shared/app/errors.ts';
import { completeExternalTask, fetchAndLock } from '../../shared/app/external-tasks.ts';
import { findExternalTasks } from '../../shared/app/external-task-queries.ts';
import { executeJob, getJob, queryJobs, setJobRetries } from '../../shared/app/jobs.ts';
import { correlateMessage } from '../../shared/app/messages.ts';
import { claimTask, completeTask, countTasks, getTask, queryTasks } from '../../shared/app/tasks.ts';
import { AuthContext, AuthorizationError } from '../../shared/auth/auth-context.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import { EngineError } from '../../shared/engine/errors.ts';
import { fourWaitStatesModel } from '../e2e/inline-bpmn.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';

/**
 * The authorization of the task, external task, message and job use cases, called directly (no
 * HTTP): each test gives a fresh user exactly the authorizations it names and calls a use case as
 * that user. Processes are deployed and started without authentication, as fixtures.
 */

const GRANT = 1;

/** start → fork → (user task | external task of `topic` | one-hour timer | message catch). */
const model = (key: string, topic: string, message: string) => fourWaitStatesModel(key, { topic, messageName: message, taskName: 'Approve' });

interface Fixture {
  key: string;
  topic: string;
  message: string;
  instanceIds: string[];
}

describe('the task, external task, message and job use cases (authorization, called directly)', () => {
  let runtime: LocalRuntime;
  let app: AppContext;
  let api: ReturnType<typeof restClient>;
  const anonymous = AuthContext.anonymous();

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    app = appContext(runtime.services);
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  /** A process of its own (key, topic, message name) with `count` running instances. */
  async function processWithInstances(count: number): Promise<Fixture> {
    const suffix = randomUUID().slice(0, 8);
    const fixture: Fixture = { key: `p${suffix}`, topic: `topic-${suffix}`, message: `message-${suffix}`, instanceIds: [] };
    expect((await api.deploy({ 'process.bpmn': model(fixture.key, fixture.topic, fixture.message) })).status).toBe(200);
    for (let i = 0; i < count; i++) {
      const started = await api.post(`/process-definition/key/${fixture.key}/start`, { businessKey: `bk-${i}` });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      fixture.instanceIds.push(started.body.id as string);
    }
    return fixture;
  }

  /** A new user holding exactly these grants, as the caller of a use case (as authentication builds it). */
  async function userWith(...grants: [ResourceName, string, ...string[]][]): Promise<AuthContext> {
    const identities = runtime.services.identities;
    const userId = `u-${randomUUID().slice(0, 8)}`;
    await identities.saveUser({ id: userId, firstName: null, lastName: null, email: null, passwordHash: hashPassword('pw') }, true);
    for (const [resource, resourceId, ...permissions] of grants) {
      await identities.saveAuthorization({ id: randomUUID(), type: GRANT, permissions, userId, groupId: null, resourceType: RESOURCE_TYPES[resource], resourceId });
    }
    return new AuthContext(await identities.identityOf(userId), identities);
  }

  const taskOf = async (instanceId: string) => (await queryTasks(app, anonymous, { processInstanceId: instanceId }))[0]!;

  it('refuses to complete a task without TASK_WORK or UPDATE on the task or their task-wide forms on its definition, and completes it with UPDATE_TASK', async () => {
    // given a task the user may only read
    const { key, instanceIds } = await processWithInstances(1);
    const task = await taskOf(instanceIds[0]!);
    const reader = await userWith(['Task', task.id as string, 'READ']);

    // when they complete it, then Camunda's AuthorizationException names both ways to be allowed
    const refused = await completeTask(app, reader, { taskId: task.id as string, variables: {} }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthorizationError);
    expect((refused as AuthorizationError).toDto().missingAuthorizations).toEqual([
      { permissionName: 'TASK_WORK', resourceName: 'Task', resourceId: task.id },
      { permissionName: 'TASK_WORK', resourceName: 'ProcessDefinition', resourceId: key },
      { permissionName: 'UPDATE', resourceName: 'Task', resourceId: task.id },
      { permissionName: 'UPDATE_TASK', resourceName: 'ProcessDefinition', resourceId: key },
    ]);
    expect(await taskOf(instanceIds[0]!)).toBeDefined();

    // when a user with READ_TASK and UPDATE_TASK on the definition completes it
    const worker = await userWith(['ProcessDefinition', key, 'READ_TASK', 'UPDATE_TASK']);
    await completeTask(app, worker, { taskId: task.id as string, variables: { approved: { type: 'Boolean', value: true } } });

    // then the task is gone
    expect(await queryTasks(app, anonymous, { processInstanceId: instanceIds[0] })).toEqual([]);
  });

  it('reports a task the caller may not read as missing, whatever they ask of it', async () => {
    // given a task and a user with no authorization at all
    const { instanceIds } = await processWithInstances(1);
    const task = await taskOf(instanceIds[0]!);
    const stranger = await userWith();

    // when they read, claim or complete it, then each answer is "not found" (not 403)
    await expect(getTask(app, stranger, { taskId: task.id as string })).rejects.toThrow(ResourceNotFound);
    await expect(claimTask(app, stranger, { taskId: task.id as string, userId: 'someone' })).rejects.toThrow(new ResourceNotFound(`No matching task with id ${task.id}`));
    await expect(completeTask(app, stranger, { taskId: task.id as string, variables: {} })).rejects.toThrow(
      new ResourceNotFound(`Cannot complete task ${task.id}: task with id ${task.id} does not exist`, 'RestException'),
    );
  });

  it('answers a task query with only the tasks the caller may read', async () => {
    // given two instances' tasks, and a user who may read the first task only
    const { key, instanceIds } = await processWithInstances(2);
    const first = await taskOf(instanceIds[0]!);
    const reader = await userWith(['Task', first.id as string, 'READ']);

    // when they query the tasks of the definition
    const tasks = await queryTasks(app, reader, { processDefinitionKey: key });

    // then they see the first task only, and the count agrees
    expect(tasks.map((t) => t.id)).toEqual([first.id]);
    expect(await countTasks(app, reader, { processDefinitionKey: key })).toBe(1);
    expect(await countTasks(app, anonymous, { processDefinitionKey: key })).toBe(2);
  });

  it('needs UPDATE on the process instance to set a job’s retries', async () => {
    // given an instance's timer job and a user who may only read the instance
    const { instanceIds } = await processWithInstances(1);
    const [job] = await queryJobs(app, anonymous, { processInstanceId: instanceIds[0] });
    if (job?.kind !== 'instance') throw new Error('expected the timer job of the instance');
    const jobId = job.item.id as string;
    const reader = await userWith(['ProcessInstance', instanceIds[0]!, 'READ']);

    // when they set its retries, then they are refused
    await expect(setJobRetries(app, reader, { jobId, retries: 5 })).rejects.toThrow(AuthorizationError);

    // when a user with READ and UPDATE on the instance sets them, then the job has them
    const updater = await userWith(['ProcessInstance', instanceIds[0]!, 'READ', 'UPDATE']);
    await setJobRetries(app, updater, { jobId, retries: 5 });
    const updated = await getJob(app, anonymous, { jobId });
    expect(updated.kind === 'instance' && updated.item.retries).toBe(5);
  });

  it('locks only the external tasks of instances the caller may read and update', async () => {
    // given two instances with a task of one topic; the worker may read and update the first instance, only read the second
    const { topic, instanceIds } = await processWithInstances(2);
    const [updatable, readOnly] = instanceIds as [string, string];
    const worker = await userWith(['ProcessInstance', updatable, 'READ', 'UPDATE'], ['ProcessInstance', readOnly, 'READ']);

    // when it fetches and locks tasks of the topic
    const locked = await fetchAndLock(app, worker, { workerId: 'w1', maxTasks: 10, topics: [{ topicName: topic, lockDuration: 60_000 }] });

    // then it holds the first instance's task only; the second's stays unlocked
    expect(locked.map(({ task }) => task.processInstanceId)).toEqual([updatable]);
    expect(locked[0]!.task.workerId).toBe('w1');
    const unlocked = await findExternalTasks(app, anonymous, { topicName: topic, notLocked: true });
    expect(unlocked.map((t) => t.processInstanceId)).toEqual([readOnly]);
  });

  it('correlates a message only to readable instances and then needs UPDATE on them', async () => {
    // given an instance waiting for a message
    const { message, instanceIds } = await processWithInstances(1);
    const correlation = { messageName: message, correlationKeys: {}, processVariables: {}, all: false };

    // when a user who may not read it correlates, then no execution matches
    const stranger = await userWith();
    await expect(correlateMessage(app, stranger, correlation)).rejects.toThrow(EngineError);

    // when a user who may only read it correlates, then they are refused
    const reader = await userWith(['ProcessInstance', instanceIds[0]!, 'READ']);
    await expect(correlateMessage(app, reader, correlation)).rejects.toThrow(AuthorizationError);

    // when a user who may read and update it correlates, then the message reaches it
    const updater = await userWith(['ProcessInstance', instanceIds[0]!, 'READ', 'UPDATE']);
    expect(await correlateMessage(app, updater, correlation)).toEqual(instanceIds.map((processInstanceId) => ({ resultType: 'Execution', processInstanceId })));
  });

  it('lets only a worker allowed to update the instance complete its locked external task', async () => {
    // given a task locked by worker w1, and a user who may only read its instance
    const { topic, instanceIds } = await processWithInstances(1);
    const [locked] = await fetchAndLock(app, anonymous, { workerId: 'w1', topics: [{ topicName: topic, lockDuration: 60_000 }] });
    const externalTaskId = locked!.task.id as string;
    const reader = await userWith(['ProcessInstance', instanceIds[0]!, 'READ']);
    const completion = { externalTaskId, workerId: 'w1', variables: {}, localVariables: {} };

    // when they complete it, then they are refused and the task is still there
    await expect(completeExternalTask(app, reader, completion)).rejects.toThrow(AuthorizationError);
    expect(await findExternalTasks(app, anonymous, { processInstanceId: instanceIds[0] })).toHaveLength(1);

    // when a user with UPDATE_INSTANCE on the definition (and READ on the instance) completes it, then it is gone
    const updater = await userWith(['ProcessInstance', instanceIds[0]!, 'READ'], ['ProcessDefinition', locked!.task.processDefinitionKey as string, 'UPDATE_INSTANCE']);
    await completeExternalTask(app, updater, completion);
    expect(await findExternalTasks(app, anonymous, { processInstanceId: instanceIds[0] })).toEqual([]);
  });

  it('needs UPDATE on the process instance to execute a job, and hides the job of an unreadable instance', async () => {
    // given an instance's timer job
    const { instanceIds } = await processWithInstances(1);
    const [job] = await queryJobs(app, anonymous, { processInstanceId: instanceIds[0] });
    if (job?.kind !== 'instance') throw new Error('expected the timer job of the instance');
    const jobId = job.item.id as string;

    // when a user without any authorization asks for it or executes it, then it does not exist for them
    const stranger = await userWith();
    expect(await queryJobs(app, stranger, { processInstanceId: instanceIds[0] })).toEqual([]);
    await expect(executeJob(app, stranger, { jobId })).rejects.toThrow(new ResourceNotFound(`Job with id ${jobId} does not exist`));

    // when a user who may only read the instance executes it, then they are refused
    const reader = await userWith(['ProcessInstance', instanceIds[0]!, 'READ']);
    await expect(executeJob(app, reader, { jobId })).rejects.toThrow(AuthorizationError);

    // when a user who may update the instance executes it, then the timer fires and the job is gone
    const updater = await userWith(['ProcessInstance', instanceIds[0]!, 'READ', 'UPDATE']);
    await executeJob(app, updater, { jobId });
    expect(await queryJobs(app, anonymous, { processInstanceId: instanceIds[0] })).toEqual([]);
  });
});
