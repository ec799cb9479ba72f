import type { BpmnLimits } from '../bpmn/limits.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { jobRunnable } from '../engine/suspension.ts';
import { EngineError, suspendedEntity } from '../engine/errors.ts';
import { listJobs } from '../engine/lookup.ts';
import type { OperationResult } from '../engine/operation.ts';
import { deleteProcessInstance, executeJob, type StartInput, startProcessInstance } from '../engine/operations.ts';
import { type InstantiationRequest, startProcessInstanceAt } from '../engine/modification/instantiate.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { JobMessage } from '../queue/job-messages.ts';
import type { QueuePublisher } from '../queue/publisher.ts';
import { ENGINE_METRIC, MetricsRecorder, newAssignees } from './engine-metrics.ts';
import type { MetricRepository } from '../store/metric-repository.ts';
import { DecisionModels, PreparedDecisions } from './decision-resolution.ts';
import { PreparedScripts } from './script-preparation.ts';
import { DEFAULT_SCRIPT_LIMITS, type ScriptLimits } from '../script/sandbox.ts';
import type { DecisionDefinitionRepository } from '../store/decision-definition-repository.ts';
import type { DefinitionRecord, DefinitionRepository } from '../store/definition-repository.ts';
import type { InstanceRepository, StoredInstance } from '../store/instance-repository.ts';
import type { QueryItemRepository } from '../store/query-items.ts';
import type { IndexLayout } from '../store/index-layout.ts';
import { activityHistoryItems } from '../store/activity-history.ts';
import { decisionHistoryItems } from '../store/decision-history.ts';
import { taskHistoryItems } from '../store/task-history.ts';
import type { TaskHistoryRepository } from '../store/task-history-repository.ts';
import { variableHistoryItems } from '../store/variable-history.ts';
import { jobLogItems } from '../store/job-log.ts';
import type { JobLogRepository } from '../store/job-log-repository.ts';
import type { UserOperationLogRepository } from '../store/user-operation-log-repository.ts';
import type { IncidentHistoryRepository } from '../store/incident-history-repository.ts';
import { incidentHistoryItems } from '../store/incident-history.ts';
import type { IdentityLinkLogRepository } from '../store/identity-link-log-repository.ts';
import { identityLinkLogItems } from '../store/identity-link-log.ts';
import type { ExternalTaskLogRepository } from '../store/external-task-log-repository.ts';
import { externalTaskLogItems } from '../store/external-task-log.ts';
import type { VariableDetailRepository } from '../store/variable-detail-repository.ts';
import type { VariableHistoryRepository } from '../store/variable-history-repository.ts';
import type { DecisionHistoryRepository } from '../store/decision-history-repository.ts';
import type { NoteRepository } from '../store/note-repository.ts';
import type { SchemaLogRepository } from '../store/schema-log.ts';
import type { StartEventRepository } from '../store/start-event-items.ts';
import { SIGNAL_BROADCAST_JOB_KIND, type SignalBroadcastRecord, type SignalRepository } from '../store/signal-items.ts';
import type { EngineEvent } from '../engine/events.ts';
import { retryOnConflict } from './conflict-retry.ts';
import { runTimerStartJob } from './timer-start-jobs.ts';
import { deliverBroadcast } from './signal-broadcast.ts';
import { callHandOvers, deliverHandOvers, type PreparedCall, prepareCalls, rehearseCallerEffects, runHandOver, runHandOverGroup } from './call-hand-over.ts';
import { CALL_HAND_OVER_JOB_KIND, HAND_OVER_GROUP_JOB_KIND, type HandOverRepository } from '../store/hand-over-items.ts';
import type { ModelCache } from './model-cache.ts';
import { log } from '../observability/logger.ts';
import { count, METRIC } from '../observability/metrics.ts';

/** A DynamoDB transaction action (Put, Update, Delete, ConditionCheck) joining an instance write. */
type WriteAction = Record<string, unknown>;

