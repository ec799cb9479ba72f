import { describe, expect, it } from 'vitest';
import { DelegateRegistry, EngineError, executeJob, setJobRetries } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { FAILING_DELEGATE, listenerLog, nthId, recordingListener, registryWithFailingDelegate } from './inline-models.ts';

/** The state without what a failed job attempt may change (the job's retries/exception and incidents). */
function withoutFailureBookkeeping(driver: InstanceDriver): unknown {
  const copy = structuredClone(driver.state);
  const visit = (node: typeof copy.root) => {
    delete node.incidents;
    for (const job of node.jobs ?? []) {
      delete (job as { retries?: number }).retries;
      delete job.exceptionMessage;
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(copy.root);
  return copy;
}

describe('async before', () => {
  it('parks the token before theTask as a transition instance with an async-before job (asyncBeforeOneTaskProcess)', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{~theTask}');
    expect(driver.tasks()).toEqual([]);
    const transitionId = driver.state.root.children![0]!.id;
    expect(driver.tree!.childTransitionInstances).toEqual([
      {
        id: transitionId,
        parentActivityInstanceId: driver.state.id,
        processInstanceId: driver.state.id,
        processDefinitionId: 'oneTaskProcess:1:def',
        activityId: 'theTask',
        activityName: 'my task',
        activityType: 'userTask',
        executionId: `${driver.state.id}.${transitionId}`,
        incidentIds: [],
        incidents: [],
        targetActivityId: 'theTask',
      },
    ]);
    expect(driver.jobs()).toEqual([{ id: expect.any(String), kind: 'async-before', activityId: 'theTask', retries: 3, created: driver.env.clock, ownerActivityId: 'theTask', ownerId: transitionId }]);
    expect(driver.jobs()[0]!.dueDate).toBeUndefined();
  });

  it('creates the task when the async-before job runs and removes the job', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml'));

    // when
    const result = driver.executeJob();

    // then
    expect(result.failure).toBeUndefined();
    expect(driver.shape).toBe('root{theTask}');
    expect(driver.tasks()).toHaveLength(1);
    expect(driver.jobs()).toEqual([]);
    expect(driver.tree!.childTransitionInstances).toEqual([]);
  });

  it('creates the boundary timer only when the async-before job started the scope task (asyncBeforeOneScopeTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeOneScopeTaskProcess.bpmn20.xml'));
    expect(driver.jobs().map((j) => j.kind)).toEqual(['async-before']);

    // when
    driver.env.clock += 1_000;
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{theTask}');
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'timer', activityId: 'boundaryTimer', ownerActivityId: 'theTask', dueDate: driver.env.clock + 3_600_000, retries: 3 })]);
  });

  it('arms the boundary timer of an async-before scope task in a sub-process only after its job ran (nestedParallelAsyncBeforeOneScopeTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneScopeTaskProcess.bpmn20.xml'));
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');
    expect(driver.jobs().map((j) => j.kind)).toEqual(['async-before']);

    // when
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask}}');
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'timer', activityId: 'boundaryTimer', ownerActivityId: 'innerTask' })]);
  });

  it('parks both concurrent inner tasks of nestedParallelAsyncBeforeConcurrentScopeTaskProcess as transition instances inside the sub-process', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeConcurrentScopeTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask1, ~innerTask2}}');
    const sub = driver.tree!.childActivityInstances.find((c) => c.activityId === 'subProcess')!;
    expect(sub.childTransitionInstances.map((t) => [t.activityId, t.parentActivityInstanceId])).toEqual([
      ['innerTask1', sub.id],
      ['innerTask2', sub.id],
    ]);
    expect(driver.jobs().map((j) => j.activityId)).toEqual(['innerTask1', 'innerTask2']);

    // when
    driver.executeJob(driver.jobs().find((j) => j.activityId === 'innerTask2')!.id);

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask2, ~innerTask1}}');
    expect(
      driver
        .jobs()
        .map((j) => `${j.kind}:${j.activityId}`)
        .sort(),
    ).toEqual(['async-before:innerTask1', 'timer:boundaryTimer2']);
  });

  it('runs input mappings and listeners of an async-before task only when its job runs', async () => {
    // given
    const { registry } = recordingListener();
    const model = await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcessIoAndListeners.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(registry));
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');
    expect(driver.nodes().some((n) => n.variables?.inputMappingExecuted)).toBe(false);

    // when
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask}}');
    expect(driver.instancesOf('innerTask')[0]!.variables).toEqual({ inputMappingExecuted: { type: 'Boolean', value: true } });

    // when
    driver.completeTask('innerTask');

    // then
    expect(listenerLog(driver.events)).toEqual(['innerTask:end']);
    expect(driver.variable('outputMappingExecuted')).toBe(true);
    expect(driver.variable('inputMappingExecuted')).toBeUndefined();
  });

  it('does not reach the async task of exclusiveGatewayAsyncTask when its condition is false', async () => {
    // when
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.exclusiveGatewayAsyncTask.bpmn20.xml'));

    // then
    expect(driver.shape).toBe('root{task1}');
    expect(driver.jobs()).toEqual([]);
  });

  it('starts testStartAfterAsync on its true branch without any job', async () => {
    // when
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationAsyncTest.testStartAfterAsync.bpmn20.xml'));

    // then
    expect(driver.shape).toBe('root{task1}');
    expect(driver.jobs()).toEqual([]);
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('gives new jobs the retries configured in the environment', async () => {
    // given
    const env = { ...testEnvironment(), defaultRetries: 5 };

    // when
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml'), env);

    // then
    expect(driver.jobs()[0]!.retries).toBe(5);
  });
});

