import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import { RESOURCE_PART_CHARS } from '../../shared/store/definition-repository.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * A deployment is all or nothing (issue 19), however many items it needs: its resources (in parts)
 * and definitions are written first, marked pending, and seen only once its deployment item is
 * committed. A failed commit takes them back and gives the version numbers back; a process that
 * dies before taking them back leaves nothing anyone sees.
 */
describe('deployment atomicity', () => {
  let runtime: LocalRuntime;
  let engine: EngineService;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    engine = runtime.services.engine;
  });
  afterAll(async () => runtime?.stop());

  const request = (keys: string[], name = 'atomic') => ({
    name,
    source: null,
    tenantId: null,
    enableDuplicateFiltering: false,
    deployChangedOnly: false,
    resources: keys.map((key) => ({ name: `${key}.bpmn`, xml: userTaskChain(key, ['task']) })),
  });
  const seen = async (key: string) => (await engine.deps.definitions.definitionsOfKey(key, null)).map((d) => d.version);
  const deployments = async () => (await engine.deps.definitions.listDeployments()).length;

  it('a commit that fails leaves no deployment, resource or definition, and takes no version number', async () => {
    // given version 1 of one of the keys, and 120 processes to deploy whose commit will fail
    await deploy(engine.deps, engine.env, request(['atomic0']));
    const keys = Array.from({ length: 120 }, (_, i) => `atomic${i}`);
    const before = await deployments();
    let failedId = '';
    const commit = vi.spyOn(engine.deps.definitions, 'commitDeployment').mockImplementationOnce(async (deployment) => {
      failedId = deployment.id;
      // Its resources and pending definitions are written by now.
      expect(await engine.deps.definitions.listResources(failedId)).toHaveLength(120);
      throw new Error('the store went away');
    });

    // when
    await expect(deploy(engine.deps, engine.env, request(keys))).rejects.toThrow('the store went away');
    commit.mockRestore();
    expect(await engine.deps.definitions.listResources(failedId)).toEqual([]);

    // then nothing of it is seen, and the next deployment takes the next numbers
    expect(await deployments()).toBe(before);
    expect(await seen('atomic0')).toEqual([1]);
    expect(await seen('atomic119')).toEqual([]);
    const next = await deploy(engine.deps, engine.env, request(['atomic0', 'atomic119']));
    expect(next.definitions.map((d) => d.version)).toEqual([2, 1]);
  });

  it('definitions written before a commit that never happens (the process died) are never seen, and the latest stays the latest', async () => {
    // given a committed version 1, then a deployment that dies after writing its definitions
    await deploy(engine.deps, engine.env, request(['orphaned']));
    const commit = vi.spyOn(engine.deps.definitions, 'commitDeployment').mockRejectedValueOnce(new Error('killed'));
    const cleanup = vi.spyOn(engine.deps.definitions, 'removeUncommitted').mockRejectedValueOnce(new Error('killed'));
    const release = vi.spyOn(engine.deps.definitions, 'releaseVersion').mockRejectedValue(new Error('killed'));

    // when
    await expect(deploy(engine.deps, engine.env, request(['orphaned']))).rejects.toThrow('killed');
    for (const spy of [commit, cleanup, release]) spy.mockRestore();

    // then its pending version 2 is stored but not seen: by key, as the latest, in the list, by id
    expect(await seen('orphaned')).toEqual([1]);
    expect((await engine.deps.definitions.latestDefinition('orphaned', null))?.version).toBe(1);
    expect((await engine.deps.definitions.listDefinitions()).filter((d) => d.key === 'orphaned').map((d) => d.version)).toEqual([1]);
  });

  it('a committed deployment is seen whole even before its definitions are settled', async () => {
    // given a deployment whose settling fails after the commit
    const settle = vi.spyOn(engine.deps.definitions, 'settleDeployment').mockRejectedValueOnce(new Error('settling failed'));

    // when
    const outcome = await deploy(engine.deps, engine.env, request(['unsettledA', 'unsettledB']));
    settle.mockRestore();

    // then
    expect(await seen('unsettledA')).toEqual([1]);
    expect((await engine.deps.definitions.getDefinition(outcome.definitions[1]!.id))?.key).toBe('unsettledB');
    expect(await engine.deps.definitions.definitionXml(outcome.definitions[0]!)).toBe(userTaskChain('unsettledA', ['task']));
  });

  it('a commit whose answer was lost stands: the deployment is kept whole with its version numbers', async () => {
    // given a commit that reaches the store but whose answer does not come back
    const repository = engine.deps.definitions;
    const commit = repository.commitDeployment.bind(repository);
    const lost = vi.spyOn(repository, 'commitDeployment').mockImplementationOnce(async (...args) => {
      await commit(...args);
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    });

    // when
    const outcome = await deploy(engine.deps, engine.env, request(['answerLost']));
    lost.mockRestore();

    // then
    expect(outcome.definitions.map((d) => d.version)).toEqual([1]);
    expect(await seen('answerLost')).toEqual([1]);
    expect((await deploy(engine.deps, engine.env, request(['answerLost']))).definitions.map((d) => d.version)).toEqual([2]);
  });

  it('stores resources of any size in parts and reads each back exactly, whatever its characters and name', async () => {
    // given two large resources, one named as the other's name plus '#…', and a character outside the BMP on a part boundary
    const big = (key: string) => {
      const model = userTaskChain(key, ['task']);
      const filler = `${'d'.repeat(RESOURCE_PART_CHARS - 1)}😀${'e'.repeat(RESOURCE_PART_CHARS)}`;
      return model.replace('<startEvent id="start"/>', `<startEvent id="start"><documentation>${filler}</documentation></startEvent>`);
    };
    const resources = [
      { name: 'parts.bpmn', xml: big('partsA') },
      { name: 'parts.bpmn#b.bpmn', xml: big('partsB') },
    ];

    // when
    const outcome = await deploy(engine.deps, engine.env, { ...request([]), name: 'parts', resources });

    // then
    const stored = await engine.deps.definitions.listResources(outcome.deployment.id);
    const byName = Object.fromEntries(stored.map((r) => [r.name, r.xml === resources.find((x) => x.name === r.name)!.xml]));
    expect(byName).toEqual({ 'parts.bpmn': true, 'parts.bpmn#b.bpmn': true });
    for (const definition of outcome.definitions) expect(await engine.deps.definitions.definitionXml(definition)).toBe(resources.find((r) => r.name === definition.resourceName)!.xml);
  });
});