export interface EngineServiceDeps {
  definitions: DefinitionRepository;
  /** The deployed DMN decisions. */
  decisions: DecisionDefinitionRepository;
  /** The decisions evaluated (Camunda's historic decision instances). */
  decisionHistory: DecisionHistoryRepository;
  /** The user tasks, kept after they end (Camunda's historic task instances). */
  taskHistory: TaskHistoryRepository;
  /** The variables, kept after their instance ends (Camunda's historic variable instances). */
  variableHistory: VariableHistoryRepository;
  /** What happened to the jobs of instances (Camunda's historic job log). */
  jobLog: JobLogRepository;
  /** Every incident of an instance, open or ended (Camunda's historic incidents). */
  incidentHistory: IncidentHistoryRepository;
  /** The identity links of user tasks added and deleted (Camunda's historic identity link log). */
  identityLinkLog: IdentityLinkLogRepository;
  /** What happened to the external tasks of instances (Camunda's historic external task log). */
  externalTaskLog: ExternalTaskLogRepository;
  /** What authenticated users did (Camunda's user operation log). */
  userOperations: UserOperationLogRepository;
  /** Every value a variable took (Camunda's historic details). */
  variableDetails: VariableDetailRepository;
  /** Where the engine's metrics are added up (absent: they are counted and dropped). */
  metrics?: MetricRepository;
  /** Signal start events, broadcast jobs and delivery markers. */
  signals: SignalRepository;
  /** The hand-overs between the instances of a call hierarchy. */
  handOvers: HandOverRepository;
  /** The start events of the latest definitions: message start items and timer start jobs. */
  startEvents: StartEventRepository;
  layout: IndexLayout;
  /** What a deployed model may hold. */
  bpmnLimits: BpmnLimits;
  /** Time and memory one script evaluation may take (default: shared/script/sandbox.ts). */
  scriptLimits?: ScriptLimits;
  instances: InstanceRepository;
  items: QueryItemRepository;
  /** Comments and attachments of tasks and instances. */
  notes: NoteRepository;
  /** The data-model versions the table has held. */
  schemaLog: SchemaLogRepository;
  publisher: QueuePublisher;
  jobQueueUrl: string;
  env: EngineEnvironment;
  models: ModelCache;
  /** How often a write that lost an optimistic-locking race is retried on fresh state. */
  conflictRetries?: number;
  /**
   * Whether hand-overs between called and calling instances are carried out in the request that
   * stored them (default), or only by the job queue and the sweeper (tests of their delivery).
   */
  handOversInline?: boolean;
}

export interface LoadedInstance {
  stored: StoredInstance;
  model: ProcessModel;
  definition: DefinitionRecord;
}

/**
 * What an instance update does with the fresh state it is given. It may be asynchronous, so a use
 * case can run its authorization checks on the very state it changes (one read per attempt).
 */
export type InstanceUpdate = (state: ProcessInstanceState, model: ProcessModel) => OperationResult | ProcessInstanceState | Promise<OperationResult | ProcessInstanceState>;

/**
 * The use cases the handlers share: load an instance with its model, apply an engine operation and
 * store the result with optimistic locking, then hand newly due jobs to the job queue.
 */
export class EngineService {
  /** Parsed DMN resources, shared by business-rule tasks and POST …/evaluate. */
  readonly decisionModels: DecisionModels;
  private readonly preparedDecisions: PreparedDecisions;
  private readonly preparedScripts: PreparedScripts;

  /** Camunda's engine metrics, counted by this container until the invocation's end flushes them. */
  readonly metrics = new MetricsRecorder();

  constructor(readonly deps: EngineServiceDeps) {
    this.decisionModels = new DecisionModels(deps.definitions);
    this.preparedDecisions = new PreparedDecisions(deps.decisions, this.decisionModels, (counts) => this.countDecisionEvaluation(counts));
    // The engine's one impure input for decisions: what this service resolved before an operation runs
    // (its own environment: two services sharing one deps object each see their own resolutions).
    this.preparedScripts = new PreparedScripts(deps.definitions, deps.scriptLimits ?? DEFAULT_SCRIPT_LIMITS);
    this.engineEnv = { ...deps.env, decisions: this.preparedDecisions, scripts: this.preparedScripts };
  }

