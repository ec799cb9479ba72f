import { notFound } from './errors.ts';
import { cloneState } from './operation.ts';
import type { IncidentState, ProcessInstanceState } from './state.ts';
import { TreeIndex } from './tree-index.ts';

/** The incident of an instance with this id, if the instance has it. */
export function findIncident(state: ProcessInstanceState, incidentId: string): IncidentState | undefined {
  for (const node of new TreeIndex(state.root).all()) {
    const incident = node.incidents?.find((i) => i.id === incidentId);
    if (incident) return incident;
  }
  return undefined;
}

/** Sets (or with null clears) an incident's annotation (Camunda's SetAnnotationForIncidentCmd). */
export function setIncidentAnnotation(state: ProcessInstanceState, incidentId: string, annotation: string | null): ProcessInstanceState {
  const copy = cloneState(state);
  const incident = findIncident(copy, incidentId);
  if (!incident) throw notFound(`Cannot find an incident with id '${incidentId}': incident is null`);
  if (annotation === null) delete incident.annotation;
  else incident.annotation = annotation;
  return copy;
}
