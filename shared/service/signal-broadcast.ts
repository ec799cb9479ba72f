import { EngineError } from '../engine/errors.ts';
import type { Variables } from '../engine/state.ts';
import { receiveSignal } from '../engine/thrown-events.ts';
import { log } from '../observability/logger.ts';
import { ConcurrentModificationError } from '../store/errors.ts';
import type { Item } from '../store/projections.ts';
import type { SignalBroadcastRecord, SignalStartRecord } from '../store/signal-items.ts';
import type { EngineService } from './engine-service.ts';

/**
 * Delivering a signal to other instances and starting the processes it starts (Camunda's
 * SignalEventReceivedCmd and ThrowSignalEventActivityBehavior). POST /signal delivers at once; a
 * signal throw event stored a broadcast job with its instance, and the job executor runs it here.
 * A broadcast's deliveries each write a marker in the receiver's own transaction, so running the
 * broadcast again after a failure skips the receivers it reached (exactly once per receiver).
 */

/** Which tenants' subscriptions a signal reaches. */
export type TenantRule = (tenantId: string | null) => boolean;

export interface SignalReceivers {
  /** Subscription items of receiving instances, one per instance (the first subscription found). */
  instances: Item[];
  starts: SignalStartRecord[];
}

export interface SignalDelivery {
  signalName: string;
  variables?: Variables;
  tenants: TenantRule;
  /** The thrower, which received its own signal already. */
  excludeInstanceId?: string;
  /** Only this execution's subscriptions (POST /signal with executionId); no process is started then. */
  executionId?: string;
}

/** The instances waiting for the signal and the signal start events it starts, by the tenant rule. */
export async function signalReceivers(engine: EngineService, delivery: SignalDelivery): Promise<SignalReceivers> {
  const subscriptions = (await engine.deps.items.signalSubscriptions(delivery.signalName)).filter(
    (item) =>
      delivery.tenants((item.tenantId as string | null) ?? null) &&
      item.processInstanceId !== delivery.excludeInstanceId &&
      (delivery.executionId === undefined || item.executionId === delivery.executionId),
  );
  const byInstance = new Map<string, Item>();
  for (const item of subscriptions) if (!byInstance.has(item.processInstanceId as string)) byInstance.set(item.processInstanceId as string, item);
  const starts = delivery.executionId === undefined ? (await engine.deps.signals.signalStarts(delivery.signalName)).filter((start) => delivery.tenants(start.tenantId)) : [];
  return { instances: [...byInstance.values()], starts };
}

/**
 * Delivers to every receiver, in order: waiting instances first, then new instances (Camunda's
 * order). With a broadcast id, receivers that have its marker are skipped and the rest get one.
 */
export async function deliverSignal(engine: EngineService, delivery: SignalDelivery, receivers: SignalReceivers, broadcastId?: string): Promise<void> {
  const { signals } = engine.deps;
  for (const item of receivers.instances) {
    const instanceId = item.processInstanceId as string;
    // Checked before the instance is read, so a broadcast that runs again passes its receivers cheaply.
    if (broadcastId && (await signals.delivered(broadcastId, instanceId))) continue;
    const marker = broadcastId ? [signals.deliveryAction(broadcastId, instanceId)] : [];
    await engine
      .update(
        instanceId,
        async (state, model) => {
          // A suspended instance does not receive (Camunda's signal query finds active executions only).
          if (state.suspended || (broadcastId && (await signals.delivered(broadcastId, instanceId)))) return state;
          const receipt = receiveSignal(state, model, delivery.signalName, delivery.variables, engine.env, delivery.executionId);
          return receipt.received > 0 ? receipt : state;
        },
        // An instance that ended meanwhile no longer waits: nothing to deliver.
        () => new EngineError('NotFoundException', `Process instance ${instanceId} ended`),
        marker,
      )
      .catch((error: unknown) => skipFailedReceiver(error, broadcastId, instanceId));
  }
  for (const start of receivers.starts) {
    const receiver = `START#${start.definitionId}`;
    if (broadcastId && (await signals.delivered(broadcastId, receiver))) continue;
    const definition = await engine.definition(start.definitionId);
    // A suspended definition's signal start event does not start (Camunda skips it).
    if (!definition || (await engine.deps.definitions.isSuspended(definition.id))) continue;
    await engine.start(definition, { variables: delivery.variables, startEventId: start.activityId }, broadcastId ? [signals.deliveryAction(broadcastId, receiver)] : []).catch((error: unknown) => {
      // A concurrent run of the same broadcast wrote this receiver's marker first: it started the instance.
      if (broadcastId && error instanceof ConcurrentModificationError) return;
      skipFailedReceiver(error, broadcastId, receiver);
    });
  }
}

/**
 * A broadcast goes on past a receiver the engine refuses (it ended meanwhile, or its own model fails
 * on the signal, which is then logged): in Camunda the thrower's transaction would fail instead,
 * but here the thrower is already stored. Infrastructure errors fail the broadcast, which runs again.
 * POST /signal (no broadcast id) answers the engine's error as Camunda does.
 */
function skipFailedReceiver(error: unknown, broadcastId: string | undefined, receiver: string): void {
  // A receiver that kept changing under the delivery did not get it: the broadcast must run again.
  if (!broadcastId || !(error instanceof EngineError) || error.type === 'OptimisticLockingException') throw error;
  if (error.type !== 'NotFoundException') log.error('signal receiver failed; the broadcast goes on', { broadcastId, receiver, error });
}

/**
 * Runs a broadcast job: each signal the operation threw, in order, to every receiver but the thrower
 * (unless it threw asynchronously). Each signal has its own markers (`<broadcast>#<n>`).
 */
export async function runSignalBroadcast(engine: EngineService, jobId: string): Promise<'executed' | 'skipped'> {
  const broadcast = await engine.deps.signals.broadcast(jobId);
  return broadcast ? deliverBroadcast(engine, broadcast) : 'skipped';
}

/** Delivers a broadcast already read (the job executor reads it to tell it from a timer start job). */
export async function deliverBroadcast(engine: EngineService, broadcast: SignalBroadcastRecord): Promise<'executed'> {
  const { signals } = engine.deps;
  // Camunda: a thrower with a tenant reaches its tenant and those without one; without a tenant, only those without.
  const tenants: TenantRule = broadcast.tenantId === null ? (tenantId) => tenantId === null : (tenantId) => tenantId === null || tenantId === broadcast.tenantId;
  for (const [index, signal] of broadcast.signals.entries()) {
    const delivery: SignalDelivery = { signalName: signal.signalName, tenants, excludeInstanceId: signal.includeOwnInstance ? undefined : broadcast.processInstanceId };
    await deliverSignal(engine, delivery, await signalReceivers(engine, delivery), `${broadcast.id}#${index}`);
  }
  await signals.complete(broadcast.id);
  log.info('signal broadcast delivered', { broadcastId: broadcast.id, signalNames: broadcast.signals.map((s) => s.signalName) });
  return 'executed';
}
