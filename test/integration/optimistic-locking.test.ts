import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.ts';
import { type RunningServer, startHttpServer } from '../../local/http-server.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { appContext } from '../../shared/app/app-context.ts';
import { executeModification } from '../../shared/app/modification.ts';
import { AuthContext } from '../../shared/auth/auth-context.ts';
import type { ProcessModel } from '../../shared/bpmn/model.ts';
import { EngineError } from '../../shared/engine/errors.ts';
import { modifyVariables } from '../../shared/engine/operations.ts';
import type { ProcessInstanceState, TypedValue } from '../../shared/engine/state.ts';
import { EngineService } from '../../shared/service/engine-service.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { ConcurrentModificationError } from '../../shared/store/errors.ts';
import { InstanceRepository, type StoredInstance } from '../../shared/store/instance-repository.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';

const str = (value: string): TypedValue => ({ type: 'String', value });

/** The engine service of a runtime (`services.engine`; `service` in older runtimes). */
function engineOf(runtime: LocalRuntime): EngineService {
  const r = runtime as unknown as { services?: { engine?: EngineService }; service?: EngineService };
  const engine = r.services?.engine ?? r.service;
  if (!engine) throw new Error('the runtime exposes no engine service');
  return engine;
}

/**
 * An instance repository whose next `races` saves are each preceded by a competing save from the
 * same stored version: a racing writer that always commits first, so the real save must lose.
 */
class RacingInstanceRepository extends InstanceRepository {
  races = 0;
  racerWrites = 0;

  constructor(
    tableName: string,
    endpoint: string,
    private readonly racer: (state: ProcessInstanceState, model: ProcessModel, n: number) => ProcessInstanceState,
  ) {
    super(createDocumentClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint }), tableName, { shards: 4 });
  }

  override async save(previous: StoredInstance, next: ProcessInstanceState, model: ProcessModel, extra: Record<string, unknown>[] = []): Promise<StoredInstance> {
    if (this.races > 0) {
      this.races -= 1;
      this.racerWrites += 1;
      await super.save(previous, this.racer(previous.state, model, this.racerWrites), model);
    }
    return super.save(previous, next, model, extra);
  }
}

