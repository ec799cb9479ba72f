import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type AppContext, appContext } from '../../shared/app/app-context.ts';
import { executeModification, modifyProcessInstance, modifyProcessInstanceAsync } from '../../shared/app/modification.ts';
import { modifyInstanceVariables } from '../../shared/app/process-instance-variables.ts';
import { countProcessInstances, deleteProcessInstance, getActivityInstanceTree, getProcessInstance, queryProcessInstances } from '../../shared/app/process-instances.ts';
import { ResourceNotFound } from '../../shared/app/errors.ts';
import { AuthContext, AuthorizationError } from '../../shared/auth/auth-context.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES, type ResourceName } from '../../shared/auth/resources.ts';
import type { ModificationInstruction } from '../../shared/engine/modification/instructions.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import type { DefinitionRecord } from '../../shared/app/read-models.ts';
import { userTaskChain } from '../e2e/inline-bpmn.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Camunda's authorization checks of the process instance use cases, called directly (no HTTP): the
 * same checks every entry point gets. Users and authorizations are written to the identity
 * repository; each caller is the AuthContext the REST layer would build for that user.
 */

type Grant = { resource: ResourceName; permissions: string[]; resourceId?: string };

const START_USER2: ModificationInstruction[] = [{ type: 'startBeforeActivity', activityId: 'user2' }];
const CANCEL_USER1: ModificationInstruction[] = [{ type: 'cancel', activityId: 'user1', cancelCurrentActiveActivityInstances: false }];

const options = (instructions: ModificationInstruction[]) => ({ instructions, skipCustomListeners: false, skipIoMappings: false });

/** The missing authorizations of a disjunctive instance check, as Camunda lists them. */
const instanceChecks = (permission: 'READ' | 'UPDATE' | 'DELETE', pi: string) => [
  { permission, resource: 'ProcessInstance', resourceId: pi },
  { permission: `${permission}_INSTANCE`, resource: 'ProcessDefinition', resourceId: 'p1' },
];

