/**
 * Reference §6 scenarios S25–S37 (+ S36 which needs unsupported elements, and S39; S38 is end to end): multi-instance,
 * async continuations and transition instances, end events, intermediate timers, parallel joins.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityInstanceState } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { expectModificationError, inlineModel, jobRows, model, modify, taskIds } from './helpers.ts';

const BODY = 'miTasks#multiInstanceBody';
const int = (value: number) => ({ type: 'Integer', value });

const only = (driver: InstanceDriver, activityId: string) => {
  const found = driver.instancesOf(activityId);
  expect(found, `one instance of ${activityId} in ${driver.shape}`).toHaveLength(1);
  return found[0]!;
};

const counters = (body: ActivityInstanceState) => ({
  nrOfInstances: body.variables?.nrOfInstances?.value,
  nrOfActiveInstances: body.variables?.nrOfActiveInstances?.value,
  nrOfCompletedInstances: body.variables?.nrOfCompletedInstances?.value,
});

const loopCounters = (driver: InstanceDriver, activityId: string) =>
  driver
    .instancesOf(activityId)
    .map((n) => n.variables?.loopCounter?.value)
    .sort();

function completeAll(driver: InstanceDriver, activityId: string): void {
  while (driver.tasks().some((t) => t.activityId === activityId)) driver.completeTask(activityId);
}

async function inMultiInstance(name: 'parallelTasks' | 'sequentialTasks'): Promise<InstanceDriver> {
  const driver = InstanceDriver.start(await model(name), testEnvironment());
  expect(driver.shape).toBe('root{beforeTask}');
  driver.completeTask('beforeTask');
  return driver;
}

describe('S25 parallel MI body restart', () => {
  it('startBefore the body creates a second full body; 6 miTasks + 2 afterTask complete the instance', async () => {
    const driver = await inMultiInstance('parallelTasks');
    expect(driver.shape).toBe(`root{${BODY}{miTasks, miTasks, miTasks}}`);
    const firstBody = only(driver, BODY).id;
    modify(driver, [{ type: 'startBeforeActivity', activityId: BODY }]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks, miTasks, miTasks}, ${BODY}{miTasks, miTasks, miTasks}}`);
    const bodies = driver.instancesOf(BODY);
    expect(bodies.map((b) => b.id)).toContain(firstBody);
    for (const body of bodies) {
      expect(counters(body)).toEqual({ nrOfInstances: 3, nrOfActiveInstances: 3, nrOfCompletedInstances: 0 });
      expect((body.children ?? []).map((c) => c.variables?.loopCounter?.value).sort()).toEqual([0, 1, 2]);
    }
    const tree = driver.tree!;
    for (const body of tree.childActivityInstances) {
      expect(body).toMatchObject({ activityId: BODY, activityType: 'multiInstanceBody', parentActivityInstanceId: driver.state.id });
      expect(body.id).toMatch(/^miTasks#multiInstanceBody:/);
      expect(body.childActivityInstances.every((c) => c.parentActivityInstanceId === body.id && c.activityType === 'userTask')).toBe(true);
    }

    let completedMi = 0;
    while (driver.tasks().some((t) => t.activityId === 'miTasks')) {
      driver.completeTask('miTasks');
      completedMi += 1;
    }
    expect(completedMi).toBe(6);
    expect(driver.shape).toBe('root{afterTask, afterTask}');
    let completedAfter = 0;
    while (driver.state.status === 'ACTIVE') {
      driver.completeTask('afterTask');
      completedAfter += 1;
    }
    expect(completedAfter).toBe(2);
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S26 extra inner MI instance', () => {
  it('startBefore miTasks with ancestor = body adds a 4th instance with loopCounter 3', async () => {
    const driver = await inMultiInstance('parallelTasks');
    const body = only(driver, BODY);
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'miTasks', ancestorActivityInstanceId: body.id }]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks, miTasks, miTasks, miTasks}}`);
    expect(loopCounters(driver, 'miTasks')).toEqual([0, 1, 2, 3]);
    expect(counters(only(driver, BODY))).toEqual({ nrOfInstances: 4, nrOfActiveInstances: 4, nrOfCompletedInstances: 0 });
    for (let i = 0; i < 3; i++) driver.completeTask('miTasks');
    expect(driver.shape).toBe(`root{${BODY}{miTasks}}`);
    expect(counters(only(driver, BODY))).toEqual({ nrOfInstances: 4, nrOfActiveInstances: 1, nrOfCompletedInstances: 3 });
    driver.completeTask('miTasks');
    expect(driver.shape).toBe('root{afterTask}');
    driver.completeTask('afterTask');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('without ancestor the single body is reused', async () => {
    const driver = await inMultiInstance('parallelTasks');
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'miTasks' }]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks, miTasks, miTasks, miTasks}}`);
    expect(loopCounters(driver, 'miTasks')).toEqual([0, 1, 2, 3]);
  });

  it('subprocess variant: startBefore miSubProcess with ancestor = body adds a 4th sub-process instance', async () => {
    const driver = InstanceDriver.start(await model('parallelSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    const BODY_SP = 'miSubProcess#multiInstanceBody';
    const inner = 'miSubProcess{subProcessTask}';
    expect(driver.shape).toBe(`root{${BODY_SP}{${inner}, ${inner}, ${inner}}}`);
    const body = only(driver, BODY_SP);
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'miSubProcess', ancestorActivityInstanceId: body.id }]);
    expect(driver.shape).toBe(`root{${BODY_SP}{${inner}, ${inner}, ${inner}, ${inner}}}`);
    expect(loopCounters(driver, 'miSubProcess')).toEqual([0, 1, 2, 3]);
    expect(counters(only(driver, BODY_SP))).toEqual({ nrOfInstances: 4, nrOfActiveInstances: 4, nrOfCompletedInstances: 0 });
    completeAll(driver, 'subProcessTask');
    expect(driver.shape).toBe('root{afterTask}');
  });

  // Regression (found while writing this suite, fixed): startBefore an activity INSIDE a parallel MI sub-process with ancestor = the MI body creates the new inner sub-process instance without counting it (nrOfInstances stays 3, no loopCounter).
  it('subprocess variant: startBefore subProcessTask with ancestor = body counts the new inner sub-process instance', async () => {
    const driver = InstanceDriver.start(await model('parallelSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    const BODY_SP = 'miSubProcess#multiInstanceBody';
    const inner = 'miSubProcess{subProcessTask}';
    const body = only(driver, BODY_SP);
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'subProcessTask', ancestorActivityInstanceId: body.id }]);
    expect(driver.shape).toBe(`root{${BODY_SP}{${inner}, ${inner}, ${inner}, ${inner}}}`);
    expect(counters(only(driver, BODY_SP))).toEqual({ nrOfInstances: 4, nrOfActiveInstances: 4, nrOfCompletedInstances: 0 });
    expect(loopCounters(driver, 'miSubProcess')).toEqual([0, 1, 2, 3]);
  });
});

describe('S27 inner MI instance without body', () => {
  for (const name of ['parallelTasks', 'sequentialTasks'] as const) {
    it(`${name}: startBefore miTasks creates a body with exactly one instance`, async () => {
      const driver = InstanceDriver.start(await model(name), testEnvironment());
      modify(driver, [{ type: 'startBeforeActivity', activityId: 'miTasks' }]);
      expect(driver.shape).toBe(`root{beforeTask, ${BODY}{miTasks}}`);
      expect(only(driver, 'miTasks').variables).toEqual({ loopCounter: int(0) });
      expect(counters(only(driver, BODY))).toEqual({ nrOfInstances: 1, nrOfActiveInstances: 1, nrOfCompletedInstances: 0 });
      driver.completeTask('miTasks');
      expect(driver.shape).toBe('root{afterTask, beforeTask}');
      driver.completeTask('afterTask');
      expect(driver.shape).toBe('root{beforeTask}');
    });
  }

  // Regression (found while writing this suite, fixed): startBefore an activity inside a multi-instance sub-process whose body does not exist creates the body with nrOfInstances=0 and no loopCounter on the inner sub-process instance (expected 1 / loopCounter 0).
  it('subprocess variant: startBefore subProcessTask creates a body counting one inner instance', async () => {
    const driver = InstanceDriver.start(await model('parallelSubprocess'), testEnvironment());
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'subProcessTask' }]);
    expect(driver.shape).toBe('root{beforeTask, miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}}}');
    expect(counters(only(driver, 'miSubProcess#multiInstanceBody'))).toEqual({ nrOfInstances: 1, nrOfActiveInstances: 1, nrOfCompletedInstances: 0 });
    expect(only(driver, 'miSubProcess').variables).toEqual({ loopCounter: int(0) });
  });
});

describe('S28 sequential MI', () => {
  it('a second concurrent inner instance is refused', async () => {
    const driver = await inMultiInstance('sequentialTasks');
    expect(driver.shape).toBe(`root{${BODY}{miTasks}}`);
    const body = only(driver, BODY);
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'miTasks', ancestorActivityInstanceId: body.id }],
      'ProcessEngineException',
      'Concurrent instantiation not possible for activities in scope miTasks#multiInstanceBody',
    );
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'miTasks' }],
      'ProcessEngineException',
      'Concurrent instantiation not possible for activities in scope miTasks#multiInstanceBody',
    );
  });

  it('sequential sub-process: a second concurrent miSubProcess instance is refused', async () => {
    const driver = InstanceDriver.start(await model('sequentialSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}}}');
    const body = only(driver, 'miSubProcess#multiInstanceBody');
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'miSubProcess', ancestorActivityInstanceId: body.id }],
      'ProcessEngineException',
      'Concurrent instantiation not possible for activities in scope miSubProcess#multiInstanceBody',
    );
  });

  // Regression (found while writing this suite, fixed): startBefore an activity nested inside a sequential MI sub-process with ancestor = the body creates a second concurrent inner sub-process instance instead of throwing "Concurrent instantiation not possible for activities in scope miSubProcess#multiInstanceBody".
  it('sequential sub-process: starting a nested activity with the body as ancestor is refused too', async () => {
    const driver = InstanceDriver.start(await model('sequentialSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    const body = only(driver, 'miSubProcess#multiInstanceBody');
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'subProcessTask', ancestorActivityInstanceId: body.id }],
      'ProcessEngineException',
      'Concurrent instantiation not possible for activities in scope miSubProcess#multiInstanceBody',
    );
  });

  it('sequential sub-process: without ancestor the task joins the existing inner instance', async () => {
    const driver = InstanceDriver.start(await model('sequentialSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'subProcessTask' }]);
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask, subProcessTask}}}');
  });

  it('startBefore the body creates a second body with one active inner instance each; both run to the end', async () => {
    const driver = await inMultiInstance('sequentialTasks');
    modify(driver, [{ type: 'startBeforeActivity', activityId: BODY }]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks}, ${BODY}{miTasks}}`);
    for (const body of driver.instancesOf(BODY)) {
      expect(counters(body)).toEqual({ nrOfInstances: 3, nrOfActiveInstances: 1, nrOfCompletedInstances: 0 });
      expect(body.children!.map((c) => c.variables?.loopCounter?.value)).toEqual([0]);
    }
    let completed = 0;
    while (driver.tasks().some((t) => t.activityId === 'miTasks')) {
      driver.completeTask('miTasks');
      completed += 1;
    }
    expect(completed).toBe(6);
    expect(driver.shape).toBe('root{afterTask, afterTask}');
    completeAll(driver, 'afterTask');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S29 cancel in MI', () => {
  it('cancel one of three parallel instances: the other two complete the body', async () => {
    const driver = await inMultiInstance('parallelTasks');
    const [victim] = driver.instancesOf('miTasks');
    modify(driver, [{ type: 'cancel', activityInstanceId: victim!.id }]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks, miTasks}}`);
    expect(counters(only(driver, BODY))).toEqual({ nrOfInstances: 2, nrOfActiveInstances: 2, nrOfCompletedInstances: 0 });
    driver.completeTask('miTasks');
    expect(driver.shape).toBe(`root{${BODY}{miTasks}}`);
    driver.completeTask('miTasks');
    expect(driver.shape).toBe('root{afterTask}');
    driver.completeTask('afterTask');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('cancel two of three: one remains and completes the body', async () => {
    const driver = await inMultiInstance('parallelTasks');
    const [a, b] = driver.instancesOf('miTasks');
    modify(driver, [
      { type: 'cancel', activityInstanceId: a!.id },
      { type: 'cancel', activityInstanceId: b!.id },
    ]);
    expect(driver.shape).toBe(`root{${BODY}{miTasks}}`);
    driver.completeTask('miTasks');
    expect(driver.shape).toBe('root{afterTask}');
  });

  for (const activityId of ['miTasks', BODY]) {
    it(`cancel activityId=${activityId} ends the instance`, async () => {
      const driver = await inMultiInstance('parallelTasks');
      modify(driver, { instructions: [{ type: 'cancel', activityId }], externallyTerminated: true });
      expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
      expect(driver.tree).toBeNull();
    });
  }

  it('cancelling every inner instance by id cancels the body too', async () => {
    const driver = await inMultiInstance('parallelTasks');
    const result = modify(
      driver,
      driver.instancesOf('miTasks').map((n) => ({ type: 'cancel' as const, activityInstanceId: n.id })),
    );
    expect(driver.state.status).toBe('INTERNALLY_TERMINATED');
    expect(result.events.filter((e) => e.type === 'activityEnd').map((e) => e.type === 'activityEnd' && e.activityId)).toEqual(['miTasks', 'miTasks', 'miTasks', BODY]);
  });

  it('subprocess variant: cancelling one inner sub-process instance shrinks the body', async () => {
    const driver = InstanceDriver.start(await model('parallelSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    const [victim] = driver.instancesOf('miSubProcess');
    modify(driver, [{ type: 'cancel', activityInstanceId: victim!.id }]);
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}, miSubProcess{subProcessTask}}}');
    expect(counters(only(driver, 'miSubProcess#multiInstanceBody'))).toEqual({ nrOfInstances: 2, nrOfActiveInstances: 2, nrOfCompletedInstances: 0 });
    completeAll(driver, 'subProcessTask');
    expect(driver.shape).toBe('root{afterTask}');
  });

  // Regression (found while writing this suite, fixed): cancelling the task inside one inner instance of a parallel MI sub-process removes that inner sub-process instance by propagation but leaves the body counters untouched (nrOfInstances/nrOfActiveInstances stay 3 with 2 inner instances).
  it('subprocess variant: cancelling the task inside one inner sub-process instance shrinks the body too', async () => {
    const driver = InstanceDriver.start(await model('parallelSubprocess'), testEnvironment());
    driver.completeTask('beforeTask');
    const [victim] = driver.instancesOf('subProcessTask');
    modify(driver, [{ type: 'cancel', activityInstanceId: victim!.id }]);
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}, miSubProcess{subProcessTask}}}');
    expect(counters(only(driver, 'miSubProcess#multiInstanceBody'))).toEqual({ nrOfInstances: 2, nrOfActiveInstances: 2, nrOfCompletedInstances: 0 });
  });

  it('sequential: cancelling the active inner instance ends the instance', async () => {
    const driver = await inMultiInstance('sequentialTasks');
    modify(driver, [{ type: 'cancel', activityInstanceId: only(driver, 'miTasks').id }]);
    expect(driver.state.status).toBe('INTERNALLY_TERMINATED');
  });
});

describe('S30 asyncBefore start', () => {
  it('startBefore an asyncBefore task creates a transition instance and a job', async () => {
    const driver = InstanceDriver.start(await model('exclusiveGatewayAsyncTask'), testEnvironment());
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'task2' }]);
    expect(driver.shape).toBe('root{task1, ~task2}');
    expect(taskIds(driver)).toEqual(['task1']);
    const tree = driver.tree!;
    expect(tree.childTransitionInstances).toEqual([expect.objectContaining({ activityId: 'task2', targetActivityId: 'task2', activityType: 'userTask', parentActivityInstanceId: driver.state.id })]);
    const transition = tree.childTransitionInstances[0]!;
    expect(transition.executionId).toBe(`${driver.state.id}.${transition.id}`);
    expect(jobRows(driver)).toEqual([{ activityId: 'task2', kind: 'async-before', owner: 'task2', ownerId: transition.id, dueDate: undefined }]);

    expect(driver.executeJob().failure).toBeUndefined();
    expect(driver.shape).toBe('root{task1, task2}');
    expect(driver.jobs()).toEqual([]);
    driver.completeTask('task1');
    driver.completeTask('task2');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('local instruction variables travel with the transition instance into the activity', async () => {
    const driver = InstanceDriver.start(await model('exclusiveGatewayAsyncTask'), testEnvironment());
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'task2', variables: { localVar: { value: { type: 'String', value: 'x' }, local: true } } }]);
    driver.executeJob();
    expect(only(driver, 'task2').variables).toEqual({ localVar: { type: 'String', value: 'x' } });
    expect(driver.state.root.variables).toBeUndefined();
  });
});

describe('S31 start after asyncAfter task', () => {
  it("startAfter task2 ignores task2's asyncAfter but respects end2's asyncBefore", async () => {
    const driver = InstanceDriver.start(await model('startAfterAsync'), testEnvironment());
    expect(driver.shape).toBe('root{task1}');
    modify(driver, [{ type: 'startAfterActivity', activityId: 'task2' }]);
    expect(driver.shape).toBe('root{task1, ~end2}');
    expect(jobRows(driver).map(({ activityId, kind }) => ({ activityId, kind }))).toEqual([{ activityId: 'end2', kind: 'async-before' }]);
    driver.executeJob();
    expect(driver.shape).toBe('root{task1}');
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S32 cancel transition instance', () => {
  async function start() {
    const driver = InstanceDriver.start(await model('nestedParallelAsyncBeforeOneTaskProcess'), testEnvironment());
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');
    expect(driver.jobs()).toHaveLength(1);
    const transition = driver.instancesOf('innerTask')[0]!;
    expect(transition.transition).toBe('before');
    return { driver, transition };
  }

  it('cancel transitionInstanceId deletes the job and propagates to the sub-process', async () => {
    const { driver, transition } = await start();
    const result = modify(driver, [{ type: 'cancel', transitionInstanceId: transition.id }]);
    expect(driver.shape).toBe('root{outerTask}');
    expect(driver.jobs()).toEqual([]);
    expect(result.events.filter((e) => e.type === 'activityEnd').map((e) => e.type === 'activityEnd' && [e.activityId, e.canceled])).toEqual([['subProcess', true]]);
    driver.completeTask('outerTask');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('cancel activityId=innerTask cancels the transition instance too', async () => {
    const { driver } = await start();
    modify(driver, [{ type: 'cancel', activityId: 'innerTask' }]);
    expect(driver.shape).toBe('root{outerTask}');
    expect(driver.jobs()).toEqual([]);
  });

  it('a transition instance id is not an activity instance id', async () => {
    const { driver, transition } = await start();
    expectModificationError(
      driver,
      [{ type: 'cancel', activityInstanceId: transition.id }],
      'NotValidException',
      `Cannot perform instruction: Cancel activity instance '${transition.id}'; Activity instance '${transition.id}' does not exist: activityInstance is null`,
    );
  });

  it('cancelling the same transition instance twice fails', async () => {
    const { driver, transition } = await start();
    expectModificationError(
      driver,
      [
        { type: 'cancel', transitionInstanceId: transition.id },
        { type: 'cancel', transitionInstanceId: transition.id },
      ],
      'NotValidException',
      `Cannot perform instruction: Cancel transition instance '${transition.id}'; Transition instance '${transition.id}' does not exist: transitionInstance is null`,
    );
  });

  it('cancelling the parent sub-process removes the job', async () => {
    const { driver } = await start();
    modify(driver, [{ type: 'cancel', activityInstanceId: only(driver, 'subProcess').id }]);
    expect(driver.shape).toBe('root{outerTask}');
    expect(driver.jobs()).toEqual([]);
  });

  it('restarting before the async task and cancelling the old token keeps exactly one new job', async () => {
    const { driver, transition } = await start();
    const oldJob = driver.jobs()[0]!.id;
    modify(driver, [
      { type: 'startBeforeActivity', activityId: 'innerTask' },
      { type: 'cancel', transitionInstanceId: transition.id },
    ]);
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');
    const jobs = driver.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).not.toBe(oldJob);
    driver.executeJob();
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask}}');
    driver.completeTask('innerTask');
    driver.completeTask('outerTask');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S33 asyncAfter token', () => {
  it('cancelling the asyncAfter transition instance ends the instance', async () => {
    const driver = InstanceDriver.start(await model('asyncAfterOneTaskProcess'), testEnvironment());
    driver.completeTask('theTask');
    expect(driver.shape).toBe('root{~theTask}');
    const transition = driver.tree!.childTransitionInstances[0]!;
    expect(jobRows(driver)).toEqual([{ activityId: 'theTask', kind: 'async-after', owner: 'theTask', ownerId: transition.id, dueDate: undefined }]);
    modify(driver, { instructions: [{ type: 'cancel', transitionInstanceId: transition.id }], externallyTerminated: true });
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(driver.tree).toBeNull();
  });
});

describe('S34 terminate / none end events', () => {
  it('startBefore terminateEnd terminates the instance; it ends COMPLETED', async () => {
    const driver = InstanceDriver.start(await model('terminateEnd'), testEnvironment());
    expect(driver.shape).toBe('root{task}');
    const result = modify(driver, { instructions: [{ type: 'startBeforeActivity', activityId: 'terminateEnd' }], externallyTerminated: true });
    expect(driver.tree).toBeNull();
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.state.root.children).toBeUndefined();
    expect(result.events.filter((e) => e.type === 'taskDelete')).toHaveLength(1);
    expect(result.events.filter((e) => e.type === 'processEnd')).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
  });

  it('startBefore a none end event in the root changes nothing visible', async () => {
    const driver = InstanceDriver.start(await model('oneTaskProcess'), testEnvironment());
    const before = only(driver, 'theTask').id;
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'theEnd' }]);
    expect(driver.shape).toBe('root{theTask}');
    expect(only(driver, 'theTask').id).toBe(before);
    expect(driver.state.status).toBe('ACTIVE');
    driver.completeTask('theTask');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S35 intermediate timer', () => {
  it('startBefore the timer catch event registers a timer job on the new instance', async () => {
    const driver = InstanceDriver.start(await model('intermediateTimerCatch'), testEnvironment());
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'intermediateCatchEvent' }]);
    expect(driver.shape).toBe('root{intermediateCatchEvent, task}');
    const catchInstance = only(driver, 'intermediateCatchEvent');
    expect(driver.tree!.childActivityInstances.find((c) => c.activityId === 'intermediateCatchEvent')?.activityType).toBe('intermediateTimer');
    expect(jobRows(driver)).toEqual([{ activityId: 'intermediateCatchEvent', kind: 'timer', owner: 'intermediateCatchEvent', ownerId: catchInstance.id, dueDate: driver.env.clock + 5 * 60_000 }]);
    driver.env.clock += 5 * 60_000;
    driver.executeJob();
    expect(driver.shape).toBe('root{task}');
    driver.completeTask('task');
    expect(driver.shape).toBe('root{intermediateCatchEvent}');
    driver.executeJob();
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S36 compensation boundary', () => {
  // The scenario and the rest of the transaction group: test/unit/modification/compensation-transaction.test.ts.
  it('startBefore compensateBoundaryEvent is refused, naming the compensation boundary event', async () => {
    const driver = InstanceDriver.start(await model('transactionWithCompensation'), testEnvironment());
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'compensateBoundaryEvent' }],
      'ProcessEngineException',
      'Cannot start before activity compensateBoundaryEvent; the activity is a compensation boundary event',
    );
  });
});

describe('S37 parallel join', () => {
  const body = `
    <startEvent id="theStart" />
    <sequenceFlow id="f0" sourceRef="theStart" targetRef="fork" />
    <parallelGateway id="fork" />
    <sequenceFlow id="f1" sourceRef="fork" targetRef="parallel1" />
    <sequenceFlow id="f2" sourceRef="fork" targetRef="parallel2" />
    <sequenceFlow id="f3" sourceRef="fork" targetRef="parallel3" />
    <userTask id="parallel1" />
    <userTask id="parallel2" />
    <userTask id="parallel3" />
    <sequenceFlow id="f4" sourceRef="parallel1" targetRef="join" />
    <sequenceFlow id="f5" sourceRef="parallel2" targetRef="join" />
    <sequenceFlow id="f6" sourceRef="parallel3" targetRef="join" />
    <parallelGateway id="join" />
    <sequenceFlow id="f7" sourceRef="join" targetRef="afterJoin" />
    <userTask id="afterJoin" />
    <sequenceFlow id="f8" sourceRef="afterJoin" targetRef="theEnd" />
    <endEvent id="theEnd" />`;

  async function oneWaiting(): Promise<InstanceDriver> {
    const driver = InstanceDriver.start(await inlineModel(body, 'joinProcess'), testEnvironment());
    expect(driver.shape).toBe('root{parallel1, parallel2, parallel3}');
    driver.completeTask('parallel2');
    modify(driver, [{ type: 'cancel', activityId: 'parallel3' }]);
    expect(driver.shape).toBe('root{join, parallel1}');
    return driver;
  }

  it('startBefore join adds a second waiting token; the third (from parallel1) fires the join', async () => {
    const driver = await oneWaiting();
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'join' }]);
    expect(driver.shape).toBe('root{join, join, parallel1}');
    expect(driver.tree!.childActivityInstances.filter((c) => c.activityId === 'join').every((c) => c.activityType === 'parallelGateway')).toBe(true);
    expect(taskIds(driver)).toEqual(['parallel1']);
    driver.completeTask('parallel1');
    expect(driver.shape).toBe('root{afterJoin}');
    driver.completeTask('afterJoin');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('extra tokens make the join fire early, at exactly the third token', async () => {
    const driver = InstanceDriver.start(await inlineModel(body, 'joinProcess'), testEnvironment());
    driver.completeTask('parallel2');
    expect(driver.shape).toBe('root{join, parallel1, parallel3}');
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'join' }]);
    expect(driver.shape).toBe('root{join, join, parallel1, parallel3}');
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'join' }]);
    expect(driver.shape).toBe('root{afterJoin, parallel1, parallel3}');
    // the remaining branches now wait at the join forever (Camunda does not detect this)
    driver.completeTask('parallel1');
    driver.completeTask('parallel3');
    expect(driver.shape).toBe('root{afterJoin, join, join}');
    driver.completeTask('afterJoin');
    expect(driver.shape).toBe('root{join, join}');
    expect(driver.state.status).toBe('ACTIVE');
  });
});

// S38 (call activity propagation) spans two process instances, which only the service joins: it
// runs end to end in test/e2e/call-activity-modification.test.ts.

describe('S39 cancelCurrentActiveActivityInstances', () => {
  const body = `
    <startEvent id="start" />
    <sequenceFlow id="s1" sourceRef="start" targetRef="ser" />
    <serviceTask id="ser" camunda:expression="\${true}" />
    <sequenceFlow id="s2" sourceRef="ser" targetRef="user" />
    <userTask id="user" />
    <sequenceFlow id="s3" sourceRef="user" targetRef="end" />
    <endEvent id="end" />`;

  it('flag false: instances created earlier in the request are cancelled too', async () => {
    const driver = InstanceDriver.start(await inlineModel(body, 'p1'), testEnvironment());
    expect(driver.shape).toBe('root{user}');
    modify(driver, [
      { type: 'startBeforeActivity', activityId: 'ser' },
      { type: 'cancel', activityId: 'user', cancelCurrentActiveActivityInstances: false },
    ]);
    expect(driver.state.status).toBe('INTERNALLY_TERMINATED');
  });

  it('flag true: only the instances active before the request are cancelled', async () => {
    const driver = InstanceDriver.start(await inlineModel(body, 'p1'), testEnvironment());
    const original = only(driver, 'user').id;
    modify(driver, [
      { type: 'startBeforeActivity', activityId: 'ser' },
      { type: 'cancel', activityId: 'user', cancelCurrentActiveActivityInstances: true },
    ]);
    expect(driver.shape).toBe('root{user}');
    expect(only(driver, 'user').id).not.toBe(original);
    driver.completeTask('user');
    expect(driver.state.status).toBe('COMPLETED');
  });
});
