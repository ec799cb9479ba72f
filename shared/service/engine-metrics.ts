/**
 * Camunda's engine metrics (its Metrics class), counted in memory by the container and added to the
 * store at the end of each invocation (Camunda's reporter flushes every 15 minutes; a Lambda
 * container may be frozen any time after an invocation, so here each one flushes). Only what this
 * engine does is counted: there is no job acquisition to count (SQS hands the jobs over).
 */
import type { DecisionRequirementsModel } from '../dmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { TreeIndex } from '../engine/tree-index.ts';
import { log } from '../observability/logger.ts';
import type { MetricRepository } from '../store/metric-repository.ts';

export const ENGINE_METRIC = {
  activityInstanceStart: 'activity-instance-start',
  activityInstanceEnd: 'activity-instance-end',
  rootProcessInstanceStart: 'root-process-instance-start',
  jobSuccessful: 'job-successful',
  jobFailed: 'job-failed',
  executedDecisionInstances: 'executed-decision-instances',
  executedDecisionElements: 'executed-decision-elements',
} as const;

/** Camunda's public metric names for the internal ones (MetricsUtil#resolveInternalName). */
const PUBLIC_NAMES: Record<string, string> = {
  'process-instances': ENGINE_METRIC.rootProcessInstanceStart,
  'flow-node-instances': ENGINE_METRIC.activityInstanceStart,
  'decision-instances': ENGINE_METRIC.executedDecisionInstances,
};

export const internalMetricName = (name: string) => PUBLIC_NAMES[name] ?? name;

export class MetricsRecorder {
  private counts = new Map<string, number>();
  private taskWorkers = new Set<string>();

  record(name: string, amount = 1): void {
    if (amount > 0) this.counts.set(name, (this.counts.get(name) ?? 0) + amount);
  }

  /** Someone became a task's assignee (Camunda's TaskMeterLogEntity: the unique-task-workers metric). */
  recordTaskWorker(assignee: string): void {
    this.taskWorkers.add(assignee);
  }

  /** Adds what was counted since the last flush to the store; on a store failure the counts wait for the next one. */
  async flush(store: MetricRepository | undefined, now: number): Promise<void> {
    if (!store || (this.counts.size === 0 && this.taskWorkers.size === 0)) return;
    const counts = this.counts;
    const taskWorkers = this.taskWorkers;
    this.counts = new Map();
    this.taskWorkers = new Set();
    try {
      await Promise.all([counts.size > 0 ? store.add(counts, now) : undefined, taskWorkers.size > 0 ? store.addTaskWorkers(taskWorkers, now) : undefined]);
    } catch (error) {
      for (const [name, value] of counts) this.record(name, value);
      for (const worker of taskWorkers) this.recordTaskWorker(worker);
      log.warn('engine metrics not stored; they are kept for the next flush', { error });
    }
  }
}

/** The assignees a change gave tasks: set where the task had none or another (Camunda's TaskEntity#setAssignee). */
export function newAssignees(before: ProcessInstanceState | undefined, after: ProcessInstanceState): string[] {
  const previous = new Map<string, string | undefined>();
  if (before) for (const node of new TreeIndex(before.root).all()) if (node.task) previous.set(node.task.id, node.task.assignee);
  const assignees: string[] = [];
  for (const node of new TreeIndex(after.root).all()) {
    const assignee = node.task?.assignee;
    if (assignee && previous.get(node.task!.id) !== assignee) assignees.push(assignee);
  }
  return assignees;
}

/**
 * What evaluating a decision counts (Camunda's DmnEngineMetricCollector): every decision it
 * evaluates, required ones included; a decision table's elements are its inputs and outputs times
 * its rules, a literal expression is one.
 */
export function decisionEvaluationCounts(model: DecisionRequirementsModel, decisionId: string): { instances: number; elements: number } {
  const byId = new Map(model.decisions.map((decision) => [decision.id, decision]));
  const seen = new Set<string>();
  let elements = 0;
  const visit = (id: string) => {
    const decision = byId.get(id);
    if (!decision || seen.has(id)) return;
    seen.add(id);
    for (const required of decision.requiredDecisions) visit(required);
    const logic = decision.logic;
    elements += logic.kind === 'literalExpression' ? 1 : (logic.inputs.length + logic.outputs.length) * logic.rules.length;
  };
  visit(decisionId);
  return { instances: seen.size, elements };
}