  private readonly engineEnv: EngineEnvironment;

  get env(): EngineEnvironment {
    return this.engineEnv;
  }

  /** Adds the metrics counted since the last flush to the store (the handlers call it when an invocation ends). */
  flushMetrics(): Promise<void> {
    return this.metrics.flush(this.deps.metrics, this.env.now());
  }

  countDecisionEvaluation(counts: { instances: number; elements: number }): void {
    this.metrics.record(ENGINE_METRIC.executedDecisionInstances, counts.instances);
    this.metrics.record(ENGINE_METRIC.executedDecisionElements, counts.elements);
  }

  /** An operation's activity instances, started and ended, as Camunda's metrics count them. */
  private countActivities(events: readonly EngineEvent[]): void {
    for (const event of events) {
      if (event.type === 'activityStart') this.metrics.record(ENGINE_METRIC.activityInstanceStart);
      else if (event.type === 'activityEnd') this.metrics.record(ENGINE_METRIC.activityInstanceEnd);
    }
  }

  /**
   * A warm container reads each definition once: only its suspension changes after deployment, and
   * that is read fresh where it matters (docs/decisions.md #44).
   */
  private readonly definitionCache = new Map<string, DefinitionRecord>();

  async definition(id: string): Promise<DefinitionRecord | undefined> {
    const cached = this.definitionCache.get(id);
    if (cached) return cached;
    const definition = await this.deps.definitions.getDefinition(id);
    if (definition) {
      if (this.definitionCache.size > 500) this.definitionCache.clear();
      this.definitionCache.set(id, definition);
    }
    return definition;
  }

  /** A deleted deployment's definitions must not be served from the cache any more. */
  forgetDefinitions(ids: readonly string[]): void {
    for (const id of ids) this.definitionCache.delete(id);
  }

  /** A definition's model, with its decisions resolved and its scripts made ready for the operations about to run on it. */
  async model(definition: DefinitionRecord): Promise<ProcessModel> {
    const model = await this.deps.models.get(definition);
    await Promise.all([this.preparedDecisions.prepare(definition, model), this.preparedScripts.prepare(definition, model)]);
    return model;
  }

  /** A running instance's id, definition and tenant, without reading its state. */
  summary(processInstanceId: string) {
    return this.deps.instances.summary(processInstanceId);
  }

  async load(processInstanceId: string): Promise<LoadedInstance | undefined> {
    const stored = await this.deps.instances.get(processInstanceId);
    if (!stored) return undefined;
    const definition = await this.definition(stored.state.definitionId);
    if (!definition) throw new EngineError('ProcessEngineException', `Process definition '${stored.state.definitionId}' of instance '${processInstanceId}' is missing`);
    return { stored, model: await this.model(definition), definition };
  }

  /** Starts and stores an instance; `extra` actions (a delivery marker) join its transaction. */
  async start(definition: DefinitionRecord, input: Omit<StartInput, 'definitionId' | 'tenantId'>, extra: WriteAction[] = [], at?: InstantiationRequest): Promise<ProcessInstanceState> {
    // Read, not cached: suspension is the one thing about a definition that changes (one small consistent read per start).
    if (await this.deps.definitions.isSuspended(definition.id)) throw suspendedEntity('Process Definition', definition.id);
    const model = await this.model(definition);
    const startInput = { ...input, definitionId: definition.id, tenantId: definition.tenantId ?? undefined };
    // With start instructions the instance starts at the activities they name, not at its start event.
    const result = at ? startProcessInstanceAt(model, startInput, at, this.env) : startProcessInstance(model, startInput, this.env);
    await this.createResult(result, model, extra);
    return result.state;
  }

