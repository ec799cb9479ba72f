import type { DecisionDefinitionRecord, DecisionRequirementsRecord } from '../app/read-models.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { DefinitionRecord, DeploymentRecord } from '../app/read-models.ts';
import type { QueryItem as Item } from '../app/read-models.ts';
import { formatDate } from './dates.ts';
import { jobDefinitionId } from '../app/job-definitions.ts';

/** Camunda response DTOs, built from stored records. Field names and order follow Camunda's DTO classes. */

export function processDefinitionDto(d: DefinitionRecord) {
  return {
    id: d.id,
    key: d.key,
    category: 'http://bpmn.io/schema/bpmn',
    description: null,
    name: d.name,
    version: d.version,
    resource: d.resourceName,
    deploymentId: d.deploymentId,
    diagram: d.diagramResourceName ?? null,
    suspended: d.suspended === true,
    tenantId: d.tenantId,
    versionTag: d.versionTag ?? null,
    historyTimeToLive: d.historyTimeToLive ?? null,
    startableInTasklist: true,
  };
}

/** Camunda's DecisionDefinitionDto. */
export function decisionDefinitionDto(d: DecisionDefinitionRecord) {
  return {
    id: d.id,
    key: d.key,
    category: d.category,
    name: d.name,
    version: d.version,
    resource: d.resourceName,
    deploymentId: d.deploymentId,
    tenantId: d.tenantId,
    decisionRequirementsDefinitionId: d.decisionRequirementsDefinitionId,
    decisionRequirementsDefinitionKey: d.decisionRequirementsDefinitionKey,
    historyTimeToLive: d.historyTimeToLive,
    versionTag: d.versionTag,
  };
}

/** Camunda's DecisionRequirementsDefinitionDto. */
export function decisionRequirementsDto(d: DecisionRequirementsRecord) {
  return { id: d.id, key: d.key, category: d.category, name: d.name, version: d.version, resource: d.resourceName, deploymentId: d.deploymentId, tenantId: d.tenantId };
}

export function deploymentDto(d: DeploymentRecord, baseUrl: string) {
  return {
    links: [{ method: 'GET', href: `${baseUrl}/deployment/${d.id}`, rel: 'self' }],
    id: d.id,
    name: d.name,
    source: d.source,
    deploymentTime: formatDate(d.deploymentTime),
    tenantId: d.tenantId,
  };
}

/** A started or stored instance (its state), or a running one as the lists read it (its listing: no status). */
type InstanceShown = Pick<ProcessInstanceState, 'id' | 'definitionId' | 'definitionKey'> & {
  businessKey?: string | null;
  tenantId?: string | null;
  status?: ProcessInstanceState['status'];
  /** `true` on a state, a boolean on a listing. */
  suspended?: boolean;
};

export function processInstanceDto(state: InstanceShown, baseUrl: string) {
  return {
    links: [{ method: 'GET', href: `${baseUrl}/process-instance/${state.id}`, rel: 'self' }],
    id: state.id,
    definitionId: state.definitionId,
    definitionKey: state.definitionKey,
    businessKey: state.businessKey ?? null,
    caseInstanceId: null,
    ended: state.status !== undefined && state.status !== 'ACTIVE',
    suspended: state.suspended === true,
    tenantId: state.tenantId ?? null,
  };
}

export function taskDto(item: Item) {
  return {
    id: item.id,
    name: item.name ?? null,
    assignee: item.assignee ?? null,
    owner: item.owner ?? null,
    created: formatDate(item.created as number),
    lastUpdated: formatDate(item.lastUpdated as number | null),
    due: formatDate(item.due as number | null | undefined),
    followUp: formatDate(item.followUp as number | null | undefined),
    delegationState: item.delegationState ?? null,
    description: item.description ?? null,
    executionId: item.executionId,
    parentTaskId: null,
    priority: item.priority ?? 50,
    processDefinitionId: item.processDefinitionId,
    processInstanceId: item.processInstanceId,
    caseExecutionId: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    taskDefinitionKey: item.taskDefinitionKey,
    suspended: item.suspended === true,
    formKey: item.formKey ?? null,
    camundaFormRef: item.camundaFormRef ?? null,
    tenantId: item.tenantId ?? null,
    taskState: item.lastUpdated ? 'Updated' : 'Created',
  };
}

