import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import { runSignalBroadcast } from '../../shared/service/signal-broadcast.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';
import { bpmnXml } from '../e2e/inline-bpmn.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * A signal broadcast delivers exactly once per receiver even when it runs again: the job of a
 * thrown signal fails half way (an infrastructure fault on one receiver) and is run a second time,
 * and two runs race. Against the emulator, with the workers stopped so the test runs the job itself.
 */

const SIGNAL = '<signal id="sig" name="ping"/>';

const listener = bpmnXml(
  'pingListener',
  `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="work"/><userTask id="work"/>
   <boundaryEvent id="pinged" attachedToRef="work" cancelActivity="false"><signalEventDefinition signalRef="sig"/></boundaryEvent>
   <sequenceFlow id="f2" sourceRef="pinged" targetRef="note"/><userTask id="note"/>`,
  SIGNAL,
);

const startedByPing = bpmnXml(
  'startedByPing',
  `<startEvent id="bySignal"><signalEventDefinition signalRef="sig"/></startEvent><sequenceFlow id="f1" sourceRef="bySignal" targetRef="t"/><userTask id="t"/>`,
  SIGNAL,
);

const thrower = bpmnXml(
  'pingThrower',
  `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="shout"/>
   <intermediateThrowEvent id="shout"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>
   <sequenceFlow id="f2" sourceRef="shout" targetRef="end"/><endEvent id="end"/>`,
  SIGNAL,
);

describe('signal broadcasts', () => {
  let runtime: LocalRuntime;
  let engine: EngineService;

  const request = (name: string, xml: string) => ({ name, source: null, tenantId: null, enableDuplicateFiltering: false, deployChangedOnly: false, resources: [{ name: `${name}.bpmn`, xml }] });
  const notes = async (instanceId: string) => (await engine.load(instanceId))!.stored.state.root.children!.filter((c) => c.activityId === 'note').length;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    engine = runtime.services.engine;
    for (const [name, xml] of [
      ['listener', listener],
      ['started', startedByPing],
      ['thrower', thrower],
    ] as const) {
      await deploy(engine.deps, engine.env, request(name, xml));
    }
  });
  afterAll(async () => runtime?.stop());

  /** Starts the thrower (its instance ends at once) and returns the broadcast job it stored. */
  async function throwPing(): Promise<string> {
    const definition = (await engine.deps.definitions.latestDefinition('pingThrower', null))!;
    const before = new Set((await engine.deps.items.jobs()).map((j) => j.id));
    const dispatch = vi.spyOn(engine.deps.publisher, 'send').mockResolvedValue(undefined as never);
    try {
      await engine.start(definition, {});
    } finally {
      dispatch.mockRestore();
    }
    const jobs = (await engine.deps.items.jobs()).filter((j) => !before.has(j.id as string) && j.jobKind === 'signal-broadcast');
    expect(jobs).toHaveLength(1);
    return jobs[0]!.id as string;
  }

  async function countStarted(): Promise<number> {
    let n = 0;
    for await (const _ of engine.deps.instances.listings({ processDefinitionKey: 'startedByPing' }, {})) n += 1;
    return n;
  }

  it('a broadcast that failed half way and runs again reaches each receiver once', async () => {
    // given: a listener waiting, and a broadcast whose first run fails when it starts the signal start process
    const listenerDefinition = (await engine.deps.definitions.latestDefinition('pingListener', null))!;
    const waiter = (await engine.start(listenerDefinition, {})).id;
    const startsBefore = await countStarted();
    const jobId = await throwPing();
    const start = vi.spyOn(engine, 'start').mockRejectedValueOnce(new Error('throttled'));

    // when
    await expect(runSignalBroadcast(engine, jobId)).rejects.toThrow('throttled');
    start.mockRestore();

    // then: the listener got it once, the job is still there
    expect(await notes(waiter)).toBe(1);
    expect((await engine.deps.items.jobs()).some((j) => j.id === jobId)).toBe(true);

    // when
    expect(await runSignalBroadcast(engine, jobId)).toBe('executed');

    // then: still once for the listener, and one new instance; the job is gone
    expect(await notes(waiter)).toBe(1);
    expect(await countStarted()).toBe(startsBefore + 1);
    expect((await engine.deps.items.jobs()).some((j) => j.id === jobId)).toBe(false);
    expect(await runSignalBroadcast(engine, jobId)).toBe('skipped');
  });

  it('two racing runs of one broadcast deliver once', async () => {
    // given
    const listenerDefinition = (await engine.deps.definitions.latestDefinition('pingListener', null))!;
    const waiter = (await engine.start(listenerDefinition, {})).id;
    const startsBefore = await countStarted();
    const jobId = await throwPing();

    // when
    await Promise.all([runSignalBroadcast(engine, jobId), runSignalBroadcast(engine, jobId)]);

    // then
    expect(await notes(waiter)).toBe(1);
    expect(await countStarted()).toBe(startsBefore + 1);
  });
});