  /**
   * Stores a new instance with what its start handed over (the broadcast jobs of the signals it
   * threw), then queues its due jobs and broadcasts. Every instance creation goes through here.
   */
  async createResult(result: OperationResult, model: ProcessModel, extra: WriteAction[] = [], prepared?: PreparedCall[]): Promise<void> {
    const calls = prepared ?? (await prepareCalls(this, result.events, result.state.definitionId));
    const handOvers = callHandOvers(this, result.events, undefined, result.state, calls);
    await rehearseCallerEffects(this, handOvers);
    const stored = this.deps.handOvers.writeActions(handOvers, this.env.newId, this.env.now());
    const history = this.deps.instances.putActions(this.historyItems(result.events, undefined, result.state, model));
    const { broadcasts, actions } = this.handOver(result.events, [...extra, ...stored.actions]);
    await this.deps.instances.create(result.state, model, actions, history);
    this.countActivities(result.events);
    for (const assignee of newAssignees(undefined, result.state)) this.metrics.recordTaskWorker(assignee);
    // An instance started by a call activity is no root.
    if (!result.state.caller) this.metrics.record(ENGINE_METRIC.rootProcessInstanceStart);
    await this.dispatchNewJobs(undefined, result.state);
    await this.dispatchBroadcasts(broadcasts);
    await deliverHandOvers(this, handOvers, calls, stored.groupIds);
  }

  /**
   * Stores an operation's result over the state it started from (optimistic locking), with its
   * broadcast jobs and `extra` actions in the same transaction; then queues new due jobs and the
   * broadcasts. Every instance update goes through here, so no thrown signal is lost.
   */
  async saveResult(previous: StoredInstance, result: OperationResult | ProcessInstanceState, model: ProcessModel, extra: WriteAction[] = []): Promise<void> {
    const { state, events } = 'state' in result && 'events' in result ? result : { state: result as ProcessInstanceState, events: [] };
    const calls = await prepareCalls(this, events, state.definitionId);
    const handOvers = callHandOvers(this, events, previous.state, state, calls);
    await rehearseCallerEffects(this, handOvers);
    const stored = this.deps.handOvers.writeActions(handOvers, this.env.newId, this.env.now());
    const history = this.deps.instances.putActions(this.historyItems(events, previous.state, state, model));
    const { broadcasts, actions } = this.handOver(events, [...extra, ...stored.actions]);
    await this.deps.instances.save(previous, state, model, actions, history);
    this.countActivities(events);
    for (const assignee of newAssignees(previous.state, state)) this.metrics.recordTaskWorker(assignee);
    await this.dispatchNewJobs(previous.state, state);
    await this.dispatchBroadcasts(broadcasts);
    await deliverHandOvers(this, handOvers, calls, stored.groupIds);
  }

  /** The activity, task and decision history an operation adds, written with the instance. */
  private historyItems(events: readonly EngineEvent[], before: ProcessInstanceState | undefined, after: ProcessInstanceState, model: ProcessModel) {
    const { layout } = this.deps;
    return [
      ...activityHistoryItems(events, before, after, model, layout),
      ...taskHistoryItems(events, before, after, model, layout, this.env.now()),
      ...variableHistoryItems(before, after, model, layout, this.env.now(), this.env.newId),
      ...jobLogItems(events, before, after, layout, this.env.now(), this.env.newId),
      ...incidentHistoryItems(events, before, after, layout, this.env.now()),
      ...identityLinkLogItems(before, after, layout, this.env.now(), this.env.newId),
      ...externalTaskLogItems(events, before, after, layout, this.env.now(), this.env.newId),
      ...decisionHistoryItems(events, after, layout, this.env.newId),
    ];
  }

  /**
   * What an instance write carries besides the instance: the caller's `extra` actions and the
   * broadcast of the signals the operation threw (one for all of them: an operation belongs to one instance).
   */
  private handOver(events: readonly EngineEvent[], extra: WriteAction[]): { broadcasts: SignalBroadcastRecord[]; actions: WriteAction[] } {
    const thrown = events.flatMap((event) => (event.type === 'signalThrown' ? [event] : []));
    if (thrown.length === 0) return { broadcasts: [], actions: extra };
    const { tenantId, processInstanceId } = thrown[0]!;
    const signals = thrown.map((event) => ({ signalName: event.signalName, includeOwnInstance: event.includeOwnInstance }));
    const broadcast: SignalBroadcastRecord = { id: this.env.newId(), signals, tenantId, processInstanceId, created: this.env.now() };
    return { broadcasts: [broadcast], actions: [...extra, this.deps.signals.broadcastAction(broadcast, this.deps.layout)] };
  }

