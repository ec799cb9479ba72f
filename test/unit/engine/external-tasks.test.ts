import { describe, expect, it } from 'vitest';
import { completeExternalTask, EngineError, extendExternalTaskLock, failExternalTask, lockExternalTask, unlockExternalTask } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, int, str } from './inline-models.ts';

const EXTERNAL = `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="charge"/>
  <serviceTask id="charge" name="Charge card" camunda:type="external" camunda:topic="payments"/>
  <sequenceFlow id="f2" sourceRef="charge" targetRef="after"/><userTask id="after"/>`;

async function started() {
  const model = await inlineModel(EXTERNAL);
  const driver = InstanceDriver.start(model);
  const externalTaskId = driver.instancesOf('charge')[0]!.externalTask!.id;
  return { model, driver, externalTaskId };
}

function engineError(act: () => unknown): EngineError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('external tasks', () => {
  it('waits at the service task with an unlocked external task of its topic', async () => {
    // when
    const { driver } = await started();

    // then
    expect(driver.shape).toBe('root{charge}');
    expect(driver.tree!.childActivityInstances[0]).toMatchObject({ activityType: 'serviceTask', activityName: 'Charge card' });
    expect(driver.instancesOf('charge')[0]!.externalTask).toEqual({ id: expect.any(String), topic: 'payments', created: driver.env.clock, priority: 0 });
    expect(driver.jobs()).toEqual([]);
  });

  it('locks for a worker until now + lock duration', async () => {
    // given
    const { driver, externalTaskId } = await started();

    // when
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);

    // then
    expect(driver.instancesOf('charge')[0]!.externalTask).toMatchObject({ workerId: 'worker-1', lockExpiration: driver.env.clock + 30_000 });
  });

  it('continues the process when the locking worker completes, with global variables on the process instance', async () => {
    // given
    const { model, driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);

    // when
    driver.apply(completeExternalTask(driver.state, model, externalTaskId, 'worker-1', { receipt: str('R-1') }, { scratch: int(1) }, driver.env));

    // then
    expect(driver.shape).toBe('root{after}');
    expect(driver.state.root.variables).toEqual({ receipt: { type: 'String', value: 'R-1' } });
  });

  it('refuses completion by another worker with BadUserRequestException', async () => {
    // given
    const { model, driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);

    // when
    const error = engineError(() => completeExternalTask(driver.state, model, externalTaskId, 'worker-2', undefined, undefined, driver.env));

    // then
    expect(error.type).toBe('BadUserRequestException');
    expect(error.message).toBe(`External Task ${externalTaskId} cannot be completed by worker 'worker-2'. It is locked by worker 'worker-1'.`);
  });

  it('refuses completion once the lock has expired', async () => {
    // given
    const { model, driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);
    driver.env.clock += 30_000;

    // when
    const error = engineError(() => completeExternalTask(driver.state, model, externalTaskId, 'worker-1', undefined, undefined, driver.env));

    // then
    expect(error.message).toBe(`External Task ${externalTaskId} cannot be completed by worker 'worker-1'. It is locked by worker 'null'.`);
  });

  it('records failures with decreasing retries and raises a failedExternalTask incident at 0 retries', async () => {
    // given
    const { driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);

    // when
    driver.state = failExternalTask(driver.state, externalTaskId, { workerId: 'worker-1', errorMessage: 'card declined', errorDetails: 'stack', retries: 1, retryTimeout: 5_000 }, driver.env).state;

    // then
    const owner = () => driver.instancesOf('charge')[0]!;
    expect(owner().externalTask).toMatchObject({ retries: 1, errorMessage: 'card declined', errorDetails: 'stack', lockExpiration: driver.env.clock + 5_000 });
    expect(owner().incidents).toBeUndefined();

    // when
    driver.state = failExternalTask(driver.state, externalTaskId, { workerId: 'worker-1', errorMessage: 'card declined again', retries: 0, retryTimeout: 0 }, driver.env).state;

    // then
    expect(owner().externalTask).toMatchObject({ retries: 0, errorMessage: 'card declined again' });
    expect(owner().incidents).toEqual([
      { id: expect.any(String), type: 'failedExternalTask', activityId: 'charge', message: 'card declined again', configuration: externalTaskId, created: driver.env.clock },
    ]);
    const node = driver.tree!.childActivityInstances[0]!;
    expect(node.incidentIds).toEqual([owner().incidents![0]!.id]);
    expect(node.incidents).toEqual([{ id: owner().incidents![0]!.id, activityId: 'charge' }]);
    expect(driver.shape).toBe('root{charge}');
  });

  it('resolves the incident when the external task is finally completed', async () => {
    // given
    const { model, driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);
    driver.state = failExternalTask(driver.state, externalTaskId, { workerId: 'worker-1', errorMessage: 'down', retries: 0, retryTimeout: 0 }, driver.env).state;
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 30_000, driver.env);

    // when
    driver.apply(completeExternalTask(driver.state, model, externalTaskId, 'worker-1', undefined, undefined, driver.env));

    // then
    expect(driver.shape).toBe('root{after}');
    expect(driver.nodes().some((n) => n.incidents)).toBe(false);
  });

  it('refuses a failure reported by a worker that does not hold the lock', async () => {
    // given
    const { driver, externalTaskId } = await started();

    // when
    const error = engineError(() => failExternalTask(driver.state, externalTaskId, { workerId: 'worker-1', retries: 1, retryTimeout: 0 }, driver.env));

    // then
    expect(error.type).toBe('BadUserRequestException');
    expect(error.message).toContain("cannot be failed by worker 'worker-1'");
  });

  it('unlocks and extends locks', async () => {
    // given
    const { driver, externalTaskId } = await started();
    driver.state = lockExternalTask(driver.state, externalTaskId, 'worker-1', 1_000, driver.env);

    // when
    const extended = extendExternalTaskLock(driver.state, externalTaskId, 'worker-1', 60_000, driver.env);
    const unlocked = unlockExternalTask(driver.state, externalTaskId);

    // then
    expect(extended.root.children![0]!.externalTask).toMatchObject({ workerId: 'worker-1', lockExpiration: driver.env.clock + 60_000 });
    expect(unlocked.root.children![0]!.externalTask!.workerId).toBeUndefined();
    expect(unlocked.root.children![0]!.externalTask!.lockExpiration).toBeUndefined();
    expect(() => extendExternalTaskLock(driver.state, externalTaskId, 'worker-2', 60_000, driver.env)).toThrow("cannot be extended by worker 'worker-2'");
  });

  it('answers NotFoundException for an unknown external task', async () => {
    // given
    const { driver } = await started();

    // when
    const error = engineError(() => lockExternalTask(driver.state, 'nope', 'worker-1', 1_000, driver.env));

    // then
    expect(error.type).toBe('NotFoundException');
    expect(error.message).toBe('Cannot find external task with id nope: externalTask is null');
  });

  it('creates one external task per multi-instance element', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="charge"/>
      <serviceTask id="charge" camunda:type="external" camunda:topic="payments"><multiInstanceLoopCharacteristics><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></serviceTask>
      <sequenceFlow id="f2" sourceRef="charge" targetRef="after"/><userTask id="after"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment());

    // then
    expect(driver.shape).toBe('root{charge#multiInstanceBody{charge, charge}}');
    expect(new Set(driver.instancesOf('charge').map((n) => n.externalTask!.id)).size).toBe(2);

    // when
    driver.completeExternalTask('charge').completeExternalTask('charge');

    // then
    expect(driver.shape).toBe('root{after}');
  });
});
