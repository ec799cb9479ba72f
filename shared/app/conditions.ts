import type { StartEventNode } from '../bpmn/model.ts';
import { processEngineError } from '../engine/errors.ts';
import { conditionalStartEvents, conditionalStartHolds } from '../engine/start-events.ts';
import type { ProcessInstanceState, Variables } from '../engine/state.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import { requireDefinition } from './access.ts';
import type { UseCase } from './app-context.ts';

export interface ConditionInput {
  variables: Variables;
  businessKey?: string;
  processDefinitionId?: string;
  /** Only this tenant's definitions (null: only those without tenant); omitted: all. */
  tenant?: { tenantId: string | null };
}

/**
 * `POST /condition` (Camunda's EvaluateStartConditionCmd): evaluates the conditional start events of
 * the latest definitions (or of one definition) against the given variables alone and starts an
 * instance at each one that holds, with those variables and the business key. CREATE_INSTANCE on
 * every such definition is checked before any instance starts.
 */
export const evaluateStartConditions: UseCase<ConditionInput, ProcessInstanceState[]> = async (app, caller, input) => {
  const candidates: { definition: DefinitionRecord; start: StartEventNode }[] = [];
  if (input.processDefinitionId !== undefined) {
    const definition = await app.engine.definition(input.processDefinitionId);
    if (definition) {
      const starts = conditionalStartEvents(await app.engine.model(definition));
      if (starts.length === 0) throw processEngineError(`ENGINE-13042 Process definition with id '${definition.id}' does not declare conditional start event.`);
      for (const start of starts) candidates.push({ definition, start });
    }
  } else {
    const records = (await app.engine.deps.startEvents.conditionalStarts(input.tenant)).filter((record) => caller.canSeeTenant(record.tenantId));
    if (records.length === 0) throw processEngineError('ENGINE-13043 No subscriptions were found during evaluation of the conditional start events.');
    for (const record of records) {
      const definition = await app.engine.definition(record.definitionId);
      const start = definition && (await app.engine.model(definition)).nodes.get(record.activityId);
      // A suspended definition's conditional start event is not evaluated.
      if (definition && start?.kind === 'startEvent' && !(await app.engine.deps.definitions.isSuspended(definition.id))) candidates.push({ definition, start });
    }
  }
  const satisfied = candidates.filter(({ start }) => conditionalStartHolds(start, input.variables));
  for (const { definition } of satisfied) await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  if (satisfied.length > 0) await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  const started: ProcessInstanceState[] = [];
  for (const { definition, start } of satisfied) started.push(await app.engine.start(definition, { variables: input.variables, businessKey: input.businessKey, startEventId: start.id }));
  return started;
};