describe('the authorization of the process instance use cases', () => {
  let runtime: LocalRuntime;
  let app: AppContext;
  let definition: DefinitionRecord;
  let authorizations = 0;
  const admin = AuthContext.anonymous();

  /** A user with these authorizations, as the caller the REST layer builds for them. */
  async function caller(id: string, grants: Grant[]): Promise<AuthContext> {
    const identities = runtime.services.identities;
    await identities.saveUser({ id, firstName: id, lastName: null, email: null, passwordHash: hashPassword(id) }, false);
    for (const g of grants) {
      authorizations += 1;
      await identities.saveAuthorization({
        id: `app-auth-${authorizations}`,
        type: AUTHORIZATION_TYPES.GRANT,
        permissions: g.permissions,
        userId: id,
        groupId: null,
        resourceType: RESOURCE_TYPES[g.resource],
        resourceId: g.resourceId ?? '*',
      });
    }
    return new AuthContext(await identities.identityOf(id), identities);
  }

  async function startInstance(): Promise<string> {
    return (await runtime.services.engine.start(definition, {})).id;
  }

  /** The activity ids of the instance's tree below the root, or 'ended'. */
  async function activities(pi: string): Promise<string[] | 'ended'> {
    try {
      const tree = await getActivityInstanceTree(app, admin, { processInstanceId: pi });
      return (tree?.childActivityInstances ?? []).map((child) => child.activityId).sort();
    } catch (error) {
      if (error instanceof ResourceNotFound) return 'ended';
      throw error;
    }
  }

  async function refusal(action: Promise<unknown>): Promise<unknown> {
    try {
      await action;
    } catch (error) {
      return error;
    }
    throw new Error('the use case did not refuse');
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    app = appContext(runtime.services);
    const deployed = await deploy(runtime.services.engine.deps, runtime.services.engine.env, {
      name: 'p1',
      source: null,
      tenantId: null,
      enableDuplicateFiltering: false,
      deployChangedOnly: false,
      resources: [{ name: 'p1.bpmn', xml: userTaskChain('p1', ['user1', 'user2']) }],
    });
    definition = deployed.definitions[0]!;
  });
  afterAll(async () => runtime?.stop());

  it('refuses to modify an instance the caller may read but not update, with the missing permissions, and changes nothing', async () => {
    // given an instance and a user who may only read it
    const pi = await startInstance();
    const reader = await caller('reader', [{ resource: 'ProcessInstance', permissions: ['READ'] }]);

    // when the user modifies it
    const error = await refusal(modifyProcessInstance(app, reader, { processInstanceId: pi, ...options(START_USER2) }));

    // then the use case throws Camunda's AuthorizationException naming UPDATE on the instance or UPDATE_INSTANCE on its definition
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).toDto()).toMatchObject({
      type: 'AuthorizationException',
      userId: 'reader',
      missingAuthorizations: instanceChecks('UPDATE', pi).map((c) => ({ permissionName: c.permission, resourceName: c.resource, resourceId: c.resourceId })),
    });
    // and the instance still waits in user1 only
    expect(await activities(pi)).toEqual(['user1']);
  });

  it('modifies an instance for a caller with UPDATE on that one instance', async () => {
    // given an instance and a user with UPDATE on exactly that instance
    const pi = await startInstance();
    const updater = await caller('updater', [{ resource: 'ProcessInstance', permissions: ['UPDATE'], resourceId: pi }]);

    // when the user starts user2 in it
    await modifyProcessInstance(app, updater, { processInstanceId: pi, ...options(START_USER2) });

    // then both tasks are active
    expect(await activities(pi)).toEqual(['user1', 'user2']);
  });

  it('reads the instance once for an authenticated modification, checking the permissions on the state it changes', async () => {
    // given an instance and a user with UPDATE on it
    const pi = await startInstance();
    const updater = await caller('onceUpdater', [{ resource: 'ProcessInstance', permissions: ['UPDATE'], resourceId: pi }]);
    const loads = vi.spyOn(runtime.services.engine, 'load');

    // when the user modifies it
    let loaded: string[];
    try {
      await modifyProcessInstance(app, updater, { processInstanceId: pi, ...options(START_USER2) });
    } finally {
      loaded = loads.mock.calls.map(([id]) => id);
      loads.mockRestore();
    }

    // then the instance was loaded exactly once
    expect(loaded).toEqual([pi]);
  });

  it('needs DELETE as well when the modification ends the instance', async () => {
    // given an instance and a user who may update but not delete instances of p1
    const pi = await startInstance();
    const updater = await caller('noDelete', [{ resource: 'ProcessDefinition', permissions: ['UPDATE_INSTANCE'], resourceId: 'p1' }]);

    // when the user cancels its only task
    const error = await refusal(modifyProcessInstance(app, updater, { processInstanceId: pi, ...options(CANCEL_USER1) }));

    // then DELETE on the instance or DELETE_INSTANCE on the definition is missing, and the instance is untouched
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).checks).toEqual(instanceChecks('DELETE', pi));
    expect(await activities(pi)).toEqual(['user1']);

    // when a user who may also delete does the same
    const deleter = await caller('mayDelete', [{ resource: 'ProcessDefinition', permissions: ['UPDATE_INSTANCE', 'DELETE_INSTANCE'], resourceId: 'p1' }]);
    await modifyProcessInstance(app, deleter, { processInstanceId: pi, ...options(CANCEL_USER1) });

    // then the instance has ended
    expect(await activities(pi)).toBe('ended');
  });

  it('shows a caller with READ on one instance only that instance in queries, counts and look-ups', async () => {
    // given two instances and a user who may read the first
    const readable = await startInstance();
    const hidden = await startInstance();
    const reader = await caller('oneReader', [{ resource: 'ProcessInstance', permissions: ['READ'], resourceId: readable }]);

    // when the user queries, counts and looks both up
    const found = await queryProcessInstances(app, reader, { filter: { processDefinitionKey: 'p1' } });
    const counted = await countProcessInstances(app, reader, { processDefinitionKey: 'p1' });
    const shown = await getProcessInstance(app, reader, { processInstanceId: readable });
    const missing = await refusal(getProcessInstance(app, reader, { processInstanceId: hidden }));

    // then only the readable one exists for them; the other is reported like a missing one
    expect(found.map((s) => s.id)).toEqual([readable]);
    expect(counted).toBe(1);
    expect(shown.id).toBe(readable);
    expect(missing).toBeInstanceOf(ResourceNotFound);
    expect((missing as Error).message).toBe(`Process instance with id ${hidden} does not exist`);
  });

  it('needs UPDATE_VARIABLE or UPDATE to change an instance’s variables, readable or not (Camunda’s checkUpdateProcessInstanceVariables)', async () => {
    // given an instance, a user who may not read it and one who may only read it
    const pi = await startInstance();
    const stranger = await caller('stranger', []);
    const reader = await caller('varReader', [{ resource: 'ProcessInstance', permissions: ['READ'], resourceId: pi }]);
    const modifications = { x: { type: 'String' as const, value: 'y' } };

    // when each of them sets a variable
    const refusals = [
      await refusal(modifyInstanceVariables(app, stranger, pi, modifications, [], 'ModifyVariable')),
      await refusal(modifyInstanceVariables(app, reader, pi, modifications, [], 'ModifyVariable')),
    ];

    // then both lack UPDATE_VARIABLE and UPDATE
    for (const refused of refusals) {
      expect(refused).toBeInstanceOf(AuthorizationError);
      expect((refused as AuthorizationError).checks).toEqual([
        { permission: 'UPDATE_VARIABLE', resource: 'ProcessInstance', resourceId: pi },
        { permission: 'UPDATE_INSTANCE_VARIABLE', resource: 'ProcessDefinition', resourceId: 'p1' },
        ...instanceChecks('UPDATE', pi),
      ]);
    }
    // and UPDATE_VARIABLE alone suffices
    const variableWriter = await caller('varWriter', [{ resource: 'ProcessInstance', permissions: ['UPDATE_VARIABLE'], resourceId: pi }]);
    await modifyInstanceVariables(app, variableWriter, pi, modifications, [], 'ModifyVariable');
  });

  it('deletes an instance only for a caller with DELETE', async () => {
    // given an instance and a user who may read but not delete it
    const pi = await startInstance();
    const reader = await caller('delReader', [{ resource: 'ProcessInstance', permissions: ['READ'], resourceId: pi }]);
    const input = { processInstanceId: pi, skipCustomListeners: false, skipIoMappings: false };

    // when the user deletes it
    const error = await refusal(deleteProcessInstance(app, reader, input));

    // then DELETE is missing and the instance still runs
    expect((error as AuthorizationError).checks).toEqual(instanceChecks('DELETE', pi));
    expect(await activities(pi)).toEqual(['user1']);

    // when a user with READ and DELETE deletes it, then it is gone
    await deleteProcessInstance(app, await caller('delAll', [{ resource: 'ProcessInstance', permissions: ['READ', 'DELETE'], resourceId: pi }]), input);
    expect(await activities(pi)).toBe('ended');
  });

  it('checks UPDATE on every instance of a bulk modification before changing any of them', async () => {
    // given two instances and a user who may update only the second
    const first = await startInstance();
    const second = await startInstance();
    const partial = await caller('partial', [{ resource: 'ProcessInstance', permissions: ['UPDATE'], resourceId: second }]);

    // when the user modifies both synchronously
    const error = await refusal(executeModification(app, partial, { processDefinitionId: definition.id, processInstanceIds: [second, first], ...options(START_USER2) }));

    // then the first is refused and neither changed, although the second was checked first
    expect((error as AuthorizationError).checks).toEqual(instanceChecks('UPDATE', first));
    expect(await activities(first)).toEqual(['user1']);
    expect(await activities(second)).toEqual(['user1']);
  });

  it('creates a single-instance modification batch only for a caller allowed to create batches', async () => {
    // given an instance and a user with every instance permission but none on batches
    const pi = await startInstance();
    const noBatch = await caller('noBatch', [{ resource: 'ProcessInstance', permissions: ['ALL'] }]);

    // when the user modifies it asynchronously
    const error = await refusal(modifyProcessInstanceAsync(app, noBatch, { processInstanceId: pi, ...options(START_USER2) }));

    // then CREATE_BATCH_MODIFY_PROCESS_INSTANCES or CREATE on Batch is missing
    expect((error as AuthorizationError).checks).toEqual([
      { permission: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resource: 'Batch' },
      { permission: 'CREATE', resource: 'Batch' },
    ]);

    // when a user with Batch CREATE does the same, then the batch names them as its creator
    const batch = await modifyProcessInstanceAsync(app, await caller('batcher', [{ resource: 'Batch', permissions: ['CREATE'] }]), { processInstanceId: pi, ...options(START_USER2) });
    expect(batch.createUserId).toBe('batcher');
  });
});
