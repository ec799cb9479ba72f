import type { ProcessModel } from '../bpmn/model.ts';
import { isInfrastructureFailure } from '../aws/service-failure.ts';
import { cancelCall, completeCall, detachFromCaller, raiseHandOverIncident, resolveHandOverIncident, propagateFromCall, raiseCallIncident, resolveCallIncident } from '../engine/call-operations.ts';
import { EngineError, suspendedEntity } from '../engine/errors.ts';
import type { CallTarget, EngineEvent } from '../engine/events.ts';
import type { OperationResult } from '../engine/operation.ts';
import { deleteProcessInstance, startProcessInstance } from '../engine/operations.ts';
import type { ActivityInstanceState, CallerState, IncidentState, ProcessInstanceState } from '../engine/state.ts';
import { log } from '../observability/logger.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import { ConcurrentModificationError } from '../store/errors.ts';
import { type CallHandOver, handOverIds, type StartCalledHandOver, type StoredHandOver } from '../store/hand-over-items.ts';
import type { EngineService } from './engine-service.ts';

/**
 * The cross-instance effects of call activities (docs/decisions.md #38). An operation's events say
 * what it does to other instances of its call hierarchy; each effect becomes a hand-over record
 * written in the operation's own transaction (shared/store/hand-over-items.ts), and is then carried
 * out at once, in the same request, by consuming the record in the transaction of the effect. If
 * that fails or the process dies first, the job queue or the sweeper carries it out later: nothing
 * is lost, and a record is consumed once, so nothing happens twice.
 */

/** The hand-overs that change the caller of a called instance. */
type CallerHandOver = Exclude<CallHandOver, { kind: 'start-called' | 'delete-called' | 'detach-called' }>;

/** A called instance started in memory before its caller is stored, with the calls it makes itself. */
export interface PreparedCall {
  record: StartCalledHandOver;
  definition: DefinitionRecord;
  model: ProcessModel;
  result: OperationResult;
  calls: PreparedCall[];
}

/**
 * Starts, in memory, every instance the operation's call activities call, and what those call in
 * turn: a missing definition or a failing start is Camunda's error at the moment of the call, before
 * anything is written.
 */
export async function prepareCalls(engine: EngineService, events: readonly EngineEvent[], callerDefinitionId: string, budget = { left: MAX_CALLS_PER_REQUEST }): Promise<PreparedCall[]> {
  const started = events.flatMap((event) => (event.type === 'callStarted' ? [event] : []));
  if (started.length === 0) return [];
  budget.left -= started.length;
  if (budget.left < 0) throw new EngineError('ProcessEngineException', `One step would start more than ${MAX_CALLS_PER_REQUEST} called process instances`);
  const callerDefinition = await engine.definition(callerDefinitionId);
  if (!callerDefinition) throw new EngineError('ProcessEngineException', `Process definition '${callerDefinitionId}' is missing`);
  const prepared: PreparedCall[] = [];
  // A multi-instance call names one target many times: it is resolved once.
  const resolved = new Map<string, Promise<DefinitionRecord>>();
  for (const event of started) {
    const targetKey = JSON.stringify(event.target);
    if (!resolved.has(targetKey))
      resolved.set(
        targetKey,
        resolveCalledDefinition(engine, event.target, callerDefinition).then((definition) => startable(engine, definition)),
      );
    const definition = await resolved.get(targetKey)!;
    const model = await engine.model(definition);
    const record: StartCalledHandOver = {
      kind: 'start-called',
      id: handOverIds.start(event.calledInstanceId),
      calledInstanceId: event.calledInstanceId,
      created: engine.env.now(),
      definitionId: definition.id,
      variables: event.variables,
      ...(event.businessKey === undefined ? {} : { businessKey: event.businessKey }),
      caller: event.caller,
    };
    const result = startCalled(engine, record, definition, model);
    prepared.push({ record, definition, model, result, calls: await prepareCalls(engine, result.events, definition.id, budget) });
  }
  return prepared;
}

