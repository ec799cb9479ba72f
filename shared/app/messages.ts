import { mismatchingMessage } from '../engine/errors.ts';
import * as operations from '../engine/operations.ts';
import type { ProcessInstanceState, TypedValue, Variables } from '../engine/state.ts';
import type { MessageStartRecord } from '../store/start-event-items.ts';
import { mayInstance, requireDefinition, requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import type { AuthContext } from '../auth/auth-context.ts';

/**
 * Message correlation (Camunda's RuntimeService.createMessageCorrelation, DefaultCorrelationHandler):
 * first to waiting subscriptions (intermediate events, receive tasks, boundary events, event
 * sub-processes) of instances matching business key and correlation keys; then, when none matched
 * or `all` is set, to the message start events of the latest process definitions, which start an
 * instance (with the business key as its business key). Correlation keys do not apply to starts.
 */
export interface CorrelationInput {
  messageName: string;
  processInstanceId?: string;
  businessKey?: string;
  correlationKeys: Readonly<Record<string, TypedValue>>;
  processVariables: Variables;
  /** Correlate to every matching instance and start event rather than exactly one. */
  all: boolean;
  /** Only this tenant's (null: only without tenant); omitted: every tenant. */
  tenant?: { tenantId: string | null };
}

/** What one correlation did: a waiting instance went on, or a message start event started one. */
export type CorrelationResult = { resultType: 'Execution'; processInstanceId: string } | { resultType: 'ProcessDefinition'; processInstance: ProcessInstanceState };

function sameValue(a: TypedValue | undefined, b: TypedValue): boolean {
  return a !== undefined && JSON.stringify(a.value) === JSON.stringify(b.value);
}

/** Ids of the readable instances with a subscription of the message that match the correlation criteria. */
async function matchingInstances(app: AppContext, caller: AuthContext, input: CorrelationInput): Promise<string[]> {
  const subscriptions = (await app.engine.deps.items.messageSubscriptions(input.messageName)).filter((s) => !input.processInstanceId || s.processInstanceId === input.processInstanceId);
  const instanceIds = [...new Set(subscriptions.map((s) => s.processInstanceId as string))];
  const keys = Object.entries(input.correlationKeys);
  const matching: string[] = [];
  for (const id of instanceIds) {
    const loaded = await app.engine.load(id);
    if (!loaded) continue;
    const state = loaded.stored.state;
    // Camunda's correlation looks at active executions only: a suspended instance does not receive.
    if (state.suspended || !(await mayInstance(caller, state, 'READ'))) continue;
    if (input.tenant && (state.tenantId ?? null) !== input.tenant.tenantId) continue;
    if (input.businessKey && state.businessKey !== input.businessKey) continue;
    if (!keys.every(([name, value]) => sameValue(state.root.variables?.[name], value))) continue;
    matching.push(id);
  }
  return matching;
}

export const correlateMessage: UseCase<CorrelationInput, CorrelationResult[]> = async (app, caller, input) => {
  const { messageName } = input;
  const instances = await matchingInstances(app, caller, input);
  if (instances.length > 1 && !input.all) {
    throw mismatchingMessage(`Cannot correlate message '${messageName}': ${instances.length} executions match the correlation keys`);
  }
  // Only the tenants the caller belongs to, as Camunda's tenant check does for its queries.
  const candidates = instances.length === 0 || input.all ? (await app.engine.deps.startEvents.messageStarts(messageName, input.tenant)).filter((start) => caller.canSeeTenant(start.tenantId)) : [];
  // Nor does a suspended definition's message start event.
  const starts: typeof candidates = [];
  for (const start of candidates) if (!(await app.engine.deps.definitions.isSuspended(start.definitionId))) starts.push(start);
  if (instances.length === 0 && starts.length > 1 && !input.all) {
    throw mismatchingMessage(`Cannot correlate a message with name '${messageName}' to a single process definition. ${starts.length} process definitions match the correlation keys`);
  }
  if (instances.length === 0 && starts.length === 0) {
    throw mismatchingMessage(`Cannot correlate message '${messageName}': No process definition or execution matches the parameters`);
  }
  for (const id of instances) {
    const loaded = await app.engine.load(id);
    if (loaded) await requireInstance(caller, loaded.stored.state, 'UPDATE');
  }
  const definitions = await Promise.all(starts.map((start) => startableDefinition(app, caller, start)));
  const results: CorrelationResult[] = [];
  for (const id of instances) {
    await app.engine.update(
      id,
      (state, model) => operations.correlateMessage(state, model, messageName, input.processVariables, app.engine.env),
      () => mismatchingMessage(`Cannot correlate message '${messageName}': No process definition or execution matches the parameters`),
    );
    results.push({ resultType: 'Execution', processInstanceId: id });
  }
  for (const [i, definition] of definitions.entries()) {
    const processInstance = await app.engine.start(definition, { variables: input.processVariables, businessKey: input.businessKey, startEventId: starts[i]!.activityId });
    results.push({ resultType: 'ProcessDefinition', processInstance });
  }
  return results;
};

/** The definition a message start event starts: CREATE_INSTANCE on it and CREATE on ProcessInstance, as a start by key. */
async function startableDefinition(app: AppContext, caller: AuthContext, start: MessageStartRecord) {
  const definition = await app.engine.definition(start.definitionId);
  if (!definition) throw mismatchingMessage(`Cannot correlate message '${start.messageName}': No process definition or execution matches the parameters`);
  await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  return definition;
}
