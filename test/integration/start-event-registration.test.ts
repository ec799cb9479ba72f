import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { parseBpmn } from '../../shared/bpmn/index.ts';
import type { DefinitionRecord } from '../../shared/store/definition-repository.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import { startEventActions } from '../../shared/service/start-event-registration.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';
import { bpmnXml } from '../e2e/inline-bpmn.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The start events of the latest version, against the emulator: two deployments of one key that
 * both read the same previous version cannot both replace it (the second is refused instead of
 * leaving the first one's timer job unlisted), and one deployment may not hold a key twice.
 */

const timerStarted = (key: string, duration: string) =>
  bpmnXml(
    key,
    `<startEvent id="byTimer"><timerEventDefinition><timeDuration>${duration}</timeDuration></timerEventDefinition></startEvent><sequenceFlow id="f" sourceRef="byTimer" targetRef="t"/><userTask id="t"/>`,
  );

describe('start event registration', () => {
  let runtime: LocalRuntime;
  let engine: EngineService;

  const request = (resources: { name: string; xml: string }[]) => ({ name: 'reg', source: null, tenantId: null, enableDuplicateFiltering: false, deployChangedOnly: false, resources });
  const timerJobsOf = async (key: string) => (await engine.deps.items.jobs()).filter((job) => job.processDefinitionKey === key);

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    engine = runtime.services.engine;
  });
  afterAll(async () => runtime?.stop());

  it('of two versions prepared against the same previous one, only the first replaces it', async () => {
    // given: version 1 is deployed, then two deployments read its start event set
    await deploy(engine.deps, engine.env, request([{ name: 'race.bpmn', xml: timerStarted('raceKey', 'PT1H') }]));
    const prepare = async (version: number, duration: string) => {
      const [model] = await parseBpmn(timerStarted('raceKey', duration));
      const definition: DefinitionRecord = { id: `raceKey:${version}:x`, key: 'raceKey', name: null, version, deploymentId: 'd', resourceName: 'race.bpmn', tenantId: null, xml: '' };
      return startEventActions(engine.deps, [{ definition, model: model! }], engine.env);
    };
    const second = await prepare(2, 'PT2H');
    const third = await prepare(3, 'PT3H');

    // when
    await engine.deps.startEvents.write(second);
    const late = engine.deps.startEvents.write(third);

    // then: the late one is refused; exactly the listed job remains
    await expect(late).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    const set = await engine.deps.startEvents.set('raceKey', null);
    const jobs = await timerJobsOf('raceKey');
    expect(set).toMatchObject({ definitionId: 'raceKey:2:x', version: 2 });
    expect(jobs.map((job) => `${job.pk}`)).toEqual(set!.itemKeys.map((key) => key.pk));
  });

  it("refuses a deployment holding one key twice with Camunda's message", async () => {
    // when
    const twice = deploy(
      engine.deps,
      engine.env,
      request([
        { name: 'a.bpmn', xml: timerStarted('twiceKey', 'PT1H') },
        { name: 'b.bpmn', xml: timerStarted('twiceKey', 'PT2H') },
      ]),
    );

    // then
    await expect(twice).rejects.toThrow("The deployment contains definitions with the same key 'twiceKey' (id attribute), this is not allowed");
    expect(await engine.deps.definitions.latestDefinition('twiceKey', null)).toBeUndefined();
  });
});
