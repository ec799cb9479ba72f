/**
 * The decisions of business-rule tasks, resolved before the engine runs (it reads nothing itself):
 * for each task of a process model, the decision its key, binding and tenant name now, with its DMN
 * resource parsed. Parsed resources are kept per container (a deployed resource never changes); which
 * version `latest` means is read again each time a model is prepared. The DMN parser and evaluator
 * (dmn-moddle, feelin) are imported when first needed: a function that never meets a decision does
 * not load them at its cold start (docs/decisions.md #46).
 */
import type { DecisionTaskNode, ProcessModel } from '../bpmn/model.ts';
import type { DecisionRequirementsModel } from '../dmn/model.ts';
import type { DecisionDefinitionRef, DecisionResolver, ResolvedDecision } from '../engine/environment.ts';
import { processEngineError } from '../engine/errors.ts';
import { decisionEvaluationCounts } from './engine-metrics.ts';
import type { DecisionDefinitionRecord, DecisionDefinitionRepository } from '../store/decision-definition-repository.ts';
import type { DefinitionRecord, DefinitionRepository } from '../store/definition-repository.ts';

const PARSED_RESOURCES_KEPT = 200;
const RESOLVED_KEPT = 1000;

/** Parsed DMN resources, by deployment and resource name. */
export class DecisionModels {
  private readonly parsed = new Map<string, Promise<DecisionRequirementsModel>>();

  constructor(private readonly definitions: DefinitionRepository) {}

  get(decision: Pick<DecisionDefinitionRecord, 'deploymentId' | 'resourceName'>): Promise<DecisionRequirementsModel> {
    const key = `${decision.deploymentId}\u0000${decision.resourceName}`;
    let parsed = this.parsed.get(key);
    if (!parsed) {
      parsed = Promise.all([this.definitions.resourceXml(decision.deploymentId, decision.resourceName), import('../dmn/parse-dmn.ts')]).then(([xml, { parseDmn }]) =>
        parseDmn(xml, decision.resourceName),
      );
      parsed.catch(() => this.parsed.delete(key));
      if (this.parsed.size >= PARSED_RESOURCES_KEPT) this.parsed.delete(this.parsed.keys().next().value as string);
      this.parsed.set(key, parsed);
    }
    return parsed;
  }
}

export class PreparedDecisions implements DecisionResolver {
  private readonly resolved = new Map<string, ResolvedDecision | Error>();

  constructor(
    private readonly decisions: DecisionDefinitionRepository,
    private readonly models: DecisionModels,
    /** Told of each evaluation, for the engine's metrics. */
    private readonly evaluated: (counts: { instances: number; elements: number }) => void = () => {},
  ) {}

  decisionOf(definitionId: string, activityId: string): ResolvedDecision | Error | undefined {
    return this.resolved.get(`${definitionId}\u0000${activityId}`);
  }

  /** Resolves the decisions of a model's business-rule tasks (nothing to do for a model without one). */
  async prepare(definition: DefinitionRecord, model: ProcessModel): Promise<void> {
    const tasks = [...model.nodes.values()].filter((node): node is DecisionTaskNode => node.kind === 'decisionTask');
    if (tasks.length === 0) return;
    // Bounded: entries are made again by the next prepare (each one holds a parsed resource).
    if (this.resolved.size > RESOLVED_KEPT) this.resolved.clear();
    await Promise.all(tasks.map(async (node) => this.resolved.set(`${definition.id}\u0000${node.id}`, await this.resolve(definition, node))));
  }

  /** Camunda's CallableElementUtil#getDecisionDefinitionToCall, with DecisionDefinitionCache's messages. */
  private async resolve(definition: DefinitionRecord, node: DecisionTaskNode): Promise<ResolvedDecision | Error> {
    const key = node.decisionRef;
    const tenantId = node.tenantId ?? definition.tenantId;
    const versions = await this.decisions.ofKey(key, tenantId);
    const { binding } = node;
    let decision: DecisionDefinitionRecord | undefined;
    let missing: string;
    switch (binding.type) {
      case 'deployment':
        decision = versions.find((d) => d.deploymentId === definition.deploymentId);
        missing = `no decision definition deployed with key = '${key}' in deployment = '${definition.deploymentId}'`;
        break;
      case 'version':
        decision = versions.find((d) => d.version === binding.version);
        missing = `no decision definition deployed with key = '${key}', version = '${binding.version}' and tenant-id '${tenantId}'`;
        break;
      case 'versionTag': {
        const tagged = versions.filter((d) => d.versionTag === binding.versionTag);
        if (tagged.length > 1) return processEngineError(`Found more than one decision definition for key '${key}' and versionTag '${binding.versionTag}'`);
        decision = tagged[0];
        missing = `no decision definition deployed with key = '${key}', versionTag = '${binding.versionTag}' and tenant-id '${tenantId}'`;
        break;
      }
      default:
        decision = versions.sort((a, b) => b.version - a.version)[0];
        missing = `no decision definition deployed with key '${key}' and tenant-id '${tenantId}'`;
    }
    // Camunda's DecisionDefinitionNotFoundException, which every resource answers as the ProcessEngineException it is.
    if (!decision) return processEngineError(`${missing}: decisionDefinition is null`);
    const [model, { evaluateDecisionTraced }] = await Promise.all([this.models.get(decision), import('../dmn/evaluate.ts')]);
    const counts = decisionEvaluationCounts(model, key);
    const definitions = await definitionsOfGraph(this.decisions, decision, model);
    return {
      key,
      evaluate: (variables) => {
        const { result, evaluated } = evaluateDecisionTraced(model, key, variables);
        this.evaluated(counts);
        return { result, evaluations: evaluated.map((one) => ({ definition: definitions.get(one.decisionKey) ?? decisionRef(decision), evaluated: one })) };
      },
    };
  }
}

/** What a decision's history names of its definition. */
export function decisionRef(decision: DecisionDefinitionRecord): DecisionDefinitionRef {
  const { id, key, name, decisionRequirementsDefinitionId, decisionRequirementsDefinitionKey, tenantId } = decision;
  return { id, key, name, decisionRequirementsDefinitionId, decisionRequirementsDefinitionKey, tenantId };
}

/**
 * The definitions of a decision and of those it requires, by key: the required ones were deployed
 * from the same resource, so they are the versions of their keys in the decision's deployment.
 */
export async function definitionsOfGraph(decisions: DecisionDefinitionRepository, decision: DecisionDefinitionRecord, model: DecisionRequirementsModel): Promise<Map<string, DecisionDefinitionRef>> {
  const byKey = new Map<string, DecisionDefinitionRef>([[decision.key, decisionRef(decision)]]);
  const byId = new Map(model.decisions.map((one) => [one.id, one]));
  const required = new Set<string>();
  const visit = (key: string) => {
    for (const next of byId.get(key)?.requiredDecisions ?? []) {
      if (required.has(next) || next === decision.key) continue;
      required.add(next);
      visit(next);
    }
  };
  visit(decision.key);
  await Promise.all(
    [...required].map(async (key) => {
      const found = (await decisions.ofKey(key, decision.tenantId)).find((one) => one.deploymentId === decision.deploymentId);
      if (found) byKey.set(key, decisionRef(found));
    }),
  );
  return byKey;
}