  /** A lost message only delays a broadcast: the sweeper finds its job in the due-jobs index. */
  private async dispatchBroadcasts(broadcasts: readonly SignalBroadcastRecord[]): Promise<void> {
    if (broadcasts.length === 0) return;
    try {
      await this.deps.publisher.send(
        this.deps.jobQueueUrl,
        broadcasts.map((b) => ({ jobId: b.id })),
      );
    } catch (error) {
      log.warn('signal broadcasts not queued; the sweeper will queue them', { broadcastIds: broadcasts.map((b) => b.id), error });
    }
  }

  /**
   * Applies `update` to the stored instance. A concurrent writer makes the conditional write fail;
   * the update is then re-applied on the fresh state (it must be safe to repeat), and after the last
   * retry Camunda's OptimisticLockingException surfaces. `missing` builds the error for an unknown id.
   * `extra` actions join the write; given as a function, they are made from the states before and
   * after (a user operation log entry naming what the operation changed).
   */
  async update(
    processInstanceId: string,
    update: InstanceUpdate,
    missing: () => Error,
    extra: WriteAction[] | ((before: ProcessInstanceState, after: ProcessInstanceState) => WriteAction[]) = [],
  ): Promise<ProcessInstanceState> {
    return retryOnConflict(async () => {
      const loaded = await this.load(processInstanceId);
      if (!loaded) throw missing();
      const outcome = await update(loaded.stored.state, loaded.model);
      const next = 'state' in outcome && 'events' in outcome ? outcome.state : (outcome as ProcessInstanceState);
      if (next === loaded.stored.state) return next;
      await this.saveResult(loaded.stored, outcome, loaded.model, typeof extra === 'function' ? extra(loaded.stored.state, next) : extra);
      return next;
    }, this.deps.conflictRetries);
  }

  /** Deletes (cancels) a running instance: EXTERNALLY_TERMINATED, as Camunda's REST delete. */
  async deleteInstance(processInstanceId: string, options: { skipCustomListeners?: boolean; skipIoMappings?: boolean } = {}): Promise<void> {
    await this.update(
      processInstanceId,
      (state, model) => deleteProcessInstance(state, model, this.env, options),
      () => new EngineError('NotFoundException', `No process instance found for id '${processInstanceId}'`),
    );
  }

  /**
   * Async continuations are due at once: each new one gets a job-queue message. Losing the send is
   * safe: the periodic sweeper finds every due job in the job index.
   */
  async dispatchNewJobs(before: ProcessInstanceState | undefined, after: ProcessInstanceState): Promise<void> {
    if (after.status !== 'ACTIVE' || after.suspended) return;
    const known = new Set(before ? listJobs(before).map(({ job }) => job.id) : []);
    const now = this.env.now();
    const due: JobMessage[] = listJobs(after)
      .filter(({ job }) => !known.has(job.id) && job.retries > 0 && (job.dueDate === undefined || job.dueDate <= now))
      .map(({ job }) => ({ processInstanceId: after.id, jobId: job.id }));
    if (due.length === 0) return;
    try {
      await this.deps.publisher.send(this.deps.jobQueueUrl, due);
    } catch (error) {
      // The sweeper re-drives due jobs from the job index; the state change itself is committed.
      log.warn('due jobs not queued; the sweeper will queue them', { processInstanceId: after.id, jobIds: due.map((m) => m.jobId), error });
    }
  }

