/**
 * What the engine needs to run a model's JavaScript, made ready before an operation runs (the
 * engine reads nothing itself): the sandbox loaded, once per container and only when a model has a
 * script, and the texts of scripts kept as deployment resources (camunda:resource), read once per
 * container (a deployed resource never changes).
 */
import type { ProcessModel, ScriptDef } from '../bpmn/model.ts';
import { BpmnError } from '../engine/delegates.ts';
import { ScriptFailure, type ScriptRunner, type ScriptScope } from '../engine/script-runner.ts';
import type { ScriptLimits, ScriptSandbox } from '../script/sandbox.ts';
import type { DefinitionRecord, DefinitionRepository } from '../store/definition-repository.ts';

const RESOURCES_KEPT = 500;

export class PreparedScripts implements ScriptRunner {
  private sandbox: Promise<ScriptSandbox> | undefined;
  /** Resource texts by deployment and name; a missing resource is kept as its error. */
  private readonly resources = new Map<string, string | Error>();
  /** The deployment of each prepared definition, to find its resources. */
  private readonly deployments = new Map<string, string>();

  constructor(
    private readonly definitions: DefinitionRepository,
    private readonly limits: ScriptLimits,
  ) {}

  async prepare(definition: DefinitionRecord, model: ProcessModel): Promise<void> {
    if (model.scripts.length === 0) return;
    if (this.deployments.size > 1000) this.deployments.clear();
    this.deployments.set(definition.id, definition.deploymentId);
    if (!this.sandbox) {
      this.sandbox = import('../script/sandbox.ts').then(({ ScriptSandbox }) => ScriptSandbox.load(this.limits.memoryBytes));
      // A failed load is tried again by the next operation.
      this.sandbox.catch(() => {
        this.sandbox = undefined;
      });
    }
    const loading = this.sandbox;
    const [sandbox] = await Promise.all([loading, ...model.scripts.map((script) => this.loadResource(definition.deploymentId, script))]);
    await sandbox.ready();
    this.current = sandbox;
  }

  /** Ends the sandbox's worker thread, if one was started. */
  async close(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    this.current = undefined;
    await (await sandbox?.catch(() => undefined))?.close();
  }

  /** The loaded sandbox (prepare has awaited it). */
  private current: ScriptSandbox | undefined;

  run(definitionId: string, script: ScriptDef, scope: ScriptScope): unknown {
    if (!this.current) throw new ScriptFailure('the script sandbox was not loaded');
    const outcome = this.current.run(this.sourceOf(definitionId, script), scope, this.limits);
    if ('value' in outcome) return outcome.value;
    if (outcome.bpmnError) throw new BpmnError(outcome.bpmnError.code, outcome.bpmnError.message);
    throw new ScriptFailure(outcome.failure);
  }

  private sourceOf(definitionId: string, script: ScriptDef): string {
    if ('inline' in script.source) return script.source.inline;
    const deploymentId = this.deployments.get(definitionId);
    const text = deploymentId === undefined ? undefined : this.resources.get(resourceKey(deploymentId, script.source.resource));
    if (text instanceof Error) throw new ScriptFailure(text.message);
    if (text === undefined) throw new ScriptFailure(`the script resource '${script.source.resource}' was not loaded`);
    return text;
  }

  private async loadResource(deploymentId: string, script: ScriptDef): Promise<void> {
    if (!('resource' in script.source)) return;
    const key = resourceKey(deploymentId, script.source.resource);
    if (this.resources.has(key)) return;
    if (this.resources.size >= RESOURCES_KEPT) this.resources.delete(this.resources.keys().next().value as string);
    try {
      this.resources.set(key, await this.definitions.resourceXml(deploymentId, script.source.resource));
    } catch (error) {
      // A store failure is not a missing resource: it fails this operation only.
      if (!/ is missing$/.test((error as Error).message)) throw error;
      // Camunda's ResourceUtil: the resource is looked up when the script runs, and fails there.
      this.resources.set(key, new Error(`Unable to find resource at path ${script.source.resource}`));
    }
  }
}

function resourceKey(deploymentId: string, name: string): string {
  return `${deploymentId}\u0000${name}`;
}
