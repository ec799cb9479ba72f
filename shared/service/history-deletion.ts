/**
 * Deleting a finished instance's history (Camunda's DeleteHistoricProcessInstancesCmd, without its
 * checks): its row, then what hangs off it, its comments and its activity history. Safe to repeat.
 */
import { isConditionalFailure } from '../store/errors.ts';
import type { EngineService } from './engine-service.ts';

export type HistoryDeletion = 'deleted' | 'missing' | 'running';

export async function deleteInstanceHistory(engine: EngineService, processInstanceId: string): Promise<HistoryDeletion> {
  const { items, notes } = engine.deps;
  const item = await items.getHistoricInstance(processInstanceId);
  if (!item) return 'missing';
  if (item.endTime === null || item.endTime === undefined) return 'running';
  // The row first, on its end time: an instance that is running again (restarted) keeps its history.
  try {
    await items.deleteHistoricInstance(processInstanceId);
  } catch (error) {
    if (isConditionalFailure(error)) return 'running';
    throw error;
  }
  const owner = { kind: 'PI' as const, id: processInstanceId };
  for (const comment of await notes.comments(owner)) await notes.deleteComment([owner], comment.id);
  await items.deleteActivityHistoryOfInstance(processInstanceId);
  return 'deleted';
}