  /**
   * Runs one job from the job queue. A job that is gone (already executed, instance ended) is a
   * no-op, so redelivered messages are harmless. A failure is recorded on the job; with retries left
   * the job is queued again at once (Camunda retries without backoff).
   */
  async runJob(message: JobMessage): Promise<'executed' | 'failed' | 'skipped'> {
    // Without an instance: a signal broadcast or a timer start job.
    if (!message.processInstanceId) {
      // Its kind first (a small read), then the job itself, by the repository that owns that kind.
      switch (await this.deps.items.jobKindOf(message.jobId)) {
        case CALL_HAND_OVER_JOB_KIND: {
          const handOver = await this.deps.handOvers.get(message.jobId);
          return handOver ? this.counted(await runHandOver(this, handOver)) : 'skipped';
        }
        case HAND_OVER_GROUP_JOB_KIND:
          return this.counted(await runHandOverGroup(this, message.jobId));
        case SIGNAL_BROADCAST_JOB_KIND: {
          const broadcast = await this.deps.signals.broadcast(message.jobId);
          return broadcast ? this.counted(await deliverBroadcast(this, broadcast)) : 'skipped';
        }
        case undefined:
          return 'skipped';
        default: {
          const outcome = await runTimerStartJob(this, message.jobId);
          return this.counted(typeof outcome === 'string' ? outcome : 'failed');
        }
      }
    }
    const run = { outcome: 'skipped' as 'executed' | 'failed' | 'skipped', retriesLeft: 0 };
    try {
      await this.update(
        message.processInstanceId,
        (state, model) => {
          const job = state.status === 'ACTIVE' ? listJobs(state).find(({ job: j }) => j.id === message.jobId)?.job : undefined;
          if (!job || job.retries <= 0 || (job.dueDate !== undefined && job.dueDate > this.env.now()) || !jobRunnable(state, job)) {
            run.outcome = 'skipped';
            return state;
          }
          const result = executeJob(state, model, message.jobId, this.env);
          run.outcome = result.failure ? 'failed' : 'executed';
          run.retriesLeft = result.failure ? (listJobs(result.state).find(({ job: j }) => j.id === message.jobId)?.job.retries ?? 0) : 0;
          return result;
        },
        () => new EngineError('NotFoundException', `Process instance ${message.processInstanceId} does not exist`),
      );
    } catch (error) {
      if (error instanceof EngineError && error.type === 'NotFoundException') return 'skipped';
      throw error;
    }
    if (run.outcome === 'failed') log.warn('job failed', { processInstanceId: message.processInstanceId, jobId: message.jobId, retriesLeft: run.retriesLeft });
    if (run.outcome === 'failed' && run.retriesLeft > 0) await this.deps.publisher.send(this.deps.jobQueueUrl, [message]);
    return this.counted(run.outcome);
  }

  private counted(outcome: 'executed' | 'failed' | 'skipped'): 'executed' | 'failed' | 'skipped' {
    if (outcome === 'executed') count(METRIC.jobsExecuted);
    if (outcome === 'failed') count(METRIC.jobsFailed);
    if (outcome !== 'skipped') this.metrics.record(outcome === 'executed' ? ENGINE_METRIC.jobSuccessful : ENGINE_METRIC.jobFailed);
    return outcome;
  }

  /** Queues the due, runnable jobs of one instance (after a change that made jobs due without creating them: a due date, an activation). */
  async queueDueJobsOf(state: ProcessInstanceState): Promise<void> {
    if (state.status !== 'ACTIVE') return;
    const now = this.env.now();
    const due: JobMessage[] = listJobs(state)
      .filter(({ job }) => job.retries > 0 && (job.dueDate === undefined || job.dueDate <= now) && jobRunnable(state, job))
      .map(({ job }) => ({ processInstanceId: state.id, jobId: job.id }));
    if (due.length > 0) await this.deps.publisher.send(this.deps.jobQueueUrl, due);
  }

  /** The timer/sweeper trigger: every due job with retries left goes to the job queue. */
  async sweepDueJobs(): Promise<number> {
    // A suspended job (or one of a suspended instance) waits for its activation, which queues it again.
    const due = (await this.deps.items.dueJobs(this.env.now())).filter((item) => (item.retries as number) > 0 && item.suspended !== true);
    // A timer start job has no instance: its message names only the job.
    const messages: JobMessage[] = due.map((item) => (item.processInstanceId ? { processInstanceId: item.processInstanceId as string, jobId: item.id as string } : { jobId: item.id as string }));
    if (messages.length > 0) await this.deps.publisher.send(this.deps.jobQueueUrl, messages);
    return messages.length;
  }
}
