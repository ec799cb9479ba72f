import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { completeTask } from '../../shared/engine/operations.ts';
import { EngineError } from '../../shared/engine/errors.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import { EngineService } from '../../shared/service/engine-service.ts';
import { bpmnXml } from '../e2e/inline-bpmn.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The hand-overs between a calling and a called instance are exactly once and never lost, against
 * the emulator with the workers stopped: each one is delivered twice, in a row and at the same
 * time; a crash between the called instance's end and its caller's continuation is recovered by
 * the sweeper; a deletion that overtakes the start it cancels stops that start.
 */

const child = bpmnXml(
  'handOverChild',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/><sequenceFlow id="f2" sourceRef="work" targetRef="e"/><endEvent id="e"/>`,
);
const parent = bpmnXml(
  'handOverParent',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
   <callActivity id="call" calledElement="handOverChild"><extensionElements><camunda:out source="result" target="result"/></extensionElements></callActivity>
   <sequenceFlow id="f2" sourceRef="call" targetRef="after"/><userTask id="after"/>`,
);

describe('call hand-overs', () => {
  let runtime: LocalRuntime;
  /** The engine as it runs in the workers. */
  let engine: EngineService;
  /** The same engine, but a request stores its hand-overs without carrying them out: a crash right after the write. */
  let crashing: EngineService;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    engine = runtime.services.engine;
    crashing = new EngineService({ ...engine.deps, handOversInline: false });
    const request = {
      name: 'handover',
      source: null,
      tenantId: null,
      enableDuplicateFiltering: false,
      deployChangedOnly: false,
      resources: [
        { name: 'child.bpmn', xml: child },
        { name: 'parent.bpmn', xml: parent },
      ],
    };
    await deploy(engine.deps, engine.env, request);
  });
  afterAll(async () => runtime?.stop());

  const pendingHandOvers = async () => (await engine.deps.items.dueJobs(engine.env.now())).filter((item) => item.jobKind === 'call-hand-over').map((item) => item.id as string);
  const instancesOf = async (key: string) => {
    const ids: string[] = [];
    for await (const listing of engine.deps.instances.listings({ processDefinitionKey: key })) ids.push(listing.id);
    return ids;
  };
  const activities = async (id: string) => ((await engine.load(id))?.stored.state.root.children ?? []).map((c) => c.activityId);
  /** Delivers every pending hand-over twice in a row and twice at once, as SQS may. */
  async function deliverEachFourTimes(): Promise<string[]> {
    const ids = await pendingHandOvers();
    for (const jobId of ids) {
      await engine.runJob({ jobId });
      await engine.runJob({ jobId });
      await Promise.all([engine.runJob({ jobId }), engine.runJob({ jobId })]);
    }
    return ids;
  }
  const quietly = <T>(run: () => Promise<T>) => {
    // Deliveries a test makes itself: nothing is queued for the stopped workers.
    const send = vi.spyOn(engine.deps.publisher, 'send').mockResolvedValue(undefined as never);
    return run().finally(() => send.mockRestore());
  };

  async function startParent(): Promise<string> {
    const definition = (await engine.deps.definitions.latestDefinition('handOverParent', null))!;
    return (await quietly(() => crashing.start(definition, {}))).id;
  }

  it('a start delivered four times (twice at once) starts one called instance', async () => {
    // given a caller stored with its start hand-over, not carried out
    const before = new Set(await instancesOf('handOverChild'));
    const parentId = await startParent();
    expect(await pendingHandOvers()).toHaveLength(1);

    // when
    await quietly(deliverEachFourTimes);

    // then
    const started = (await instancesOf('handOverChild')).filter((id) => !before.has(id));
    expect(started).toHaveLength(1);
    expect((await engine.load(started[0]!))!.stored.state.caller?.processInstanceId).toBe(parentId);
    expect(await pendingHandOvers()).toEqual([]);
  });

  it('after a crash between the called instance’s end and its caller’s continuation, the sweeper continues the caller exactly once', async () => {
    // given a called instance waiting in its task
    const parentId = await startParent();
    await quietly(deliverEachFourTimes);
    const calledId = (await engine.load(parentId))!.stored.state.root.children![0]!.calledInstanceId!;

    // when the called instance ends and the process dies before the caller is continued (the queue message is lost too)
    const lost = vi.spyOn(engine.deps.publisher, 'send').mockRejectedValue(new Error('process killed'));
    try {
      await crashing.update(
        calledId,
        (state, model) => completeTask(state, model, state.root.children![0]!.task!.id, { result: { type: 'String', value: 'from the child' } }, crashing.env),
        () => new EngineError('NotFoundException', 'gone'),
      );
    } finally {
      lost.mockRestore();
    }
    expect(await engine.load(calledId)).toBeUndefined();
    expect(await activities(parentId)).toEqual(['call']);

    // then the sweeper finds the hand-over, and running its message four times continues the caller once
    const swept: string[] = [];
    const send = vi.spyOn(engine.deps.publisher, 'send').mockImplementation(async (_queue, messages) => {
      swept.push(...(messages as { jobId: string }[]).map((m) => m.jobId));
    });
    try {
      await engine.sweepDueJobs();
      expect(swept).toEqual(expect.arrayContaining(await pendingHandOvers()));
      for (const jobId of swept) {
        await engine.runJob({ jobId });
        await Promise.all([engine.runJob({ jobId }), engine.runJob({ jobId }), engine.runJob({ jobId })]);
      }
    } finally {
      send.mockRestore();
    }
    expect(await activities(parentId)).toEqual(['after']);
    expect((await engine.load(parentId))!.stored.state.root.variables?.result).toEqual({ type: 'String', value: 'from the child' });
    expect(await pendingHandOvers()).toEqual([]);
  });

  it('a deletion delivered four times deletes the called instance once, and the caller is not touched again', async () => {
    // given
    const parentId = await startParent();
    await quietly(deliverEachFourTimes);
    const calledId = (await engine.load(parentId))!.stored.state.root.children![0]!.calledInstanceId!;

    // when the caller is deleted, its hand-over delivered four times
    await quietly(() => crashing.deleteInstance(parentId));
    await quietly(deliverEachFourTimes);

    // then
    expect(await engine.load(calledId)).toBeUndefined();
    expect((await engine.deps.items.getHistoricInstance(calledId))?.state).toBe('EXTERNALLY_TERMINATED');
    expect(await pendingHandOvers()).toEqual([]);
  });

  it('a deletion that overtakes the start it cancels stops that start: the called instance never exists', async () => {
    // given a caller whose start hand-over is still pending when the caller is deleted
    const before = new Set(await instancesOf('handOverChild'));
    const parentId = await startParent();
    const [startId] = await pendingHandOvers();
    await quietly(() => crashing.deleteInstance(parentId));
    const deleteId = (await pendingHandOvers()).find((id) => id !== startId)!;

    // when the deletion is delivered first, then the start, each twice
    await quietly(async () => {
      await Promise.all([engine.runJob({ jobId: deleteId }), engine.runJob({ jobId: deleteId })]);
      await Promise.all([engine.runJob({ jobId: startId! }), engine.runJob({ jobId: startId! })]);
    });

    // then
    expect((await instancesOf('handOverChild')).filter((id) => !before.has(id))).toEqual([]);
    expect(await pendingHandOvers()).toEqual([]);
  });
});
