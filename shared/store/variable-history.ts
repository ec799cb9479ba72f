/**
 * Historic variable instances (Camunda's ACT_HI_VARINST): two items per variable, written in the
 * instance's own transaction from the variables as the states before and after an operation hold
 * them. `CREATE`, once, when the variable appears: where it lives and when it was created (in the
 * instance's history partition of gsi2, and sharded by creation time in gsi1); `VALUE`, put again
 * whenever its value changes, and when it is removed (state DELETED, its last value kept). A
 * variable whose scope ends (an activity's local variables, a finished instance's) keeps its
 * history unchanged, as in Camunda, which fires no history event for them.
 */
import type { ProcessModel } from '../bpmn/model.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, ProcessInstanceState, TypedValue } from '../engine/state.ts';
import { type IndexLayout, shardKey } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';

export const variableHistoryKeys = {
  create: (id: string) => ({ pk: `HVI#${id}`, sk: 'CREATE' }),
  value: (id: string) => ({ pk: `HVI#${id}`, sk: 'VALUE' }),
  all: 'HVI',
  ofInstance: (processInstanceId: string) => `HVIPI#${processInstanceId}`,
};

/** Historic details (Camunda's ACT_HI_DETAIL variable updates): one item per value a variable took. */
export const variableDetailKeys = {
  item: (id: string) => ({ pk: `HDE#${id}`, sk: 'DETAIL' }),
  all: 'HDE',
  ofInstance: (processInstanceId: string) => `HDEPI#${processInstanceId}`,
};

/** A variable update detail (Camunda's HistoricVariableUpdate). */
export interface VariableDetailRecord {
  id: string;
  variableInstanceId: string;
  variableName: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processInstanceId: string;
  rootProcessInstanceId: string;
  executionId: string;
  activityInstanceId: string;
  taskId: string | null;
  tenantId: string | null;
  time: number;
  /** The entry's place among the operation's details (for `occurrence`). */
  occurrence: string;
  value: TypedValue | null;
  errorMessage: string | null;
  /** Set when the instance started with the variable (Camunda's initial variables). */
  initial: boolean;
  /** 0 for the value a variable was created with; later values carry none (the count is not kept). */
  revision: number | null;
}

/** A value larger than this is not kept in the history (an item holds at most 400 KB). */
const MAX_VALUE_BYTES = 300 * 1024;

/** What a historic variable instance shows (Camunda's HistoricVariableInstanceDto). */
export interface HistoricVariableRecord {
  id: string;
  name: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processInstanceId: string;
  rootProcessInstanceId: string;
  executionId: string;
  activityInstanceId: string;
  taskId: string | null;
  tenantId: string | null;
  createTime: number;
  /** Its value null, with an error message, when the value was too large to keep. */
  value: TypedValue | null;
  errorMessage: string | null;
  state: 'CREATED' | 'DELETED';
}

interface VariableAt {
  id: string;
  name: string;
  value: TypedValue;
  node: ActivityInstanceState;
  taskId: string | null;
}

/** Every variable of a state, by its variable instance id (the runtime's: shared/app/variable-instances.ts). */
function variablesOf(state: ProcessInstanceState | undefined): Map<string, VariableAt> {
  const variables = new Map<string, VariableAt>();
  if (!state) return variables;
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of node.children ?? []) if (!child.eventScope) stack.push(child);
    const executionId = executionIdOf(node, state.id);
    for (const [name, value] of Object.entries(node.variables ?? {})) variables.set(['v', executionId, name].join('~'), { id: ['v', executionId, name].join('~'), name, value, node, taskId: null });
    const task = node.task;
    for (const [name, value] of Object.entries(task?.variables ?? {})) {
      const id = ['t', executionId, task!.id, name].join('~');
      variables.set(id, { id, name, value, node, taskId: task!.id });
    }
  }
  return variables;
}

/** Whether the scope a variable lived in is still there (a removal, not an ending). */
function scopeRemains(after: ProcessInstanceState, variable: VariableAt, nodes: ReadonlySet<string>, tasks: ReadonlySet<string>): boolean {
  if (after.status !== 'ACTIVE' || !nodes.has(variable.node.id)) return false;
  return variable.taskId === null || tasks.has(variable.taskId);
}

function valueFields(value: TypedValue): { value: TypedValue | null; errorMessage: string | null } {
  const bytes = Buffer.byteLength(JSON.stringify(value.value ?? null));
  return bytes > MAX_VALUE_BYTES ? { value: { type: value.type, value: null }, errorMessage: `The value (${bytes} bytes) is too large to keep in the history` } : { value, errorMessage: null };
}

