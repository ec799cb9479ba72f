/**
 * What a deployed definition carries besides its XML: its diagram image, and the processes its call
 * activities call by a constant reference (Camunda's GetDeploymentProcessDiagramCmd and
 * GetStaticCalledProcessDefinitionCmd).
 */
import type { CallActivityNode } from '../bpmn/model.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { EngineError, notFound } from '../engine/errors.ts';
import type { CallTarget } from '../engine/events.ts';
import { isLiteral, type CompiledExpression } from '../expression/index.ts';
import { resolveCalledDefinition } from '../service/call-hand-over.ts';
import { diagramResourceFor } from '../service/deployment-service.ts';
import { canSeeDefinition, requireDefinition } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import { type DefinitionRef, getProcessDefinition } from './process-definitions.ts';
import type { DefinitionRecord } from './read-models.ts';

/** A definition by id as the engine's cache finds it (400 NotFoundException), or by key as the REST layer does (404). */
async function definitionFor(app: AppContext, caller: AuthContext, ref: DefinitionRef, missing: (id: string) => Error): Promise<DefinitionRecord> {
  if (!('id' in ref)) return getProcessDefinition(app, caller, ref);
  const definition = await app.engine.definition(ref.id);
  if (!definition) throw missing(ref.id);
  await requireDefinition(caller, definition, 'READ');
  return definition;
}

const noDeployedDefinition = (id: string) => notFound(`no deployed process definition found with id '${id}': processDefinition is null`);

/** GET /process-definition/{id}/diagram: the image's name and bytes, or undefined without one (Camunda's 204). */
export async function processDiagram(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<{ name: string; data: Buffer } | undefined> {
  const definition = await definitionFor(app, caller, ref, noDeployedDefinition);
  if (definition.diagramResourceName === null) return undefined;
  const resources = await app.engine.deps.definitions.listResources(definition.deploymentId);
  // Definitions deployed before the diagram was recorded: found now, by the same rule.
  const name = definition.diagramResourceName ?? diagramResourceFor(definition.resourceName, definition.key, resources);
  const resource = name ? resources.find((r) => r.name === name) : undefined;
  if (!resource) return undefined;
  return { name: resource.name, data: Buffer.from(resource.xml, resource.encoding === 'base64' ? 'base64' : 'utf8') };
}

export interface CalledDefinition {
  definition: DefinitionRecord;
  calledFromActivityIds: string[];
}

const literal = (expression: CompiledExpression | undefined) => (expression && isLiteral(expression) ? expression.text : undefined);

/** The constant target of a call activity; undefined when any part of its reference is an expression. */
function staticTarget(node: CallActivityNode): CallTarget | undefined {
  const key = literal(node.calledElement);
  if (key === undefined) return undefined;
  if (node.tenantId && literal(node.tenantId) === undefined) return undefined;
  const tenant = node.tenantId ? { tenantId: literal(node.tenantId)! } : {};
  switch (node.binding.type) {
    case 'latest':
    case 'deployment':
      return { key, binding: node.binding.type, ...tenant };
    case 'version': {
      const version = literal(node.binding.version);
      return version === undefined ? undefined : { key, binding: 'version', version: Number(version), ...tenant };
    }
    case 'versionTag': {
      const versionTag = literal(node.binding.versionTag);
      return versionTag === undefined ? undefined : { key, binding: 'versionTag', versionTag, ...tenant };
    }
  }
}

/**
 * GET /process-definition/{id}/static-called-process-definitions: every definition the call
 * activities call by a constant reference, once, with the activities that call it. References that
 * resolve to nothing, and definitions the caller may not read, are left out, as in Camunda.
 */
export async function staticCalledDefinitions(app: AppContext, caller: AuthContext, definitionId: string): Promise<CalledDefinition[]> {
  const definition = await definitionFor(app, caller, { id: definitionId }, (id) => notFoundRequest(`no deployed process definition found with id '${id}': processDefinition is null`));
  const model = await app.engine.model(definition);
  const called = new Map<string, CalledDefinition>();
  for (const node of model.nodes.values()) {
    if (node.kind !== 'callActivity') continue;
    const target = staticTarget(node);
    if (!target) continue;
    // A reference that resolves to no definition (or to several) is left out, not an error.
    const resolved = await resolveCalledDefinition(app.engine, target, definition).catch((error: unknown) => {
      if (error instanceof EngineError) return undefined;
      throw error;
    });
    if (!resolved || !(await canSeeDefinition(caller, resolved))) continue;
    const entry = called.get(resolved.id) ?? { definition: resolved, calledFromActivityIds: [] };
    entry.calledFromActivityIds.push(node.id);
    called.set(resolved.id, entry);
  }
  return [...called.values()];
}
