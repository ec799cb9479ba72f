import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type AppContext, appContext } from '../../shared/app/app-context.ts';
import { countBatches, deleteBatch, getBatch, queryBatches } from '../../shared/app/batches.ts';
import { deleteDeployment, deploy, getDeployment } from '../../shared/app/deployments.ts';
import { RequestError } from '../../shared/app/errors.ts';
import { countHistoricProcessInstances, queryHistoricProcessInstances } from '../../shared/app/history.ts';
import { countProcessDefinitions, getProcessDefinition, queryProcessDefinitions, startProcessInstance } from '../../shared/app/process-definitions.ts';
import { AuthContext, AuthorizationError } from '../../shared/auth/auth-context.ts';
import { RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import { type Batch, createBatch, historicBatchOf } from '../../shared/batch/batch.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The use cases of deployments, definitions and batches do Camunda's authorization checks
 * themselves: called directly, without HTTP, a caller gets exactly what their grants allow.
 */

const GRANT = 1;

const bpmn = (key: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="test">
  <process id="${key}" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <userTask id="task"/>
    <sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const deployment = (...keys: string[]) => ({
  request: () => ({
    name: 'app-test',
    source: null,
    tenantId: null,
    enableDuplicateFiltering: false,
    deployChangedOnly: false,
    resources: keys.map((key) => ({ name: `${key}.bpmn`, xml: bpmn(key) })),
  }),
});

describe('the definition and batch use cases called directly', () => {
  let runtime: LocalRuntime;
  let app: AppContext;
  const admin = AuthContext.anonymous();

  /** A new user with no grants, and a way to act as them with their current grants. */
  async function newUser() {
    const id = `user-${randomUUID().slice(0, 8)}`;
    await runtime.services.identities.saveUser({ id, firstName: null, lastName: null, email: null, passwordHash: 'unused' }, true);
    return {
      id,
      /** Authorizations are read once per AuthContext (per request): a fresh one sees the latest grants. */
      caller: async () => new AuthContext(await runtime.services.identities.identityOf(id), runtime.services.identities),
      grant: (resource: ResourceName, resourceId: string, ...permissions: string[]) =>
        runtime.services.identities.saveAuthorization({ id: randomUUID(), type: GRANT, permissions, userId: id, groupId: null, resourceType: RESOURCE_TYPES[resource], resourceId }),
    };
  }

  /** A batch written as the API writes it, without its seed message: it stays as it is. */
  async function storedBatch(): Promise<Batch> {
    const env = runtime.services.engine.env;
    const batch = createBatch({
      id: env.newId(),
      jobDefinitionIds: ['s', 'm', 'e'],
      configuration: { processDefinitionId: 'p:1', processInstanceIds: ['pi-1'], instructions: [{ type: 'cancel', activityId: 'a' }], skipCustomListeners: false, skipIoMappings: false },
      tenantId: null,
      createUserId: null,
      now: env.now(),
      settings: runtime.services.batches.settings,
      singleInstance: false,
    });
    await runtime.services.batches.repository.create(batch, historicBatchOf(batch), ['pi-1']);
    return batch;
  }

  const forbidden = (permissionName: string, resourceName: string) =>
    expect.objectContaining({ name: 'AuthorizationException', checks: [expect.objectContaining({ permission: permissionName, resource: resourceName })] });

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    app = appContext(runtime.services);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('refuses a deployment to a caller without CREATE on Deployment, before reading the request', async () => {
    // given a user without any grant
    const mary = await newUser();
    let read = false;
    // when they deploy
    const request = () => {
      read = true;
      return deployment('refused').request();
    };
    const attempt = deploy(app, await mary.caller(), { request });
    // then Camunda's AuthorizationException names CREATE on Deployment, and the form was never read
    await expect(attempt).rejects.toBeInstanceOf(AuthorizationError);
    await expect(attempt).rejects.toEqual(forbidden('CREATE', 'Deployment'));
    expect(read).toBe(false);
  });

  it('deploys for a caller granted CREATE on Deployment', async () => {
    // given a user granted CREATE on every deployment
    const mary = await newUser();
    await mary.grant('Deployment', '*', 'CREATE');
    // when they deploy a process
    const key = `granted${randomUUID().slice(0, 8)}`;
    const outcome = await deploy(app, await mary.caller(), deployment(key));
    // then its definition is created
    expect(outcome.definitions.map((d) => d.key)).toEqual([key]);
  });

  it('answers a definition query with only the definitions the caller may READ', async () => {
    // given two definitions, and a user granted READ on the first only
    const [readable, hidden] = [`readable${randomUUID().slice(0, 8)}`, `hidden${randomUUID().slice(0, 8)}`];
    await deploy(app, admin, deployment(readable, hidden));
    const mary = await newUser();
    await mary.grant('ProcessDefinition', readable, 'READ');
    const caller = await mary.caller();
    // when they query the definitions of both keys
    const found = await queryProcessDefinitions(app, caller, { keysIn: [readable, hidden] });
    const count = await countProcessDefinitions(app, caller, { keysIn: [readable, hidden] });
    // then only the readable one is there, and the other does not exist for them
    expect(found.map((d) => d.key)).toEqual([readable]);
    expect(count).toBe(1);
    await expect(getProcessDefinition(app, caller, { key: hidden })).rejects.toEqual(expect.objectContaining({ status: 404, type: 'RestException' }));
    await expect(getProcessDefinition(app, caller, { key: hidden })).rejects.toBeInstanceOf(RequestError);
  });

  it('starts an instance only with CREATE_INSTANCE on the definition and CREATE on ProcessInstance', async () => {
    // given a definition the user may READ but not yet start
    const key = `startable${randomUUID().slice(0, 8)}`;
    await deploy(app, admin, deployment(key));
    const mary = await newUser();
    await mary.grant('ProcessDefinition', key, 'READ');
    const start = async () => startProcessInstance(app, await mary.caller(), { definition: { key }, request: () => ({ businessKey: 'bk' }) });
    // when they start it without CREATE_INSTANCE, then the definition's CREATE_INSTANCE is missing
    await expect(start()).rejects.toEqual(forbidden('CREATE_INSTANCE', 'ProcessDefinition'));
    // when they start it with CREATE_INSTANCE only, then CREATE on ProcessInstance is missing
    await mary.grant('ProcessDefinition', key, 'CREATE_INSTANCE');
    await expect(start()).rejects.toEqual(forbidden('CREATE', 'ProcessInstance'));
    // when they start it with both, then the instance runs
    await mary.grant('ProcessInstance', '*', 'CREATE');
    const { instance, variables } = await start();
    expect(instance.businessKey).toBe('bk');
    expect(variables).toBeUndefined();
  });

  it('does not start an instance of a definition the caller may not READ: it does not exist for them', async () => {
    // given a definition the user has no grant on
    const key = `unseen${randomUUID().slice(0, 8)}`;
    await deploy(app, admin, deployment(key));
    const mary = await newUser();
    // when they start it
    const attempt = startProcessInstance(app, await mary.caller(), { definition: { key }, request: () => ({}) });
    // then it is a 404, as for a key that was never deployed
    await expect(attempt).rejects.toEqual(expect.objectContaining({ status: 404, message: `No matching process definition with key: ${key} and no tenant-id` }));
  });

  it('answers batch queries with only the batches the caller may READ, and deletes only with DELETE on Batch', async () => {
    // given two batches, and a user granted READ on the first only
    const [readable, hidden] = [await storedBatch(), await storedBatch()];
    const mary = await newUser();
    await mary.grant('Batch', readable.id, 'READ');
    const caller = await mary.caller();
    // when they query both batches
    const found = (await queryBatches(app, caller, {})).filter((b) => b.id === readable.id || b.id === hidden.id);
    // then only the readable one is there, and the other one does not exist for them
    expect(found.map((b) => b.id)).toEqual([readable.id]);
    expect(await countBatches(app, caller, { batchId: hidden.id })).toBe(0);
    await expect(getBatch(app, caller, { id: hidden.id })).rejects.toEqual(expect.objectContaining({ status: 404 }));
    // when they delete the readable one without DELETE, then Batch's DELETE is missing and it stays
    await expect(deleteBatch(app, await mary.caller(), { id: readable.id, cascade: true })).rejects.toEqual(forbidden('DELETE', 'Batch'));
    expect((await getBatch(app, admin, { id: readable.id })).id).toBe(readable.id);
    // when they delete it with DELETE on it, then it is gone
    await mary.grant('Batch', readable.id, 'DELETE');
    await deleteBatch(app, await mary.caller(), { id: readable.id, cascade: true });
    await expect(getBatch(app, admin, { id: readable.id })).rejects.toEqual(expect.objectContaining({ status: 404 }));
  });

  it('answers a historic instance query with only the instances whose history the caller may read', async () => {
    // given two started instances of a definition, and a user granted READ on the first one's history only
    const key = `history${randomUUID().slice(0, 8)}`;
    await deploy(app, admin, deployment(key));
    const first = await startProcessInstance(app, admin, { definition: { key }, request: () => ({}) });
    await startProcessInstance(app, admin, { definition: { key }, request: () => ({}) });
    const mary = await newUser();
    await mary.grant('HistoricProcessInstance', first.instance.id, 'READ');
    // when they query the history of the definition
    const found = await queryHistoricProcessInstances(app, await mary.caller(), { processDefinitionKey: key });
    // then only the first instance is there, with its definition's version
    expect(found.map(({ item }) => item.id)).toEqual([first.instance.id]);
    expect(found[0]!.definitionVersion).toBe(1);
    // and READ_HISTORY on the definition shows both
    await mary.grant('ProcessDefinition', key, 'READ_HISTORY');
    expect(await countHistoricProcessInstances(app, await mary.caller(), { processDefinitionKey: key })).toBe(2);
  });

  it('deletes a deployment with its running instances only with DELETE on the deployment and on each instance', async () => {
    // given a deployment with a running instance, and a user granted READ and DELETE on the deployment only
    const key = `cascade${randomUUID().slice(0, 8)}`;
    const { deployment: deployed } = await deploy(app, admin, deployment(key));
    const { instance } = await startProcessInstance(app, admin, { definition: { key }, request: () => ({}) });
    const mary = await newUser();
    await mary.grant('Deployment', deployed.id, 'READ', 'DELETE');
    const options = () => ({ cascade: true, skipCustomListeners: false, skipIoMappings: false });
    // when they delete it with cascade, then DELETE on the instance is missing and the deployment stays
    await expect(deleteDeployment(app, await mary.caller(), { id: deployed.id, options })).rejects.toEqual(forbidden('DELETE', 'ProcessInstance'));
    expect((await getDeployment(app, await mary.caller(), { id: deployed.id })).id).toBe(deployed.id);
    // when they may delete the instance too, then the deployment and its definition are gone
    await mary.grant('ProcessInstance', instance.id, 'DELETE');
    await deleteDeployment(app, await mary.caller(), { id: deployed.id, options });
    await expect(getDeployment(app, admin, { id: deployed.id })).rejects.toEqual(expect.objectContaining({ status: 404 }));
    await expect(getProcessDefinition(app, admin, { key })).rejects.toEqual(expect.objectContaining({ status: 404 }));
  });
});