/** The items an operation's variable changes add to the variable history, and a detail per value. */
export function variableHistoryItems(before: ProcessInstanceState | undefined, after: ProcessInstanceState, _model: ProcessModel, layout: IndexLayout, now: number, newId: () => string): Item[] {
  const previous = variablesOf(before);
  const current = variablesOf(after);
  if (previous.size === 0 && current.size === 0) return [];
  const gsi2pk = variableHistoryKeys.ofInstance(after.id);
  const valueItem = (variable: VariableAt, state: 'CREATED' | 'DELETED'): Item => {
    const { value, errorMessage } = valueFields(variable.value);
    return {
      ...variableHistoryKeys.value(variable.id),
      kind: 'historicVariableValue',
      id: variable.id,
      // As JSON text: a value may nest deeper than the 32 levels DynamoDB allows in a map.
      value: JSON.stringify(value),
      errorMessage,
      state,
      gsi2pk,
      gsi2sk: `VALUE#${variable.id}`,
    };
  };
  const items: Item[] = [];
  /** What the history and the details say of where a variable lived. */
  const whereItLived = (variable: VariableAt) => ({
    processDefinitionKey: after.definitionKey,
    processDefinitionId: after.definitionId,
    processInstanceId: after.id,
    rootProcessInstanceId: after.caller?.rootProcessInstanceId ?? after.id,
    executionId: executionIdOf(variable.node, after.id),
    activityInstanceId: variable.node.id,
    taskId: variable.taskId,
    tenantId: after.tenantId ?? null,
  });
  const detail = (variable: VariableAt, created: boolean): Item => {
    const { value, errorMessage } = valueFields(variable.value);
    const detailId = newId();
    const occurrence = `${timeKey(now)}#${String(items.length).padStart(6, '0')}`;
    const record: VariableDetailRecord = {
      id: detailId,
      variableInstanceId: variable.id,
      variableName: variable.name,
      ...whereItLived(variable),
      time: now,
      occurrence,
      value,
      errorMessage,
      // The variables an instance starts with (its first write): Camunda's initial flag.
      initial: before === undefined && created && variable.node.id === after.id,
      revision: created ? 0 : null,
    };
    return {
      ...variableDetailKeys.item(detailId),
      ...record,
      kind: 'historicDetail',
      // As JSON text: a value may nest deeper than the 32 levels DynamoDB allows in a map.
      value: JSON.stringify(value),
      gsi1pk: shardKey(variableDetailKeys.all, detailId, layout),
      gsi1sk: `${occurrence}#${detailId}`,
      gsi2pk: variableDetailKeys.ofInstance(after.id),
      gsi2sk: `${occurrence}#${detailId}`,
    };
  };
  for (const [id, variable] of current) {
    const old = previous.get(id);
    if (!old) {
      const created = `${timeKey(now)}#${id}`;
      items.push({
        ...variableHistoryKeys.create(id),
        kind: 'historicVariable',
        id,
        name: variable.name,
        ...whereItLived(variable),
        createTime: now,
        gsi1pk: shardKey(variableHistoryKeys.all, id, layout),
        gsi1sk: created,
        gsi2pk,
        gsi2sk: `${created}#CREATE`,
      });
      items.push(valueItem(variable, 'CREATED'));
      items.push(detail(variable, true));
    } else if (JSON.stringify(old.value) !== JSON.stringify(variable.value)) {
      items.push(valueItem(variable, 'CREATED'));
      items.push(detail(variable, false));
    }
  }
  const removed = [...previous.values()].filter((variable) => !current.has(variable.id));
  if (removed.length > 0) {
    const nodes = new Set<string>();
    const tasks = new Set<string>();
    const stack = [after.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      nodes.add(node.id);
      if (node.task) tasks.add(node.task.id);
      for (const child of node.children ?? []) stack.push(child);
    }
    for (const variable of removed) if (scopeRemains(after, variable, nodes, tasks)) items.push(valueItem(variable, 'DELETED'));
  }
  return items;
}

/** A CREATE item joined with its VALUE item. */
export function joinVariableHistory(create: Item, value: Item | undefined): HistoricVariableRecord {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = create;
  return {
    ...(record as unknown as Omit<HistoricVariableRecord, 'value' | 'errorMessage' | 'state'>),
    value: typeof value?.value === 'string' ? (JSON.parse(value.value) as TypedValue | null) : null,
    errorMessage: (value?.errorMessage as string | null | undefined) ?? null,
    state: (value?.state as 'CREATED' | 'DELETED' | undefined) ?? 'CREATED',
  };
}

export function variableDetailOf(item: Item): VariableDetailRecord {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, value, ...record } = item;
  return { ...(record as unknown as VariableDetailRecord), value: typeof value === 'string' ? (JSON.parse(value) as TypedValue | null) : null };
}