export function externalTaskDto(item: Item) {
  return {
    activityId: item.activityId,
    activityInstanceId: item.activityInstanceId,
    errorMessage: item.errorMessage ?? null,
    executionId: item.executionId,
    id: item.id,
    lockExpirationTime: formatDate(item.lockExpirationTime as number | null),
    createTime: formatDate(item.created as number),
    processDefinitionId: item.processDefinitionId,
    processDefinitionKey: item.processDefinitionKey,
    processDefinitionVersionTag: null,
    processInstanceId: item.processInstanceId,
    retries: item.retries ?? null,
    suspended: item.suspended === true,
    workerId: item.workerId ?? null,
    topicName: item.topicName,
    tenantId: item.tenantId ?? null,
    priority: item.priority ?? 0,
    businessKey: item.businessKey ?? null,
  };
}

export { jobDefinitionId };

export function jobDto(item: Item) {
  return {
    id: item.id,
    jobDefinitionId: jobDefinitionId(item.processDefinitionId as string, item.activityId as string, item.jobKind as string),
    dueDate: formatDate(item.dueDate as number | null),
    processInstanceId: item.processInstanceId,
    executionId: item.executionId,
    processDefinitionId: item.processDefinitionId,
    processDefinitionKey: item.processDefinitionKey,
    retries: item.retries,
    exceptionMessage: item.exceptionMessage ?? null,
    failedActivityId: item.exceptionMessage ? item.activityId : null,
    suspended: item.suspended === true,
    priority: item.priority ?? 0,
    tenantId: item.tenantId ?? null,
    createTime: formatDate(item.created as number),
    batchId: null,
  };
}

export function incidentDto(item: Item) {
  return {
    id: item.id,
    processDefinitionId: item.processDefinitionId,
    processInstanceId: item.processInstanceId,
    executionId: item.executionId,
    incidentTimestamp: formatDate(item.created as number),
    incidentType: item.incidentType,
    activityId: item.activityId,
    failedActivityId: item.activityId,
    causeIncidentId: item.causeIncidentId ?? item.id,
    rootCauseIncidentId: item.rootCauseIncidentId ?? item.id,
    configuration: item.configuration ?? null,
    tenantId: item.tenantId ?? null,
    incidentMessage: item.incidentMessage ?? null,
    jobDefinitionId: null,
    annotation: item.annotation ?? null,
  };
}

export function historicProcessInstanceDto(item: Item, definitionVersion: number | null) {
  const start = item.startTime as number;
  const end = item.endTime as number | null;
  return {
    id: item.id,
    businessKey: item.businessKey ?? null,
    processDefinitionId: item.processDefinitionId,
    processDefinitionKey: item.processDefinitionKey,
    processDefinitionName: item.processDefinitionName ?? null,
    processDefinitionVersion: definitionVersion,
    startTime: formatDate(start),
    endTime: formatDate(end),
    removalTime: null,
    durationInMillis: end === null || end === undefined ? null : end - start,
    startUserId: null,
    startActivityId: item.startActivityId ?? null,
    deleteReason: item.state === 'EXTERNALLY_TERMINATED' || item.state === 'INTERNALLY_TERMINATED' ? 'deleted' : null,
    rootProcessInstanceId: item.rootProcessInstanceId ?? item.id,
    superProcessInstanceId: item.superProcessInstanceId ?? null,
    superCaseInstanceId: null,
    caseInstanceId: null,
    tenantId: item.tenantId ?? null,
    state: item.state,
    // No instance here is a restart of another (POST /process-definition/{id}/restart is not routed).
    restartedProcessInstanceId: null,
  };
}

/** Camunda's FormDto; the context path of a process application does not exist here. */
export function formDto(form: { formKey?: string; camundaFormRef?: { key: string; binding: string; version: number | null } }) {
  return { key: form.formKey ?? null, camundaFormRef: form.camundaFormRef ?? null, contextPath: null };
}