/**
 * How many called instances one request may start, all levels together: each is started in memory
 * before anything is written and its hand-over joins the caller's transaction (DynamoDB's 4 MB).
 */
export const MAX_CALLS_PER_REQUEST = 2_000;

/** A suspended definition is not called: the calling step fails, as Camunda's createProcessInstance does. */
async function startable(engine: EngineService, definition: DefinitionRecord): Promise<DefinitionRecord> {
  if (await engine.deps.definitions.isSuspended(definition.id)) throw suspendedEntity('Process Definition', definition.id);
  return definition;
}

function startCalled(engine: EngineService, record: StartCalledHandOver, definition: DefinitionRecord, model: ProcessModel): OperationResult {
  return startProcessInstance(
    model,
    { definitionId: definition.id, id: record.calledInstanceId, variables: record.variables, businessKey: record.businessKey, caller: record.caller, tenantId: definition.tenantId ?? undefined },
    engine.env,
  );
}

/**
 * The definition a call activity calls, by its binding (Camunda's CallableElementUtil): the latest
 * version, the one of the caller's deployment, a version or a version tag, in the caller's tenant
 * unless the call names one.
 */
export async function resolveCalledDefinition(engine: EngineService, target: CallTarget, caller: DefinitionRecord): Promise<DefinitionRecord> {
  const tenantId = target.tenantId === undefined ? caller.tenantId : target.tenantId;
  const { definitions } = engine.deps;
  const tenant = `'${tenantId ?? 'null'}'`;
  // Camunda's NullValueException messages (ProcessDefinitionCache) and ENGINE-03045.
  const missing = (what: string) => new EngineError('ProcessEngineException', `no processes deployed with ${what}: processDefinition is null`);
  const single = (found: DefinitionRecord[], what: string) => {
    if (found.length > 1)
      throw new EngineError('ProcessEngineException', `ENGINE-03045 There are '${found.length}' results for a process definition with key '${target.key}', ${what} and tenant-id '{}'.`);
    return found[0];
  };
  switch (target.binding) {
    case 'latest': {
      const found = await definitions.latestDefinition(target.key, tenantId);
      if (!found) throw missing(`key '${target.key}' and tenant-id ${tenant}`);
      return found;
    }
    case 'deployment': {
      const found = (await definitions.definitionsOfKey(target.key, tenantId)).find((d) => d.deploymentId === caller.deploymentId);
      if (!found) throw missing(`key = '${target.key}' in deployment = '${caller.deploymentId}'`);
      return found;
    }
    case 'version': {
      const found = single(
        (await definitions.definitionsOfKey(target.key, tenantId)).filter((d) => d.version === target.version),
        `version '${target.version}'`,
      );
      if (!found) throw missing(`key = '${target.key}', version = '${target.version}' and tenant-id = ${tenant}`);
      return found;
    }
    case 'versionTag': {
      const found = single(
        (await definitions.definitionsOfKey(target.key, tenantId)).filter((d) => d.versionTag === target.versionTag),
        `versionTag '${target.versionTag}'`,
      );
      if (!found) throw missing(`key = '${target.key}', versionTag = '${target.versionTag}' and tenant-id = ${tenant}`);
      return found;
    }
  }
}