describe('optimistic locking of process instances against DynamoDB', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let engine: EngineService;

  const startInstance = async () => {
    const response = await api.post('/process-definition/key/lockingProcess/start', { variables: { initial: { value: 'yes' } } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.id as string;
  };
  const setVariable = (name: string, value: string) => (state: ProcessInstanceState, model: ProcessModel) => modifyVariables(state, model, { [name]: str(value) }, [], engine.env);
  const missing = () => new Error('instance missing');

  /** An engine service over the runtime's table whose instance writes race with a competing writer. */
  const racingService = (conflictRetries: number) => {
    const instances = new RacingInstanceRepository(
      runtime.resources.tableName,
      runtime.endpoint,
      (state, model, n) => modifyVariables(state, model, { [`racer${n}`]: str('won') }, [], engine.env).state,
    );
    return { instances, service: new EngineService({ ...engine.deps, instances, conflictRetries }) };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    engine = engineOf(runtime);
    const deployed = await api.deploy({ 'locking.bpmn': userTaskChain('lockingProcess', ['wait']) });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  it('lets exactly one of two concurrent saves from the same version win; the other gets ConcurrentModificationError', async () => {
    // given / when
    const outcome = await (async () => {
      const id = await startInstance();
      const loaded = (await engine.load(id))!;
      const first = modifyVariables(loaded.stored.state, loaded.model, { writer: str('first') }, [], engine.env).state;
      const second = modifyVariables(loaded.stored.state, loaded.model, { writer: str('second') }, [], engine.env).state;
      const results = await Promise.allSettled([engine.deps.instances.save(loaded.stored, first, loaded.model), engine.deps.instances.save(loaded.stored, second, loaded.model)]);
      const stored = (await engine.deps.instances.get(id))!;
      return { id, results, stored, successfulSaves: results.filter((r) => r.status === 'fulfilled').length, versionGain: stored.version - loaded.stored.version };
    })();

    // then
    const { id, results, stored } = outcome;
    const lost = results.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcome.successfulSaves).toBe(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConcurrentModificationError);
    expect(lost[0]!.reason).toMatchObject({
      name: 'OptimisticLockingException',
      entityId: id,
      message: `ENGINE-03005 Execution of 'UPDATE ProcessInstance[${id}]' failed. Entity was updated by another transaction concurrently.`,
    });
    const winner = results[0]!.status === 'fulfilled' ? 'first' : 'second';
    expect(outcome.versionGain).toBe(1);
    expect(stored.state.root.variables?.writer).toEqual(str(winner));
  }, 60_000);

  it('refuses a save from a stale version even without a concurrent request', async () => {
    // given
    const id = await startInstance();
    const loaded = (await engine.load(id))!;
    await engine.deps.instances.save(loaded.stored, modifyVariables(loaded.stored.state, loaded.model, { a: str('1') }, [], engine.env).state, loaded.model);

    // when
    const stale = engine.deps.instances.save(loaded.stored, modifyVariables(loaded.stored.state, loaded.model, { b: str('2') }, [], engine.env).state, loaded.model);

    // then
    await expect(stale).rejects.toBeInstanceOf(ConcurrentModificationError);
    const stored = (await engine.deps.instances.get(id))!;
    expect(stored.version).toBe(loaded.stored.version + 1);
    expect(Object.keys(stored.state.root.variables ?? {}).sort()).toEqual(['a', 'initial']);
  });

  it('loses no update when ten updates race through EngineService.update: each retries on fresh state', async () => {
    // given a service whose retries always suffice: a writer loses at most once per other writer
    const service = new EngineService({ ...engine.deps, conflictRetries: 9 });
    const names = Array.from({ length: 10 }, (_, i) => `v${i}`);

    // when
    const outcome = await (async () => {
      const id = await startInstance();
      const before = (await engine.deps.instances.get(id))!;
      const results = await Promise.allSettled(names.map((name) => service.update(id, setVariable(name, name.toUpperCase()), missing)));
      const stored = (await engine.deps.instances.get(id))!;
      return { id, results, stored, successfulSaves: results.filter((r) => r.status === 'fulfilled').length, versionGain: stored.version - before.version };
    })();

    // then
    const { id, results, stored } = outcome;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(outcome.versionGain).toBe(10);
    for (const name of names) expect(stored.state.root.variables?.[name]).toEqual(str(name.toUpperCase()));
    expect((await api.get(`/process-instance/${id}/variables`)).body.initial).toEqual({ type: 'String', value: 'yes', valueInfo: {} });
  }, 60_000);

  it('re-applies an update on the fresh state after losing a race, keeping the winner’s change', async () => {
    // given
    const id = await startInstance();
    const { instances, service } = racingService(3);
    instances.races = 2;

    // when
    const state = await service.update(id, setVariable('mine', 'kept'), missing);

    // then
    expect(instances.racerWrites).toBe(2);
    const stored = (await engine.deps.instances.get(id))!;
    expect(stored.state).toEqual(state);
    expect(stored.state.root.variables).toMatchObject({ initial: str('yes'), racer1: str('won'), racer2: str('won'), mine: str('kept') });
  });

  it('throws EngineError OptimisticLockingException with code 1 once the conflict retries are exhausted', async () => {
    // given
    const id = await startInstance();
    const { instances, service } = racingService(0);
    instances.races = 1;
    const before = (await engine.deps.instances.get(id))!;

    // when
    const update = service.update(id, setVariable('mine', 'lost'), missing);

    // then
    const error = await update.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({
      type: 'OptimisticLockingException',
      code: 1,
      message: `ENGINE-03005 Execution of 'UPDATE ProcessInstance[${id}]' failed. Entity was updated by another transaction concurrently.`,
    });
    const stored = (await engine.deps.instances.get(id))!;
    expect(stored.version).toBe(before.version + 1);
    expect(stored.state.root.variables?.mine).toBeUndefined();
    expect(stored.state.root.variables?.racer1).toEqual(str('won'));

    // and with one retry more the same race is survived
    const retrying = racingService(1);
    retrying.instances.races = 1;
    await retrying.service.update(id, setVariable('mine', 'kept'), missing);
    expect((await engine.deps.instances.get(id))!.state.root.variables?.mine).toEqual(str('kept'));
  });

  it('re-plans an instance of a synchronous bulk modification that lost a race, keeping the winner’s change', async () => {
    // given two instances, and writes that lose one race to a competing writer
    const first = await startInstance();
    const second = await startInstance();
    const definitionId = (await engine.deps.instances.get(first))!.state.definitionId;
    const { instances, service } = racingService(1);
    instances.races = 1;
    const app = appContext({ ...runtime.services, engine: service });
    const startSecondTask = {
      processDefinitionId: definitionId,
      processInstanceIds: [first, second],
      instructions: [{ type: 'startBeforeActivity' as const, activityId: 'wait' }],
      skipCustomListeners: false,
      skipIoMappings: false,
    };

    // when both are modified in one synchronous bulk modification
    await executeModification(app, AuthContext.anonymous(), startSecondTask);

    // then both are modified, and the racer's write to the first survived
    const waiting = async (id: string) => (await engine.deps.instances.get(id))!.state.root.children?.filter((c) => c.activityId === 'wait').length;
    expect(await waiting(first)).toBe(2);
    expect(await waiting(second)).toBe(2);
    expect((await engine.deps.instances.get(first))!.state.root.variables?.racer1).toEqual(str('won'));

    // and without retries left the lost race is Camunda's OptimisticLockingException, with the instances before it written
    const exhausted = racingService(0);
    exhausted.instances.races = 1;
    const error = await executeModification(appContext({ ...runtime.services, engine: exhausted.service }), AuthContext.anonymous(), startSecondTask).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ type: 'OptimisticLockingException', code: 1 });
  });

  describe('through the REST API', () => {
    let server: RunningServer;
    let racing: ReturnType<typeof racingService>;

    beforeAll(async () => {
      racing = racingService(0);
      server = await startHttpServer(createApiHandler({ ...runtime.services, engine: racing.service }), 0, () => {});
    });
    afterAll(async () => server?.close());

    it('answers 500 with the OptimisticLockingException’s code 1 when the instance changed concurrently (wrapped by the variables resource, as Camunda does)', async () => {
      // given
      const id = await startInstance();
      racing.instances.races = 1;
      const racingApi = restClient(server.url);

      // when
      const response = await racingApi.put(`/process-instance/${id}/variables/mine`, { value: 'lost', type: 'String' });

      // then
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        type: 'RestException',
        message: `Cannot put process instance variable mine: ENGINE-03005 Execution of 'UPDATE ProcessInstance[${id}]' failed. Entity was updated by another transaction concurrently.`,
        code: 1,
      });
      const variables = (await api.get(`/process-instance/${id}/variables`)).body;
      expect(variables.mine).toBeUndefined();
      expect(variables.racer1).toEqual({ type: 'String', value: 'won', valueInfo: {} });
    });

    it('loses no acknowledged update when many requests race on one instance', async () => {
      // given
      const names = Array.from({ length: 24 }, (_, i) => `p${i}`);
      const lockingFailure = (id: string, name: string) => ({
        type: 'RestException',
        message: `Cannot put process instance variable ${name}: ENGINE-03005 Execution of 'UPDATE ProcessInstance[${id}]' failed. Entity was updated by another transaction concurrently.`,
        code: 1,
      });

      // when
      const outcome = await (async () => {
        const id = await startInstance();
        const before = (await engine.deps.instances.get(id))!;
        const responses = await Promise.all(names.map((name) => api.put(`/process-instance/${id}/variables/${name}`, { value: name, type: 'String' })));
        const acknowledged = names.filter((_, i) => responses[i]!.status === 204);
        const after = (await engine.deps.instances.get(id))!;
        return { id, responses, acknowledged, successfulSaves: acknowledged.length, versionGain: after.version - before.version };
      })();

      // then every request either committed (204) or failed as Camunda's optimistic locking failure (500)
      const { id, responses, acknowledged } = outcome;
      for (const [i, response] of responses.entries()) {
        if (response.status === 204) continue;
        expect(response.status, names[i]).toBe(500);
        expect(response.body).toEqual(lockingFailure(id, names[i]!));
      }
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(outcome.versionGain).toBe(acknowledged.length);
      const variables = (await api.get(`/process-instance/${id}/variables`)).body;
      expect(
        Object.keys(variables)
          .filter((n) => n !== 'initial')
          .sort(),
      ).toEqual([...acknowledged].sort());
      for (const name of acknowledged) expect(variables[name]).toEqual({ type: 'String', value: name, valueInfo: {} });
    }, 60_000);
  });
});
