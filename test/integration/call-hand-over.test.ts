import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { modifyProcessInstance } from '../../shared/engine/modification/modify.ts';
import { completeTask } from '../../shared/engine/operations.ts';
import { retryHandOver } from '../../shared/service/call-hand-over.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { handOverIds } from '../../shared/store/hand-over-items.ts';
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
const failingContinuation = bpmnXml(
  'failingContinuation',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
   <callActivity id="call" calledElement="handOverChild"><extensionElements><camunda:out sourceExpression="\${nobody.knows()}" target="x"/></extensionElements></callActivity>
   <sequenceFlow id="f2" sourceRef="call" targetRef="after"/><userTask id="after"/>`,
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
        { name: 'failing.bpmn', xml: failingContinuation },
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

  it('a deletion delivered four times deletes the called instance once, and the deleted caller stays as it ended', async () => {
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
    expect((await engine.deps.items.getHistoricInstance(parentId))?.state).toBe('EXTERNALLY_TERMINATED');
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

  it('a called instance’s deletion that arrives after its caller moved on is consumed without effect', async () => {
    // given a caller whose call activity was cancelled by a modification while its called instance is deleted directly
    const parentId = await startParent();
    await quietly(deliverEachFourTimes);
    const calledId = (await engine.load(parentId))!.stored.state.root.children![0]!.calledInstanceId!;
    await quietly(() => crashing.deleteInstance(calledId));
    const [calledDeleted] = await pendingHandOvers();
    await quietly(() =>
      crashing.update(
        parentId,
        (state, model) =>
          modifyProcessInstance(
            state,
            model,
            {
              instructions: [
                { type: 'startBeforeActivity', activityId: 'after' },
                { type: 'cancel', activityId: 'call' },
              ],
            },
            crashing.env,
          ),
        () => new EngineError('NotFoundException', 'gone'),
      ),
    );

    // when the called instance's deletion is delivered (twice), with the caller's own hand-overs
    await quietly(deliverEachFourTimes);

    // then the caller is left as the modification made it, and no hand-over is left behind
    expect(calledDeleted).toBeDefined();
    expect(await activities(parentId)).toEqual(['after']);
    expect(await pendingHandOvers()).toEqual([]);
  });

  it('an incident’s resolution that overtakes its raise leaves no mirror on the caller', async () => {
    // given a caller waiting for a called instance whose incident came and went before either hand-over ran
    const parentId = await startParent();
    await quietly(deliverEachFourTimes);
    const state = (await engine.load(parentId))!.stored.state;
    const call = state.root.children![0]!;
    const caller = { processInstanceId: parentId, activityInstanceId: call.id, rootProcessInstanceId: parentId, depth: 1, catches: [] };
    const base = { calledInstanceId: call.calledInstanceId!, created: engine.env.now(), caller, incidentId: 'child-incident' };
    const raised = { ...base, kind: 'incident-raised' as const, id: handOverIds.incidentRaised('child-incident'), rootCauseIncidentId: 'child-incident', incidentType: 'failedJob' as const };
    const resolved = { ...base, kind: 'incident-resolved' as const, id: handOverIds.incidentResolved('child-incident') };
    const { handOvers } = engine.deps;
    await writeRecords([handOvers.putAction(raised), handOvers.putAction(resolved)]);

    // when the resolution runs first, then the raise
    await quietly(async () => {
      await engine.runJob({ jobId: resolved.id });
      await engine.runJob({ jobId: raised.id });
    });

    // then
    expect((await engine.load(parentId))!.stored.state.root.children![0]!.incidents).toBeUndefined();
    expect(await pendingHandOvers()).toEqual([]);
  });

  it('a caller whose continuation fails fails the request that ends the called instance, and nothing changes', async () => {
    // given a caller whose output mapping cannot be evaluated
    const definition = (await engine.deps.definitions.latestDefinition('failingContinuation', null))!;
    const parentId = (await engine.start(definition, {})).id;
    const calledId = (await engine.load(parentId))!.stored.state.root.children![0]!.calledInstanceId!;
    const taskId = (await engine.load(calledId))!.stored.state.root.children![0]!.task!.id;

    // when
    const completing = engine.update(
      calledId,
      (s, model) => completeTask(s, model, taskId, undefined, engine.env),
      () => new EngineError('NotFoundException', 'gone'),
    );

    // then
    await expect(completing).rejects.toThrow(/nobody/);
    expect(await engine.load(calledId)).toBeDefined();
    expect(await activities(parentId)).toEqual(['call']);
  });

  it('a hand-over whose effect keeps failing ends in an incident on the caller; new retries resolve it and run it', async () => {
    // given a called instance that ended while its caller's continuation fails (the caller changed after the rehearsal)
    const definition = (await engine.deps.definitions.latestDefinition('failingContinuation', null))!;
    const parentId = (await engine.start(definition, {})).id;
    const parentState = (await engine.load(parentId))!.stored.state;
    const call = parentState.root.children![0]!;
    const caller = { processInstanceId: parentId, activityInstanceId: call.id, rootProcessInstanceId: parentId, depth: 1, catches: [] };
    const ended = { kind: 'called-ended' as const, id: handOverIds.ended(call.calledInstanceId!), calledInstanceId: call.calledInstanceId!, created: engine.env.now(), caller, variables: {} };
    await writeRecords([engine.deps.handOvers.putAction(ended)]);

    // when it runs out of its three retries
    await quietly(async () => {
      for (let run = 0; run < 3; run++) await engine.runJob({ jobId: ended.id });
    });

    // then the caller's call activity shows the failure, and the hand-over waits
    const incidents = (await engine.load(parentId))!.stored.state.root.children![0]!.incidents ?? [];
    expect(incidents).toEqual([expect.objectContaining({ type: 'failedJob', activityId: 'call', configuration: ended.id, message: expect.stringMatching(/nobody/) })]);
    expect((await engine.deps.handOvers.get(ended.id))?.retries).toBe(0);
    expect(await quietly(() => engine.runJob({ jobId: ended.id }))).toBe('skipped');

    // when the operator gives it retries again (PUT /job/{id}/retries), the incident goes and it runs (and fails) again
    await quietly(() => retryHandOver(engine, ended.id, 1));
    expect((await engine.load(parentId))!.stored.state.root.children![0]!.incidents).toBeUndefined();
    expect((await engine.deps.handOvers.get(ended.id))?.retries).toBe(1);
  });

  /** Stores hand-overs as an instance write would, without the write (the test decides what happened before). */
  async function writeRecords(actions: Record<string, unknown>[]): Promise<void> {
    const doc = createDocumentClient({ region: runtime.config.region, endpoint: runtime.endpoint });
    await doc.send(new TransactWriteCommand({ TransactItems: actions as never }));
  }
});