/** The hand-overs an operation on `next` (stored over `previous`) causes, besides the starts prepared already. */
export function callHandOvers(
  engine: EngineService,
  events: readonly EngineEvent[],
  previous: ProcessInstanceState | undefined,
  next: ProcessInstanceState,
  prepared: readonly PreparedCall[],
): CallHandOver[] {
  const created = engine.env.now();
  const records: CallHandOver[] = prepared.map((call) => call.record);
  for (const event of events) {
    if (event.type === 'calledInstanceCancelled') {
      const { calledInstanceId, skipCustomListeners, skipIoMappings, externallyTerminated } = event;
      records.push({ kind: 'delete-called', id: handOverIds.delete(calledInstanceId), calledInstanceId, created, skipCustomListeners, skipIoMappings, externallyTerminated });
    }
    if (event.type === 'calledInstanceDetached') {
      records.push({ kind: 'detach-called', id: engine.env.newId(), calledInstanceId: event.calledInstanceId, created });
    }
    if (event.type === 'calledInstanceEnded') {
      records.push({ kind: 'called-ended', id: handOverIds.ended(next.id), calledInstanceId: next.id, created, caller: event.caller, variables: event.variables });
    }
    if (event.type === 'calledInstanceDeleted') {
      const { caller, skipCustomListeners, skipIoMappings, externallyTerminated } = event;
      records.push({ kind: 'called-deleted', id: engine.env.newId(), calledInstanceId: next.id, created, caller, skipCustomListeners, skipIoMappings, externallyTerminated });
    }
    if (event.type === 'thrownToCaller') {
      const { kind, code, message, caught, interrupting, variables } = event;
      records.push({
        kind: 'thrown-to-caller',
        id: engine.env.newId(),
        calledInstanceId: next.id,
        created,
        caller: event.caller,
        thrown: { kind, code, ...(message === undefined ? {} : { message }), caught, interrupting, variables },
      });
    }
  }
  if (next.caller) records.push(...incidentHandOvers(previous, next, created));
  return records;
}

/** The incidents a called instance gained and lost: its caller's call activity mirrors them. */
function incidentHandOvers(previous: ProcessInstanceState | undefined, next: ProcessInstanceState, created: number): CallHandOver[] {
  const caller = next.caller!;
  const before = previous ? incidentsOf(previous) : new Map<string, IncidentState>();
  const after = next.status === 'ACTIVE' ? incidentsOf(next) : new Map<string, IncidentState>();
  const records: CallHandOver[] = [];
  for (const [id, incident] of after) {
    if (before.has(id)) continue;
    records.push({
      kind: 'incident-raised',
      id: handOverIds.incidentRaised(id),
      calledInstanceId: next.id,
      created,
      caller,
      incidentId: id,
      rootCauseIncidentId: incident.rootCauseIncidentId ?? id,
      incidentType: incident.type,
    });
  }
  for (const id of before.keys()) if (!after.has(id)) records.push({ kind: 'incident-resolved', id: handOverIds.incidentResolved(id), calledInstanceId: next.id, created, caller, incidentId: id });
  return records;
}

function incidentsOf(state: ProcessInstanceState): Map<string, IncidentState> {
  const incidents = new Map<string, IncidentState>();
  const visit = (node: ActivityInstanceState) => {
    for (const incident of node.incidents ?? []) incidents.set(incident.id, incident);
    for (const child of node.children ?? []) visit(child);
  };
  visit(state.root);
  return incidents;
}

/**
 * Carries out the hand-overs an operation just stored, in the same request, so a caller sees its
 * called instance started (and a called instance its caller continued) when the request returns.
 * One that fails here is queued; the sweeper finds it should the queue fail too.
 */
export async function deliverHandOvers(engine: EngineService, records: readonly CallHandOver[], prepared: readonly PreparedCall[], groupIds: readonly string[] = []): Promise<void> {
  const preparedById = new Map(prepared.map((call) => [call.record.id, call]));
  const inline = engine.deps.handOversInline !== false;
  if (inline && groupIds.length > 0) {
    try {
      for (const groupId of groupIds) await engine.deps.handOvers.expandGroup(groupId);
    } catch (error) {
      log.warn('call hand-over groups not expanded in the request; the job queue will', { groupIds, error });
      await queueHandOvers(engine, groupIds);
      return;
    }
  }
  const failed: string[] = inline ? [] : groupIds.length > 0 ? [...groupIds] : records.map((record) => record.id);
  for (const [index, record] of (inline ? records : []).entries()) {
    try {
      await receiveHandOver(engine, record, preparedById.get(record.id));
    } catch (error) {
      // The rest go to the queue too: carried out here after a failed one, they could overtake it.
      log.warn('call hand-over not carried out in the request; the job queue will', { handOverId: record.id, kind: record.kind, error });
      failed.push(...records.slice(index).map((r) => r.id));
      break;
    }
  }
  await queueHandOvers(engine, failed);
}

