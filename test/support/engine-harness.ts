import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBpmn } from '../../shared/bpmn/index.ts';
import type { ProcessModel } from '../../shared/bpmn/index.ts';
import {
  type ActivityInstanceDto,
  buildActivityInstanceTree,
  completeExternalTask,
  completeTask,
  correlateMessage,
  DelegateRegistry,
  type EngineEnvironment,
  type EngineEvent,
  executeJob,
  type JobResult,
  listJobs,
  lockExternalTask,
  type OperationResult,
  type ProcessInstanceState,
  startProcessInstance,
  type ActivityInstanceState,
  type Variables,
} from '../../shared/engine/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/camunda-models/', import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** A deterministic environment: sequential UUID-shaped ids and a clock tests move by hand. */
export function testEnvironment(registry = new DelegateRegistry()): EngineEnvironment & { clock: number } {
  let counter = 0;
  const env = {
    clock: Date.UTC(2026, 0, 1, 10, 0, 0),
    now: () => env.clock,
    newId: () => {
      counter += 1;
      return `00000000-0000-4000-8000-${counter.toString().padStart(12, '0')}`;
    },
    registry,
  };
  return env;
}

export async function loadModel(fixture: string, processId?: string): Promise<ProcessModel> {
  const models = await parseBpmn(readFixture(fixture), fixture);
  const model = processId ? models.find((m) => m.id === processId) : models[0];
  if (!model) throw new Error(`no process ${processId ?? ''} in ${fixture}`);
  return model;
}

/** Compact tree notation of the reference's scenarios: `root{a, sub{b}, ~c}` (~ = transition instance). */
export function describeTree(tree: ActivityInstanceDto | null): string | null {
  if (!tree) return null;
  const describe = (node: ActivityInstanceDto, isRoot: boolean): string => {
    const parts = [...node.childActivityInstances.map((c) => describe(c, false)), ...node.childTransitionInstances.map((t) => `~${t.activityId}`)].sort();
    const label = isRoot ? 'root' : node.activityId;
    return parts.length > 0 ? `${label}{${parts.join(', ')}}` : label;
  };
  return describe(tree, true);
}

/** One process instance driven through the pure engine, the way the REST layer will drive it. */
export class InstanceDriver {
  state: ProcessInstanceState;
  readonly events: EngineEvent[] = [];

  constructor(
    readonly model: ProcessModel,
    readonly env: EngineEnvironment & { clock: number },
    result: OperationResult,
  ) {
    this.state = result.state;
    this.events.push(...result.events);
  }

  static start(model: ProcessModel, env = testEnvironment(), variables?: Variables, businessKey?: string): InstanceDriver {
    const result = startProcessInstance(model, { definitionId: `${model.id}:1:def`, variables, businessKey }, env);
    return new InstanceDriver(model, env, result);
  }

  apply(result: OperationResult): this {
    this.state = result.state;
    this.events.push(...result.events);
    return this;
  }

  get tree(): ActivityInstanceDto | null {
    return buildActivityInstanceTree(this.state, this.model);
  }

  get shape(): string | null {
    return describeTree(this.tree);
  }

  nodes(): ActivityInstanceState[] {
    const out: ActivityInstanceState[] = [];
    const visit = (n: ActivityInstanceState) => {
      out.push(n);
      for (const c of n.children ?? []) visit(c);
    };
    visit(this.state.root);
    return out;
  }

  instancesOf(activityId: string): ActivityInstanceState[] {
    return this.nodes().filter((n) => n.activityId === activityId && n !== this.state.root);
  }

  tasks(): { id: string; activityId: string; assignee?: string }[] {
    return this.nodes()
      .filter((n) => n.task)
      .map((n) => ({ id: n.task!.id, activityId: n.activityId, assignee: n.task!.assignee }));
  }

  jobs() {
    return listJobs(this.state).map(({ owner, job }) => ({ ...job, ownerActivityId: owner.activityId, ownerId: owner.id }));
  }

  completeTask(activityId: string, variables?: Variables): this {
    const task = this.tasks().find((t) => t.activityId === activityId);
    if (!task) throw new Error(`no task of ${activityId}; tree ${this.shape}`);
    return this.apply(completeTask(this.state, this.model, task.id, variables, this.env));
  }

  executeJob(jobId?: string): JobResult {
    const id = jobId ?? this.jobs()[0]?.id;
    if (!id) throw new Error(`no job; tree ${this.shape}`);
    const result = executeJob(this.state, this.model, id, this.env);
    this.apply(result);
    return result;
  }

  correlate(messageName: string, variables?: Variables): this {
    return this.apply(correlateMessage(this.state, this.model, messageName, variables, this.env));
  }

  completeExternalTask(activityId: string, variables?: Variables): this {
    const owner = this.instancesOf(activityId).find((n) => n.externalTask);
    if (!owner) throw new Error(`no external task of ${activityId}`);
    const id = owner.externalTask!.id;
    this.state = lockExternalTask(this.state, id, 'worker', 60_000, this.env);
    return this.apply(completeExternalTask(this.state, this.model, id, 'worker', variables, undefined, this.env));
  }

  variable(name: string): unknown {
    return this.state.root.variables?.[name]?.value;
  }
}
