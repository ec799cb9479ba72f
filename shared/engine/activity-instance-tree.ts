import type { ProcessModel } from '../bpmn/model.ts';
import { executionIdOf } from './execution-facade.ts';
import type { ActivityInstanceState, IncidentState, ProcessInstanceState } from './state.ts';

export interface IncidentRefDto {
  id: string;
  activityId: string;
}

/** Camunda's TransitionInstanceDto: a token waiting on an async continuation. */
export interface TransitionInstanceDto {
  id: string;
  parentActivityInstanceId: string;
  processInstanceId: string;
  processDefinitionId: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  executionId: string;
  incidentIds: string[];
  incidents: IncidentRefDto[];
  /** Legacy duplicate of activityId that Camunda still sends. */
  targetActivityId: string;
}

/** Camunda's ActivityInstanceDto, field for field. */
export interface ActivityInstanceDto {
  id: string;
  parentActivityInstanceId: string | null;
  activityId: string;
  activityType: string;
  processInstanceId: string;
  processDefinitionId: string;
  childActivityInstances: ActivityInstanceDto[];
  childTransitionInstances: TransitionInstanceDto[];
  executionIds: string[];
  activityName: string | null;
  incidentIds: string[];
  incidents: IncidentRefDto[];
  /** Legacy duplicate of activityName that Camunda still sends. */
  name: string | null;
}

function incidentRefs(incidents: IncidentState[] | undefined): { incidentIds: string[]; incidents: IncidentRefDto[] } {
  const list = incidents ?? [];
  return { incidentIds: list.map((i) => i.id), incidents: list.map((i) => ({ id: i.id, activityId: i.activityId })) };
}

/**
 * Projects the stored state to `GET /process-instance/{id}/activity-instances`. One pass over the
 * tree: cost is linear in the number of tokens. Returns null for an ended instance.
 */
export function buildActivityInstanceTree(state: ProcessInstanceState, model: ProcessModel): ActivityInstanceDto | null {
  if (state.status !== 'ACTIVE') return null;
  const common = { processInstanceId: state.id, processDefinitionId: state.definitionId };

  const project = (node: ActivityInstanceState, parentId: string | null): ActivityInstanceDto => {
    const isRoot = parentId === null;
    const definition = isRoot ? model.root : model.nodes.get(node.activityId);
    const name = definition?.name ?? null;
    const activities: ActivityInstanceDto[] = [];
    const transitions: TransitionInstanceDto[] = [];
    for (const child of node.children ?? []) {
      if (child.transition) {
        const target = model.nodes.get(child.activityId);
        transitions.push({
          id: child.id,
          parentActivityInstanceId: node.id,
          ...common,
          activityId: child.activityId,
          activityName: target?.name ?? null,
          activityType: target?.activityType ?? 'unknown',
          executionId: child.id,
          ...incidentRefs(child.incidents),
          targetActivityId: child.activityId,
        });
      } else {
        activities.push(project(child, node.id));
      }
    }
    return {
      id: node.id,
      parentActivityInstanceId: parentId,
      activityId: isRoot ? state.definitionId : node.activityId,
      activityType: isRoot ? 'processDefinition' : (definition?.activityType ?? 'unknown'),
      ...common,
      childActivityInstances: activities,
      childTransitionInstances: transitions,
      executionIds: [executionIdOf(node, state.id)],
      activityName: name,
      ...incidentRefs(node.incidents),
      name,
    };
  };
  return project(state.root, null);
}