describe('async after', () => {
  it('parks the token after theTask with an async-after job and completes the instance when it runs (asyncAfterOneTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncAfterOneTaskProcess.bpmn20.xml'));
    expect(driver.shape).toBe('root{theTask}');

    // when
    driver.completeTask('theTask');

    // then
    expect(driver.shape).toBe('root{~theTask}');
    expect(driver.tasks()).toEqual([]);
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'async-after', activityId: 'theTask', retries: 3 })]);
    expect(driver.tree!.childTransitionInstances[0]).toMatchObject({ activityId: 'theTask', targetActivityId: 'theTask', activityType: 'userTask' });
    expect(driver.state.status).toBe('ACTIVE');

    // when
    driver.executeJob();

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('continues synchronously when camunda:asyncAfter is false (syncAfterOneTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.syncAfterOneTaskProcess.bpmn20.xml'));

    // when
    driver.completeTask('theTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('parks the token after the inner task inside its sub-process (nestedParallelAsyncAfterOneTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncAfterOneTaskProcess.bpmn20.xml'));
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask}}');

    // when
    driver.completeTask('innerTask');

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');

    // when
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{outerTask}');
  });

  // Regression (found while writing this suite, fixed): camunda:asyncAfter on a none end event is ignored: the token ends at once instead of waiting as transition instance ~subProcessEnd with an async-after job
  it('parks the token after an asyncAfter end event inside its sub-process (nestedParallelAsyncAfterEndEventProcess)', async () => {
    // when
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncAfterEndEventProcess.bpmn20.xml'));

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~subProcessEnd}}');
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'async-after', activityId: 'subProcessEnd' })]);

    // when
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{outerTask}');
  });

  // Regression (found while writing this suite, fixed): camunda:asyncAfter on a none end event is ignored, so the sub-process end listener fires at start instead of when the async-after job runs
  it('fires the sub-process end listener only when the async-after job of its end event runs', async () => {
    // given
    const { registry } = recordingListener();
    const model = await loadModel('ProcessInstanceModificationAsyncTest.testCancelAsyncAfterTransitionInstanceInvokesParentListeners.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~subProcessEnd}}');
    expect(listenerLog(driver.events)).toEqual([]);

    // when
    driver.executeJob();

    // then
    expect(listenerLog(driver.events)).toEqual(['subProcess:end']);
    expect(driver.shape).toBe('root{outerTask}');
  });
});

