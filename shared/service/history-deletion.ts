/**
 * Deleting a finished instance's history (Camunda's DeleteHistoricProcessInstancesCmd, without its
 * checks): what hangs off it first (its comments, its activity, task and variable history, its job
 * log and incidents), its row last, so a
 * deletion that stops half-way leaves the row and a repetition finishes it. Safe to repeat.
 */
import { isConditionalFailure } from '../store/errors.ts';
import type { EngineService } from './engine-service.ts';

export type HistoryDeletion = 'deleted' | 'missing' | 'running';

export async function deleteInstanceHistory(engine: EngineService, processInstanceId: string): Promise<HistoryDeletion> {
  const { items, notes } = engine.deps;
  const item = await items.getHistoricInstance(processInstanceId);
  if (!item) return 'missing';
  if (item.endTime === null || item.endTime === undefined) return 'running';
  const owner = { kind: 'PI' as const, id: processInstanceId };
  for (const comment of await notes.comments(owner)) await notes.deleteComment([owner], comment.id);
  await items.deleteActivityHistoryOfInstance(processInstanceId);
  // Camunda deletes the task and variable history, the job and external task logs, incidents and identity links with the instance;
  // not its decisions, nor the user operation log (its removal time does).
  await engine.deps.taskHistory.deleteOfInstance(processInstanceId);
  await engine.deps.incidentHistory.deleteOfInstance(processInstanceId);
  await engine.deps.identityLinkLog.deleteOfInstance(processInstanceId);
  await engine.deps.externalTaskLog.deleteOfInstance(processInstanceId);
  await engine.deps.variableHistory.deleteOfInstance(processInstanceId);
  await engine.deps.jobLog.deleteOfInstance(processInstanceId);
  await engine.deps.variableDetails.deleteOfInstance(processInstanceId);
  // The row on its end time (written once, when the instance ended).
  try {
    await items.deleteHistoricInstance(processInstanceId);
  } catch (error) {
    if (isConditionalFailure(error)) return 'running';
    throw error;
  }
  return 'deleted';
}
