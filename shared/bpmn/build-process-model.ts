import { buildFlowNode } from './build-flow-node.ts';
import type { ScriptDef } from './script-def.ts';
import type { FlowNode } from './flow-node.ts';
import type { ProcessModel, SequenceFlow } from './model.ts';
import type { NodeDraft } from './node-draft.ts';
import type { ProblemCollector } from './parse-extensions.ts';
import type { CompiledExpression } from '../expression/index.ts';

/** A process while its nodes are drafts: every check runs on this shape, before any variant is built. */
export interface ProcessDraft {
  readonly id: string;
  readonly name?: string;
  readonly isExecutable: boolean;
  readonly versionTag?: string;
  readonly historyTimeToLive?: number;
  readonly taskPriority?: CompiledExpression;
  readonly drafts: ReadonlyMap<string, NodeDraft>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
  readonly initialStartEventId?: string;
  readonly eventStartEventIds: readonly string[];
  readonly scripts: readonly ScriptDef[];
}

/** The immutable model of a valid process draft: every draft becomes the frozen variant of its kind. */
export function buildProcessModel(process: ProcessDraft, problems: ProblemCollector): ProcessModel | undefined {
  const nodes = new Map<string, FlowNode>();
  for (const [id, draft] of process.drafts) {
    const node = buildFlowNode(draft, problems);
    if (node) nodes.set(id, Object.freeze(node));
  }
  const root = nodes.get(process.id);
  if (!root) return undefined;
  if (root.kind !== 'subProcess') {
    // Only a flow element that reuses the process id can have taken the process's place.
    problems.add(process.id, `Duplicate id '${process.id}'`);
    return undefined;
  }
  const { initialStartEventId, eventStartEventIds } = process;
  return {
    id: process.id,
    name: process.name,
    isExecutable: process.isExecutable,
    ...(process.versionTag ? { versionTag: process.versionTag } : {}),
    ...(process.historyTimeToLive !== undefined ? { historyTimeToLive: process.historyTimeToLive } : {}),
    ...(process.taskPriority ? { taskPriority: process.taskPriority } : {}),
    root,
    initialStartEventId,
    eventStartEventIds,
    nodes,
    flows: process.flows,
    scripts: process.scripts,
  };
}