describe('failing jobs', () => {
  it('decrements retries 3→2→1→0 keeping the exception message, and raises an incident at 0 (asyncBeforeFailingTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(
      await loadModel('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml'),
      testEnvironment(registryWithFailingDelegate('Expected exception.')),
    );
    driver.executeJob();
    expect(driver.shape).toBe('root{~task2}');
    const jobId = driver.jobs()[0]!.id;
    const stable = withoutFailureBookkeeping(driver);

    for (const expectedRetries of [2, 1, 0]) {
      // when
      const result = driver.executeJob(jobId);

      // then
      expect(result.failure?.message).toBe('Expected exception.');
      // The failed run's work is rolled back: its only event is the failure, with the retries the job had.
      expect(result.events).toEqual([{ type: 'jobFailed', jobId, retries: expectedRetries + 1, message: 'Expected exception.' }]);
      expect(driver.jobs()).toEqual([expect.objectContaining({ id: jobId, kind: 'async-before', activityId: 'task2', retries: expectedRetries, exceptionMessage: 'Expected exception.' })]);
      expect(driver.shape).toBe('root{~task2}');
      expect(withoutFailureBookkeeping(driver)).toEqual(stable);
      const transition = driver.tree!.childTransitionInstances[0]!;
      expect(transition.incidentIds).toHaveLength(expectedRetries === 0 ? 1 : 0);
    }

    // then
    const owner = driver.state.root.children![0]!;
    expect(owner.incidents).toEqual([{ id: expect.any(String), type: 'failedJob', activityId: 'task2', message: 'Expected exception.', configuration: jobId, created: driver.env.clock }]);
    const transition = driver.tree!.childTransitionInstances[0]!;
    expect(transition.incidents).toEqual([{ id: owner.incidents![0]!.id, activityId: 'task2' }]);
    expect(driver.tree!.incidentIds).toEqual([]);
  });

  it('resolves the incident when retries are set again, and completes once the delegate works', async () => {
    // given
    const registry = registryWithFailingDelegate();
    const model = await loadModel('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(registry));
    driver.executeJob();
    const jobId = driver.jobs()[0]!.id;
    for (let i = 0; i < 3; i++) driver.executeJob(jobId);
    expect(driver.state.root.children![0]!.incidents).toHaveLength(1);

    // when
    driver.state = setJobRetries(driver.state, jobId, 2, driver.env);

    // then
    expect(driver.state.root.children![0]!.incidents).toBeUndefined();
    expect(driver.jobs()[0]).toMatchObject({ id: jobId, retries: 2, exceptionMessage: 'Expected exception.' });
    expect(driver.tree!.childTransitionInstances[0]!.incidentIds).toEqual([]);

    // when
    registry.register(FAILING_DELEGATE, { execute() {} });
    const result = driver.executeJob(jobId);

    // then
    expect(result.failure).toBeUndefined();
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('keeps the token after task1 when the synchronous task2 fails inside the async-after job (asyncAfterFailingTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncAfterFailingTaskProcess.bpmn20.xml'), testEnvironment(registryWithFailingDelegate('task2 failed')));
    expect(driver.shape).toBe('root{~task1}');
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'async-after', activityId: 'task1' })]);

    // when
    for (let i = 0; i < 3; i++) driver.executeJob();

    // then
    expect(driver.shape).toBe('root{~task1}');
    expect(driver.jobs()).toEqual([expect.objectContaining({ kind: 'async-after', activityId: 'task1', retries: 0, exceptionMessage: 'task2 failed' })]);
    expect(driver.tree!.childTransitionInstances[0]!.incidents).toEqual([{ id: expect.any(String), activityId: 'task1' }]);
  });

  it('records the incident on the transition instance inside the sub-process (failingSubprocessWithAsyncBeforeTask)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.failingSubprocessWithAsyncBeforeTask.bpmn20.xml'), testEnvironment(registryWithFailingDelegate()));
    driver.completeTask('outerTask');
    expect(driver.shape).toBe('root{subProcess{~innerServiceTask}}');

    // when
    for (let i = 0; i < 3; i++) driver.executeJob();

    // then
    const sub = driver.tree!.childActivityInstances[0]!;
    expect(sub.incidentIds).toEqual([]);
    expect(sub.childTransitionInstances[0]).toMatchObject({ activityId: 'innerServiceTask', activityName: 'Service Task', activityType: 'serviceTask' });
    expect(sub.childTransitionInstances[0]!.incidents).toEqual([{ id: expect.any(String), activityId: 'innerServiceTask' }]);
    expect(driver.tree!.activityName).toBe('Failing SubProcess');
  });

  it('fails the job with ENGINE-09008 when the delegate class is not registered', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml'), testEnvironment(new DelegateRegistry()));
    driver.executeJob();

    // when
    const result = driver.executeJob();

    // then
    expect(result.failure?.message).toBe(`ENGINE-09008 Exception while instantiating class '${FAILING_DELEGATE}': no delegate is registered under that name`);
    expect(driver.jobs()[0]).toMatchObject({ retries: 2, exceptionMessage: result.failure?.message });
  });

  it('refuses negative retries with BadUserRequestException', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml'));

    // when
    let error: unknown;
    try {
      setJobRetries(driver.state, driver.jobs()[0]!.id, -1, driver.env);
    } catch (e) {
      error = e;
    }

    // then
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).type).toBe('BadUserRequestException');
    expect((error as EngineError).message).toBe("The number of job retries must be a non-negative Integer, but '-1' has been provided.");
  });

  // Regression (found while writing this suite, fixed): setting a job's retries to 0 via setJobRetries creates no incident; Camunda's JobEntity.setRetries creates a failedJob incident when retries go from >0 to 0
  it('creates a failedJob incident when retries are set to 0', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml'));
    const jobId = driver.jobs()[0]!.id;

    // when
    driver.state = setJobRetries(driver.state, jobId, 0, driver.env);

    // then
    expect(driver.state.root.children![0]!.incidents).toEqual([expect.objectContaining({ type: 'failedJob', configuration: jobId, activityId: 'theTask' })]);
  });

  it('refuses to execute a job of an ended instance', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.asyncAfterOneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model).completeTask('theTask');
    const jobId = driver.jobs()[0]!.id;
    driver.executeJob(jobId);

    // when
    const act = () => executeJob(driver.state, model, jobId, driver.env);

    // then
    expect(act).toThrow(`Process instance '${nthId(1)}' has ended (COMPLETED)`);
  });
});
