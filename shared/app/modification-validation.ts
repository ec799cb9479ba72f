/**
 * Dry runs of process instance modification (an extension beside Camunda's API, docs/api.md):
 * the same requests as the modification endpoints, applied in memory only, answering per instance
 * whether the real run would succeed, or the exact error it would raise. Nothing is written.
 */
import type { Batch } from '../batch/batch.ts';
import { buildActivityInstanceTree, type ActivityInstanceDto } from '../engine/activity-instance-tree.ts';
import { EngineError } from '../engine/errors.ts';
import { instanceCannotBeModified, modifyProcessInstance as modify } from '../engine/modification/modify.ts';
import { requireInstance } from './access.ts';
import type { UseCase } from './app-context.ts';
import { RequestError } from './errors.ts';
import { type ModificationOptions, type MultipleModification, plan, requireBatchCreation, resolveTargets } from './modification.ts';

/** Up to this many instances a bulk dry run answers at once; more run as a batch of their own. */
export const INLINE_VALIDATION_LIMIT = 100;

export type ValidationResult = { processInstanceId: string; valid: true } | { processInstanceId: string; valid: false; error: Error };

/**
 * The errors a real run raises for its input: reported as the dry run's answer. A caller not
 * allowed to modify an instance is refused the dry run as the real run refuses them (403): a dry
 * run is no way to look at what one may not change. Anything else (the store failing) is the dry
 * run's own failure.
 */
const isRefusal = (error: unknown): error is Error => error instanceof EngineError || error instanceof RequestError;

async function outcomeOf(processInstanceId: string, attempt: () => Promise<unknown>): Promise<ValidationResult> {
  try {
    await attempt();
    return { processInstanceId, valid: true };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return { processInstanceId, valid: false, error };
  }
}

/**
 * POST /process-instance/{id}/modification/validate: the synchronous modification's checks and
 * engine run on the instance as stored, and the activity instance tree it would leave (null when
 * the modification would end the instance).
 */
export const validateModification: UseCase<{ processInstanceId: string } & ModificationOptions, ValidationResult & { activityInstanceTree?: ActivityInstanceDto | null }> = async (
  app,
  caller,
  input,
) => {
  const id = input.processInstanceId;
  let tree: ActivityInstanceDto | null = null;
  const result = await outcomeOf(id, async () => {
    const loaded = await app.engine.load(id);
    if (!loaded) throw instanceCannotBeModified(id);
    const { state } = loaded.stored;
    // Checked first, whatever the instructions: the tree is shown only to who may modify the instance.
    await requireInstance(caller, state, 'UPDATE');
    // As the real run: no instructions change nothing.
    if (input.instructions.length === 0) {
      tree = buildActivityInstanceTree(state, loaded.model);
      return;
    }
    const options = { instructions: input.instructions, skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings, externallyTerminated: true };
    const modified = modify(state, loaded.model, options, app.engine.env);
    if (modified.state.status !== 'ACTIVE') await requireInstance(caller, state, 'DELETE');
    tree = modified.state.status === 'ACTIVE' ? buildActivityInstanceTree(modified.state, loaded.model) : null;
  });
  return result.valid ? { ...result, activityInstanceTree: tree } : result;
};

/**
 * POST /modification/validate: the request is checked as /modification/execute checks it (its
 * refusal is the answer), then each instance is planned in memory as that run plans it. Up to
 * INLINE_VALIDATION_LIMIT instances are answered at once; a larger selection runs as a batch of
 * type instance-modification-validation (the batch permission of executeAsync), whose invalid
 * instances its failure report lists.
 */
export const validateModifications: UseCase<MultipleModification, { results: ValidationResult[] } | { batch: Batch }> = async (app, caller, input) => {
  const { definition, processInstanceIds } = await resolveTargets(app, caller, input);
  if (processInstanceIds.length > INLINE_VALIDATION_LIMIT) {
    await requireBatchCreation(caller);
    const batch = await app.batches.startBatch({
      configuration: {
        processInstanceIds,
        validation: { processDefinitionId: definition.id, instructions: input.instructions, skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings },
      },
      tenantId: definition.tenantId,
      createUserId: caller.userId,
      singleInstance: false,
    });
    return { batch };
  }
  const results: ValidationResult[] = [];
  for (const id of processInstanceIds) results.push(await outcomeOf(id, () => plan(app, caller, id, definition, input)));
  return { results };
};
