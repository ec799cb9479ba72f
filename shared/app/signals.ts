import type { Variables } from '../engine/state.ts';
import { badUserRequest } from '../engine/errors.ts';
import { deliverSignal, type SignalDelivery, signalReceivers } from '../service/signal-broadcast.ts';
import { requireDefinition, requireInstanceItem } from './access.ts';
import type { UseCase } from './app-context.ts';
import { RequestError } from './errors.ts';

export interface SignalInput {
  name: string;
  executionId?: string;
  variables: Variables;
  /** Only this tenant's subscriptions (null: only those without tenant); omitted: every tenant the caller sees. */
  tenant?: { tenantId: string | null };
}

/**
 * `POST /signal` (Camunda's SignalEventReceivedCmd): every signal subscription of the name, in every
 * instance, receives it and every latest definition with a signal start event of the name starts an
 * instance; with `executionId`, only that execution's subscriptions. UPDATE on each receiving instance
 * and CREATE_INSTANCE on each started definition are checked before anything is delivered.
 */
export const throwSignal: UseCase<SignalInput, void> = async (app, caller, input) => {
  if (input.executionId !== undefined && input.tenant) throw badUserRequest('Cannot specify a tenant-id when deliver a signal to a single execution.');
  const tenant = input.tenant;
  const delivery: SignalDelivery = {
    signalName: input.name,
    variables: input.variables,
    tenants: tenant ? (tenantId) => tenantId === tenant.tenantId : (tenantId) => caller.canSeeTenant(tenantId),
    executionId: input.executionId,
  };
  const receivers = await signalReceivers(app.engine, delivery);
  if (input.executionId !== undefined && receivers.instances.length === 0) {
    // Camunda answers this NotFoundException with a 500, for compatibility with older versions.
    throw new RequestError(500, `Execution '${input.executionId}' has not subscribed to a signal event with name '${input.name}'.`, 'RestException');
  }
  for (const item of receivers.instances) await requireInstanceItem(caller, item, 'UPDATE');
  for (const start of receivers.starts) {
    const definition = await app.engine.definition(start.definitionId);
    if (definition) await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  }
  if (receivers.starts.length > 0) await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  await deliverSignal(app.engine, delivery, receivers);
};
