import type { AuthContext } from '../auth/auth-context.ts';
import type { InstantiationRequest } from '../engine/modification/instantiate.ts';
import type { ProcessInstanceState, Variables } from '../engine/state.ts';
import { submittedStartVariables } from '../engine/forms.ts';
import { EngineError } from '../engine/errors.ts';
import { sqlLike } from '../query/sql-like.ts';
import { canSeeDefinition, filterAllowed, requireDefinition } from './access.ts';
import type { AppContext } from './app-context.ts';
import { CATEGORY, definitionContext, instanceContext, logOperation } from './operation-log.ts';
import type { Deferred } from './deployments.ts';
import { notFoundRequest, RequestError } from './errors.ts';
import type { DefinitionRecord } from './read-models.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

/** A definition by id, or the latest version of a key (without tenant unless one is named). */
export type DefinitionRef = { id: string } | { key: string; tenantId?: string | null };

/** The definition a reference names, if the caller may READ it; otherwise it does not exist for them. */
async function definitionOf(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<DefinitionRecord> {
  if ('id' in ref) {
    const definition = await app.engine.definition(ref.id);
    if (!definition || !(await canSeeDefinition(caller, definition))) throw notFoundRequest(`No matching definition with id ${ref.id}`);
    return definition;
  }
  const tenantId = ref.tenantId ?? null;
  const definition = await app.engine.deps.definitions.latestDefinition(ref.key, tenantId);
  if (!definition || !(await canSeeDefinition(caller, definition))) {
    throw notFoundRequest(`No matching process definition with key: ${ref.key} and ${tenantId === null ? 'no tenant-id' : `tenant-id: ${tenantId}`}`, 'RestException');
  }
  return definition;
}

/** One process definition (READ on it), its suspension read fresh: other containers may have changed it. */
export async function getProcessDefinition(app: AppContext, caller: AuthContext, input: DefinitionRef): Promise<DefinitionRecord> {
  const definition = await definitionOf(app, caller, input);
  return { ...definition, ...(await app.engine.deps.definitions.mutableFields(definition.id)) };
}

/**
 * PUT …/history-time-to-live (UpdateProcessDefinitionHistoryTimeToLiveCmd): UPDATE on the
 * definition; whole days, a negative number refused, and null too (Camunda's enforced TTL).
 */
export async function setProcessHistoryTimeToLive(app: AppContext, caller: AuthContext, input: { definition: DefinitionRef; historyTimeToLive: number | null }): Promise<void> {
  const definition = await definitionOf(app, caller, input.definition);
  await requireDefinition(caller, definition, 'UPDATE');
  const days = input.historyTimeToLive;
  if (days !== null && days < 0) throw new EngineError('BadUserRequestException', 'historyTimeToLive is not greater than or equal to 0');
  if (days === null) throw new EngineError('NotAllowedException', 'Null historyTimeToLive values are not allowed');
  await app.engine.deps.definitions.setHistoryTimeToLive(definition.id, days);
  await logOperation(app, caller, {
    operationType: 'UpdateHistoryTimeToLive',
    entityType: 'ProcessDefinition',
    category: CATEGORY.operator,
    context: definitionContext(definition),
    changes: [{ property: 'historyTimeToLive', orgValue: definition.historyTimeToLive, newValue: days }],
  });
}

/** A definition's BPMN XML (READ on it). */
export async function getProcessDefinitionXml(app: AppContext, caller: AuthContext, input: DefinitionRef): Promise<{ id: string; xml: string }> {
  const definition = await definitionOf(app, caller, input);
  return { id: definition.id, xml: await app.engine.deps.definitions.definitionXml(definition) };
}

export const DEFINITION_SORT_KEYS = ['category', 'key', 'id', 'name', 'version', 'deploymentId', 'tenantId', 'versionTag'] as const;

/** Camunda's ProcessDefinitionQuery, as far as this engine supports it. */
export interface DefinitionFilter {
  processDefinitionId?: string;
  processDefinitionIdIn?: string[];
  key?: string;
  keysIn?: string[];
  keyLike?: string;
  name?: string;
  deploymentId?: string;
  version?: number;
  latestVersion?: boolean;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
  includeProcessDefinitionsWithoutTenantId?: boolean;
}

async function matchingDefinitions(app: AppContext, caller: AuthContext, filter: DefinitionFilter): Promise<DefinitionRecord[]> {
  let all = await filterAllowed(await app.engine.deps.definitions.listDefinitions(), (d) => canSeeDefinition(caller, d));
  if (filter.latestVersion) {
    const newest = new Map<string, DefinitionRecord>();
    for (const d of all) {
      const k = `${d.tenantId ?? ''}#${d.key}`;
      if ((newest.get(k)?.version ?? 0) < d.version) newest.set(k, d);
    }
    all = [...newest.values()];
  }
  const {
    processDefinitionId: id,
    processDefinitionIdIn: ids,
    key,
    keysIn: keys,
    name,
    deploymentId,
    version,
    tenantIdIn: tenants,
    withoutTenantId,
    includeProcessDefinitionsWithoutTenantId,
  } = filter;
  const keyMatches = filter.keyLike ? sqlLike(filter.keyLike) : undefined;
  return all.filter(
    (d) =>
      (id === undefined || d.id === id) &&
      (ids === undefined || ids.includes(d.id)) &&
      (key === undefined || d.key === key) &&
      (keys === undefined || keys.includes(d.key)) &&
      (keyMatches === undefined || keyMatches(d.key)) &&
      (name === undefined || d.name === name) &&
      (deploymentId === undefined || d.deploymentId === deploymentId) &&
      (version === undefined || d.version === version) &&
      (tenants === undefined || (d.tenantId !== null && tenants.includes(d.tenantId)) || (includeProcessDefinitionsWithoutTenantId === true && d.tenantId === null)) &&
      (!withoutTenantId || d.tenantId === null),
  );
}

/** The definitions the caller may READ that match the filter, sorted and paged. */
export async function queryProcessDefinitions(app: AppContext, caller: AuthContext, input: DefinitionFilter & Paging & { sort?: Sorting }): Promise<DefinitionRecord[]> {
  const sorted = sortItems(await matchingDefinitions(app, caller, input), input.sort, (d, by) => (by === 'version' ? d.version : ((d as unknown as Record<string, string | null>)[by] ?? null)));
  return pageOf(sorted, input);
}

export async function countProcessDefinitions(app: AppContext, caller: AuthContext, input: DefinitionFilter): Promise<number> {
  return (await matchingDefinitions(app, caller, input)).length;
}

/** The engine failures Camunda's start and submit-form resources answer under their own message (its ProcessEngineException subclasses; not Java's own exceptions). */
const WRAPPED_START_FAILURES: readonly string[] = [
  'ProcessEngineException',
  // A start instruction naming no activity of the process.
  'NotValidException',
  'SuspendedEntityInteractionException',
  'FormFieldValidationException',
  'FormFieldValidatorException',
  'FormFieldConfigurationException',
];

export interface StartRequest {
  variables?: Variables;
  businessKey?: string;
  /**
   * startInstructions: start at these activities instead of the start event, with these skips; read
   * once the definition is known (Camunda's messages about them name it).
   */
  at?: (definitionId: string) => InstantiationRequest | undefined;
  /** Camunda's executeWithVariablesInReturn: the result carries the instance's variables. */
  withVariablesInReturn?: boolean;
}

export interface StartedInstance {
  instance: ProcessInstanceState;
  /** The root scope's variables, when the request asked for them. */
  variables?: Variables;
}

/**
 * Starts an instance of a definition (Camunda's StartProcessInstanceCmd): the definition must be
 * readable (else it does not exist for the caller), then the request is read, then CREATE_INSTANCE
 * on the definition and CREATE on ProcessInstance are required.
 */
export async function startProcessInstance(
  app: AppContext,
  caller: AuthContext,
  input: { definition: DefinitionRef; request: Deferred<StartRequest>; viaStartForm?: boolean },
): Promise<StartedInstance> {
  const definition = await definitionOf(app, caller, input.definition);
  const request = input.request();
  await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  const cannotInstantiate = (error: unknown) => {
    // Camunda's REST start answers an engine failure (a called definition missing, say) as a 500
    // RestException naming the definition; a submitted form's unconvertible value as a 400.
    if (error instanceof EngineError && WRAPPED_START_FAILURES.includes(error.type)) {
      const status = error.type === 'FormFieldValidationException' ? 400 : 500;
      throw Object.assign(new RequestError(status, `Cannot instantiate process definition ${definition.id}: ${error.message}`, 'RestException', error.code), { cause: error });
    }
    throw error;
  };
  // POST …/submit-form: the start form checks and converts the variables first (SubmitStartFormCmd).
  const variables = input.viaStartForm
    ? await app.engine
        .model(definition)
        .then((model) => submittedStartVariables(model, request.variables ?? {}))
        .catch(cannotInstantiate)
    : request.variables;
  const at = request.at?.(definition.id);
  const instance = await app.engine.start(definition, { variables, businessKey: request.businessKey }, [], at).catch(cannotInstantiate);
  await logOperation(app, caller, { operationType: 'Create', entityType: 'ProcessInstance', category: CATEGORY.operator, context: instanceContext(instance) });
  return request.withVariablesInReturn ? { instance, variables: instance.root.variables ?? {} } : { instance };
}