/** A lost queue message only delays a hand-over: the sweeper finds it in the due-jobs index. */
async function queueHandOvers(engine: EngineService, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await engine.deps.publisher.send(
      engine.deps.jobQueueUrl,
      ids.map((jobId) => ({ jobId })),
    );
  } catch (error) {
    log.warn('call hand-overs not queued; the sweeper will queue them', { handOverIds: ids, error });
  }
}

/** A group from the job queue: expanded into its hand-overs, which go to the queue one by one, in order. */
export async function runHandOverGroup(engine: EngineService, groupId: string): Promise<'executed' | 'skipped'> {
  const records = await engine.deps.handOvers.expandGroup(groupId);
  if (records.length === 0) return 'skipped';
  await queueHandOvers(
    engine,
    records.map((record) => record.id),
  );
  return 'executed';
}

/**
 * Runs a hand-over from the job queue. An effect the engine refuses (a failing output mapping in the
 * caller, say) costs one retry and is logged; infrastructure errors propagate and the message returns.
 */
export async function runHandOver(engine: EngineService, stored: StoredHandOver): Promise<'executed' | 'failed' | 'skipped'> {
  if (stored.retries <= 0) return 'skipped';
  const { record } = stored;
  try {
    await receiveHandOver(engine, record);
    return 'executed';
  } catch (error) {
    if (isInfrastructureFailure(error) || isLostRace(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const retries = await engine.deps.handOvers.recordFailure(record.id, message);
    log.error('call hand-over failed', { handOverId: record.id, kind: record.kind, retriesLeft: retries, error });
    if (retries !== undefined && retries > 0) await engine.deps.publisher.send(engine.deps.jobQueueUrl, [{ jobId: record.id }]);
    // Out of retries: the caller shows it, as a failing job would in Camunda.
    const caller = callerOf(record);
    if (retries === 0 && caller) await raiseIncidentOnCaller(engine, caller, record.id, message);
    return 'failed';
  }
}

/** A race lost to another writer: the message comes back, as for an infrastructure failure. */
function isLostRace(error: unknown): boolean {
  return error instanceof ConcurrentModificationError || (error instanceof EngineError && error.type === 'OptimisticLockingException');
}

function raiseIncidentOnCaller(engine: EngineService, caller: CallerState, handOverId: string, message: string): Promise<void> {
  return updateIfRunning(engine, caller.processInstanceId, (state) => raiseHandOverIncident(state, caller.activityInstanceId, handOverId, message, engine.env));
}

/**
 * `PUT /job/{id}/retries` on a failed hand-over (the configuration of its incident): it gets the
 * retries, its incident goes, and it is queued. False when no hand-over has that id.
 */
export async function retryHandOver(engine: EngineService, handOverId: string, retries: number): Promise<boolean> {
  const stored = await engine.deps.handOvers.get(handOverId);
  if (!stored) return false;
  await engine.deps.handOvers.setRetries(handOverId, retries);
  const caller = callerOf(stored.record);
  if (caller) await updateIfRunning(engine, caller.processInstanceId, (state) => resolveHandOverIncident(state, handOverId));
  if (retries > 0) await engine.deps.publisher.send(engine.deps.jobQueueUrl, [{ jobId: handOverId }]);
  return true;
}

/** The caller a hand-over changes (for the authorization of a retry); none for those that change the called instance. */
export function callerOf(record: CallHandOver): CallerState | undefined {
  return 'caller' in record ? record.caller : undefined;
}

/** Carries out one hand-over; a consumed one (another delivery was first) does nothing. */
export async function receiveHandOver(engine: EngineService, record: CallHandOver, prepared?: PreparedCall): Promise<void> {
  switch (record.kind) {
    case 'start-called':
      return startCalledInstance(engine, record, prepared);
    case 'delete-called':
      return deleteCalledInstance(engine, record.id, record.calledInstanceId, record);
    case 'detach-called':
      return detachCalledInstance(engine, record.id, record.calledInstanceId);
    case 'incident-resolved':
      if (await resolvedBeforeRaised(engine, record.id, record.incidentId)) return;
      return applyToCaller(engine, record, effectOnCaller(engine, record));
    default:
      return applyToCaller(engine, record, effectOnCaller(engine, record));
  }
}

/** What a hand-over from a called instance does to its caller's state: the state itself when nothing. */
function effectOnCaller(engine: EngineService, record: CallerHandOver): (state: ProcessInstanceState, model: ProcessModel) => OperationResult | ProcessInstanceState {
  const { activityInstanceId } = record.caller;
  switch (record.kind) {
    case 'called-ended':
      return (state, model) => completeCall(state, model, activityInstanceId, record.calledInstanceId, record.variables, engine.env);
    case 'called-deleted':
      return (state, model) => cancelCall(state, model, activityInstanceId, record.calledInstanceId, record, engine.env);
    case 'thrown-to-caller':
      return (state, model) => propagateFromCall(state, model, activityInstanceId, record.calledInstanceId, record.thrown, engine.env);
    case 'incident-raised':
      return (state) =>
        raiseCallIncident(
          state,
          activityInstanceId,
          record.calledInstanceId,
          { incidentId: record.incidentId, rootCauseIncidentId: record.rootCauseIncidentId, type: record.incidentType },
          engine.env,
        );
    case 'incident-resolved':
      return (state) => resolveCallIncident(state, activityInstanceId, record.incidentId);
  }
}

/**
 * Camunda ends a called instance and continues its caller in one transaction, so a caller whose
 * continuation fails (an output mapping, the next activity's expression) fails the request that
 * ended the called instance. Here the caller's part is a later write: it is rehearsed in memory
 * first (on the caller as it is now, on up the hierarchy, with the calls it would start) and its
 * error fails this request before anything is written. A caller that changes between the rehearsal
 * and the hand-over can still fail then: that hand-over is retried and ends in an incident on the
 * caller (runHandOver).
 */
export async function rehearseCallerEffects(engine: EngineService, records: readonly CallHandOver[]): Promise<void> {
  for (const record of records) {
    if (record.kind !== 'called-ended' && record.kind !== 'thrown-to-caller' && record.kind !== 'called-deleted') continue;
    const loaded = await engine.load(record.caller.processInstanceId);
    if (!loaded) continue;
    const outcome = effectOnCaller(engine, record)(loaded.stored.state, loaded.model);
    if (!('state' in outcome && 'events' in outcome) || outcome.state === loaded.stored.state) continue;
    const calls = await prepareCalls(engine, outcome.events, loaded.stored.state.definitionId);
    await rehearseCallerEffects(engine, callHandOvers(engine, outcome.events, loaded.stored.state, outcome.state, calls));
  }
}

/** A resolution that overtook its raise (the queue does not keep order) consumes both: the mirror never appears. */
async function resolvedBeforeRaised(engine: EngineService, recordId: string, incidentId: string): Promise<boolean> {
  const raised = await engine.deps.handOvers.get(handOverIds.incidentRaised(incidentId));
  if (!raised) return false;
  try {
    await engine.deps.handOvers.consumeBoth(raised.record.id, recordId);
    return true;
  } catch (error) {
    // The raise was carried out meanwhile: resolve its mirror as usual.
    if (error instanceof ConcurrentModificationError) return false;
    throw error;
  }
}

/** Creates the called instance and consumes its start record in one transaction. */
async function startCalledInstance(engine: EngineService, record: StartCalledHandOver, prepared?: PreparedCall): Promise<void> {
  const call = prepared ?? (await prepareStart(engine, record));
  if (!call) return;
  try {
    await engine.createResult(call.result, call.model, [engine.deps.handOvers.consumeAction(record.id)], call.calls);
  } catch (error) {
    // The record is gone: another delivery started the instance, or a deletion stopped it first.
    if (error instanceof ConcurrentModificationError) return;
    throw error;
  }
}

/** A start delivered later than its request: the called definition may have gone meanwhile. */
async function prepareStart(engine: EngineService, record: StartCalledHandOver): Promise<PreparedCall | undefined> {
  const definition = await engine.definition(record.definitionId);
  if (!definition) throw new EngineError('ProcessEngineException', `Process definition '${record.definitionId}' of a called instance is missing`);
  const model = await engine.model(definition);
  const result = startCalled(engine, record, definition, model);
  return { record, definition, model, result, calls: await prepareCalls(engine, result.events, definition.id) };
}

/**
 * Deletes a called instance. Its start may still be waiting in its record: then consuming that
 * record stops the start, in one transaction with this record. The start record is read before the
 * instance: once it is gone, the instance exists or has ended, and reading it tells which.
 */
async function deleteCalledInstance(
  engine: EngineService,
  recordId: string,
  calledInstanceId: string,
  options: { skipCustomListeners: boolean; skipIoMappings: boolean; externallyTerminated: boolean },
): Promise<void> {
  const { handOvers } = engine.deps;
  for (;;) {
    const start = await handOvers.get(handOverIds.start(calledInstanceId));
    if (start) {
      try {
        await engine.deps.handOvers.consumeBoth(start.record.id, recordId);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        // Another delivery of this deletion consumed it: nothing is left to do.
        if (!(await handOvers.get(recordId))) return;
        // The start happened meanwhile: look again, and delete the instance it created.
        continue;
      }
    }
    const { skipCustomListeners, skipIoMappings, externallyTerminated } = options;
    await applyConsuming(engine, calledInstanceId, recordId, (state, model) =>
      deleteProcessInstance(state, model, engine.env, { skipCustomListeners, skipIoMappings, externallyTerminated, byCaller: true }),
    );
    return;
  }
}

/** Detaches a called instance from its deleted caller; a start still waiting is carried out first. */
async function detachCalledInstance(engine: EngineService, recordId: string, calledInstanceId: string): Promise<void> {
  const start = await engine.deps.handOvers.get(handOverIds.start(calledInstanceId));
  if (start) await receiveHandOver(engine, start.record);
  await applyConsuming(engine, calledInstanceId, recordId, (state) => detachFromCaller(state));
}

/**
 * Applies a called instance's effect to its caller. When the caller no longer waits for the called
 * instance (it continued already, or the call activity or the caller is gone), the record simply goes.
 */
function applyToCaller(engine: EngineService, record: CallerHandOver, apply: (state: ProcessInstanceState, model: ProcessModel) => OperationResult | ProcessInstanceState): Promise<void> {
  return applyConsuming(engine, record.caller.processInstanceId, record.id, apply);
}

/**
 * The effect of a hand-over on one instance, with the record consumed in the same transaction.
 * When there is nothing to change (the instance ended, or `apply` gives back the state it got),
 * the record simply goes.
 */
async function applyConsuming(
  engine: EngineService,
  instanceId: string,
  recordId: string,
  apply: (state: ProcessInstanceState, model: ProcessModel) => OperationResult | ProcessInstanceState,
): Promise<void> {
  let applied = false;
  try {
    await engine.update(
      instanceId,
      (state, model) => {
        const outcome = apply(state, model);
        // What EngineService.update stores: nothing when the state it gets back is the one it gave.
        applied = ('state' in outcome && 'events' in outcome ? outcome.state : outcome) !== state;
        return outcome;
      },
      () => new EngineError('NotFoundException', `Process instance ${instanceId} ended`),
      [engine.deps.handOvers.consumeAction(recordId)],
    );
  } catch (error) {
    if (!(error instanceof EngineError && error.type === 'NotFoundException')) throw error;
    applied = false;
  }
  if (!applied) await engine.deps.handOvers.delete(recordId);
}

/** Changes an instance if it still runs; one that ended has nothing to change. */
async function updateIfRunning(engine: EngineService, instanceId: string, change: (state: ProcessInstanceState) => ProcessInstanceState): Promise<void> {
  await engine
    .update(instanceId, change, () => new EngineError('NotFoundException', `Process instance ${instanceId} ended`))
    .catch((error: unknown) => {
      if (!(error instanceof EngineError && error.type === 'NotFoundException')) throw error;
    });
}
