import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { hashPassword, verifyPassword } from '../../shared/auth/password.ts';
import { RESOURCE_TYPES } from '../../shared/auth/resources.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { basicAuth, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, fourWaitStatesModel } from './inline-bpmn.ts';

/**
 * Every route of `allRoutes`, three ways: without credentials (401 with Camunda's challenge, except
 * the public GET /version and GET /engine), with a wrong password (401), and as an authenticated
 * user with no authorizations and no tenant — who must learn nothing about the administrator's
 * objects and change none of them. The route table is enumerated from `allRoutes`, so a route added
 * without a request here fails the suite.
 */

const ADMIN = 'demo';
const ADMIN_PW = 'demo';
const NOBODY = 'sec-nobody';
const NOBODY_PW = 'nobody-secret-pw';
/** Gets the wrong passwords: each one locks the user for a while (Camunda's login throttling), so not NOBODY. */
const GUESSED = 'sec-guessed';
const ALICE = 'alice-sec';
const ALICE_PW = 'alice-secret-pw';
const GROUP = 'sec-group';
const TENANT = 'sec-tenant';
const AUTH_ID = 'sec-auth-1';
const KEY = 'secProcess';
const TOPIC = 'secTopic';
const MESSAGE = 'secMessage';
const SECRET = 'sec-secret-value-4711';
const BUSINESS_KEY = 'sec-business-key';
const DEPLOYMENT_NAME = 'sec-deployment-name';

const SIGNAL = 'secSignal';
/** Started by SIGNAL or when `go` is 1. */
const EVENT_STARTED_MODEL = bpmnXml(
  'secEventStarted',
  `<startEvent id="bySignal"><signalEventDefinition signalRef="sig"/></startEvent><sequenceFlow id="f1" sourceRef="bySignal" targetRef="t"/>
   <startEvent id="byCondition"><conditionalEventDefinition><condition>\${go == 1}</condition></conditionalEventDefinition></startEvent><sequenceFlow id="f2" sourceRef="byCondition" targetRef="t"/>
   <userTask id="t"/>`,
  `<signal id="sig" name="${SIGNAL}"/>`,
);
const MODEL = fourWaitStatesModel(KEY, { topic: TOPIC, messageName: MESSAGE, taskName: 'Sec approve name' });

const basic = basicAuth;
/** The routes that describe the API itself, and the static progress page (it reads through the API). */
const DESCRIPTIONS = ['GET /openapi.json', 'GET /openapi.html', 'GET /batch-progress'];
const PUBLIC = ['GET /engine', 'GET /version'];

interface Request {
  /** Path with query, below /engine-rest. */
  path: string;
  body?: unknown;
  /** A multipart upload instead of JSON. */
  form?: () => FormData;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** The administrator's objects, created in beforeAll. */
interface Fixture {
  deploymentId: string;
  tenantDeploymentId: string;
  eventDeploymentId: string;
  definitionId: string;
  tenantDefinitionId: string;
  instanceId: string;
  taskId: string;
  jobId: string;
  externalTaskId: string;
  batchId: string;
  batchJobDefinitionIds: string[];
  incidentId: string;
  resourceId: string;
  /** The execution waiting for MESSAGE, with a local variable. */
  executionId: string;
  /** A comment on the task, filed for the instance too, and an attachment with content. */
  commentId: string;
  attachmentId: string;
  /** One activity instance of the instance's history. */
  historicActivityId: string;
  /** The evaluation over REST of DECISION_KEY by the administrator. */
  historicDecisionId: string;
  /** A variable of the instance, in the history. */
  historicVariableId: string;
  /** The creation of one of the instance's jobs, in the job log. */
  jobLogId: string;
  operationId: string;
  externalTaskLogId: string;
  /** A value a variable of the instance took. */
  detailId: string;
  /** DECISION_KEY deployed without a tenant (and once more for TENANT), in the graph GRAPH_KEY. */
  decisionId: string;
  graphId: string;
  decisionDeploymentIds: string[];
}

let runtime: LocalRuntime;
let url: string;
let fx: Fixture;

async function send(method: string, request: Request, authorization?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  let body: BodyInit | undefined;
  if (request.form) body = request.form();
  else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  const response = await fetch(`${url}${request.path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

const asAdmin = (method: string, request: Request) => send(method, request, basic(ADMIN, ADMIN_PW));

function deploymentForm(name: string, xml: string, tenantId?: string, image?: Uint8Array<ArrayBuffer>): FormData {
  const form = new FormData();
  form.set('deployment-name', name);
  if (tenantId) form.set('tenant-id', tenantId);
  form.append('model.bpmn', new Blob([xml], { type: 'application/xml' }), 'model.bpmn');
  if (image) form.append('model.png', new Blob([image], { type: 'image/png' }), 'model.png');
  return form;
}

const DECISION_KEY = 'secDecision';
/** Two decisions: a decision requirements graph too. */
const GRAPH_KEY = 'secDecisions';
const DECISION_MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="${GRAPH_KEY}" name="Sec" namespace="sec">
  <decision id="${DECISION_KEY}" name="Sec decision"><variable name="answer" typeRef="string"/><literalExpression id="answerExpression"><text>"ok"</text></literalExpression></decision>
  <decision id="secOtherDecision" name="Sec other"><variable name="other" typeRef="string"/><literalExpression id="otherExpression"><text>"no"</text></literalExpression></decision>
</definitions>`;

/** The decision, with an image of it, for one tenant or none. */
function decisionForm(tenantId?: string): FormData {
  const form = new FormData();
  form.set('deployment-name', 'sec-decisions');
  if (tenantId) form.set('tenant-id', tenantId);
  form.append('decision.dmn', new Blob([DECISION_MODEL], { type: 'application/xml' }), 'decision.dmn');
  form.append('decision.png', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'decision.png');
  return form;
}

function binaryForm(): FormData {
  const form = new FormData();
  form.set('data', new Blob([new Uint8Array([1, 2, 3])]), 'overwritten.bin');
  return form;
}

function attachmentForm(name: string): FormData {
  const form = new FormData();
  form.set('attachment-name', name);
  form.set('content', new Blob([SECRET], { type: 'text/plain' }), name);
  return form;
}

/** The diagram of the administrator's process (bytes that are no text). */
const DIAGRAM = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);

async function ok(reply: Promise<Reply>, status = 200): Promise<any> {
  const r = await reply;
  expect(r.status, r.text).toBe(status);
  return r.body;
}

const instructions = [{ type: 'startBeforeActivity', activityId: 'approve' }];

/** One concrete request per route, against the administrator's objects. */
function requests(f: Fixture): Record<string, Request> {
  const pi = f.instanceId;
  return {
    'GET /version': { path: '/version' },
    'GET /engine': { path: '/engine' },
    'GET /telemetry/configuration': { path: '/telemetry/configuration' },
    'POST /telemetry/configuration': { path: '/telemetry/configuration', body: { enableTelemetry: true } },
    'POST /deployment/create': { path: '/deployment/create', form: () => deploymentForm('mallory-deployment', bpmnXml('malloryProcess', '<startEvent id="s"/>')) },
    'GET /deployment': { path: '/deployment' },
    'GET /deployment/count': { path: '/deployment/count' },
    'GET /deployment/{id}': { path: `/deployment/${f.deploymentId}` },
    'GET /deployment/registered': { path: '/deployment/registered' },
    'POST /deployment/{id}/redeploy': { path: `/deployment/${f.deploymentId}/redeploy`, body: {} },
    'GET /deployment/{id}/resources': { path: `/deployment/${f.deploymentId}/resources` },
    'GET /deployment/{id}/resources/{resourceId}': { path: `/deployment/${f.deploymentId}/resources/${f.resourceId}` },
    'GET /deployment/{id}/resources/{resourceId}/data': { path: `/deployment/${f.deploymentId}/resources/${f.resourceId}/data` },
    'DELETE /deployment/{id}': { path: `/deployment/${f.deploymentId}?cascade=true` },
    'GET /process-definition': { path: '/process-definition' },
    'GET /process-definition/count': { path: '/process-definition/count' },
    'GET /process-definition/key/{key}': { path: `/process-definition/key/${KEY}` },
    'GET /process-definition/key/{key}/xml': { path: `/process-definition/key/${KEY}/xml` },
    'POST /process-definition/key/{key}/start': { path: `/process-definition/key/${KEY}/start`, body: {} },
    'POST /process-definition/key/{key}/tenant-id/{tenantId}/start': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/start`, body: {} },
    'GET /process-definition/{id}': { path: `/process-definition/${f.definitionId}` },
    'GET /process-definition/{id}/startForm': { path: `/process-definition/${f.definitionId}/startForm` },
    'GET /process-definition/key/{key}/startForm': { path: `/process-definition/key/${KEY}/startForm` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}/startForm': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/startForm` },
    'GET /process-definition/{id}/deployed-start-form': { path: `/process-definition/${f.definitionId}/deployed-start-form` },
    'GET /process-definition/key/{key}/deployed-start-form': { path: `/process-definition/key/${KEY}/deployed-start-form` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}/deployed-start-form': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/deployed-start-form` },
    'GET /task/{id}/form': { path: `/task/${f.taskId}/form` },
    'PUT /task/{id}': { path: `/task/${f.taskId}`, body: { name: 'Hacked' } },
    'GET /task/{id}/form-variables': { path: `/task/${f.taskId}/form-variables` },
    'GET /task/{id}/rendered-form': { path: `/task/${f.taskId}/rendered-form` },
    'POST /task/{id}/submit-form': { path: `/task/${f.taskId}/submit-form`, body: { variables: { injected: { value: 1, type: 'Integer' } } } },
    ...Object.fromEntries(
      (['form-variables', 'rendered-form', 'submit-form'] as const).flatMap((operation) => {
        const body = operation === 'submit-form' ? { body: {} } : {};
        return [
          [`${operation === 'submit-form' ? 'POST' : 'GET'} /process-definition/{id}/${operation}`, { path: `/process-definition/${f.definitionId}/${operation}`, ...body }],
          [`${operation === 'submit-form' ? 'POST' : 'GET'} /process-definition/key/{key}/${operation}`, { path: `/process-definition/key/${KEY}/${operation}`, ...body }],
          [
            `${operation === 'submit-form' ? 'POST' : 'GET'} /process-definition/key/{key}/tenant-id/{tenantId}/${operation}`,
            { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/${operation}`, ...body },
          ],
        ];
      }),
    ),
    'GET /task/{id}/deployed-form': { path: `/task/${f.taskId}/deployed-form` },
    'GET /process-definition/{id}/diagram': { path: `/process-definition/${f.definitionId}/diagram` },
    'GET /process-definition/key/{key}/diagram': { path: `/process-definition/key/${KEY}/diagram` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}/diagram': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/diagram` },
    'GET /process-definition/{id}/static-called-process-definitions': { path: `/process-definition/${f.definitionId}/static-called-process-definitions` },
    'GET /process-definition/statistics': { path: '/process-definition/statistics?failedJobs=true&incidents=true' },
    'GET /process-definition/{id}/statistics': { path: `/process-definition/${f.definitionId}/statistics` },
    'GET /process-definition/key/{key}/statistics': { path: `/process-definition/key/${KEY}/statistics` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}/statistics': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/statistics?failedJobs=true` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}` },
    'GET /process-definition/key/{key}/tenant-id/{tenantId}/xml': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/xml` },
    'GET /process-definition/{id}/xml': { path: `/process-definition/${f.definitionId}/xml` },
    'POST /process-definition/{id}/start': { path: `/process-definition/${f.definitionId}/start`, body: {} },
    'POST /process-instance/{id}/modification-async': { path: `/process-instance/${pi}/modification-async`, body: { instructions } },
    'POST /modification/executeAsync': { path: '/modification/executeAsync', body: { processDefinitionId: f.definitionId, instructions, processInstanceIds: [pi] } },
    'POST /modification/execute': { path: '/modification/execute', body: { processDefinitionId: f.definitionId, instructions, processInstanceIds: [pi] } },
    'POST /modification/validate': { path: '/modification/validate', body: { processDefinitionId: f.definitionId, instructions, processInstanceIds: [pi] } },
    'GET /process-instance': { path: '/process-instance' },
    'GET /process-instance/count': { path: '/process-instance/count' },
    'POST /process-instance': { path: '/process-instance', body: {} },
    'POST /process-instance/count': { path: '/process-instance/count', body: {} },
    'GET /process-instance/{id}': { path: `/process-instance/${pi}` },
    'DELETE /process-instance/{id}': { path: `/process-instance/${pi}` },
    'GET /process-instance/{id}/activity-instances': { path: `/process-instance/${pi}/activity-instances` },
    'POST /process-instance/{id}/modification': { path: `/process-instance/${pi}/modification`, body: { instructions } },
    'POST /process-instance/{id}/modification/validate': { path: `/process-instance/${pi}/modification/validate`, body: { instructions } },
    'GET /process-instance/{id}/variables': { path: `/process-instance/${pi}/variables` },
    'POST /process-instance/{id}/variables': { path: `/process-instance/${pi}/variables`, body: { modifications: { injected: { value: 1, type: 'Integer' } }, deletions: ['secretVar'] } },
    'GET /process-instance/{id}/variables/{varName}': { path: `/process-instance/${pi}/variables/secretVar` },
    'PUT /process-instance/{id}/variables/{varName}': { path: `/process-instance/${pi}/variables/secretVar`, body: { value: 'overwritten', type: 'String' } },
    'DELETE /process-instance/{id}/variables/{varName}': { path: `/process-instance/${pi}/variables/secretVar` },
    'GET /process-instance/{id}/variables/{varName}/data': { path: `/process-instance/${pi}/variables/secretVar/data` },
    'POST /process-instance/{id}/variables/{varName}/data': { path: `/process-instance/${pi}/variables/secretVar/data`, form: () => binaryForm() },
    'POST /task/{id}/variables/{varName}/data': { path: `/task/${f.taskId}/variables/secretVar/data`, form: () => binaryForm() },
    'POST /task/{id}/localVariables/{varName}/data': { path: `/task/${f.taskId}/localVariables/secretLocal/data`, form: () => binaryForm() },
    'POST /execution/{id}/localVariables/{varName}/data': { path: `/execution/${f.executionId}/localVariables/secretExecutionVar/data`, form: () => binaryForm() },
    'GET /task': { path: '/task' },
    'GET /task/count': { path: '/task/count' },
    'GET /task/{id}': { path: `/task/${f.taskId}` },
    'POST /task/{id}/claim': { path: `/task/${f.taskId}/claim`, body: { userId: NOBODY } },
    'POST /task/{id}/unclaim': { path: `/task/${f.taskId}/unclaim`, body: {} },
    'POST /task/{id}/complete': { path: `/task/${f.taskId}/complete`, body: {} },
    'POST /task/{id}/bpmnError': { path: `/task/${f.taskId}/bpmnError`, body: { errorCode: 'E' } },
    'POST /task/{id}/bpmnEscalation': { path: `/task/${f.taskId}/bpmnEscalation`, body: { escalationCode: 'E' } },
    'POST /task': { path: '/task', body: {} },
    'POST /task/count': { path: '/task/count', body: {} },
    'POST /task/{id}/assignee': { path: `/task/${f.taskId}/assignee`, body: { userId: NOBODY } },
    'POST /task/{id}/delegate': { path: `/task/${f.taskId}/delegate`, body: { userId: NOBODY } },
    'POST /task/{id}/resolve': { path: `/task/${f.taskId}/resolve`, body: {} },
    'GET /task/{id}/identity-links': { path: `/task/${f.taskId}/identity-links` },
    'POST /task/{id}/identity-links': { path: `/task/${f.taskId}/identity-links`, body: { userId: NOBODY, type: 'candidate' } },
    'POST /task/{id}/identity-links/delete': { path: `/task/${f.taskId}/identity-links/delete`, body: { groupId: 'sec-reviewers', type: 'candidate' } },
    ...Object.fromEntries(
      (['variables', 'localVariables'] as const).flatMap((segment) => {
        const name = segment === 'variables' ? 'secretVar' : 'secretLocal';
        const base = `/task/${f.taskId}/${segment}`;
        return [
          [`GET /task/{id}/${segment}`, { path: base }],
          [`POST /task/{id}/${segment}`, { path: base, body: { modifications: { injected: { value: 1, type: 'Integer' } }, deletions: [name] } }],
          [`GET /task/{id}/${segment}/{varName}`, { path: `${base}/${name}` }],
          [`PUT /task/{id}/${segment}/{varName}`, { path: `${base}/${name}`, body: { value: 'overwritten', type: 'String' } }],
          [`DELETE /task/{id}/${segment}/{varName}`, { path: `${base}/${name}` }],
          [`GET /task/{id}/${segment}/{varName}/data`, { path: `${base}/${name}/data` }],
        ];
      }),
    ),
    'POST /external-task/fetchAndLock': { path: '/external-task/fetchAndLock', body: { workerId: 'mallory', maxTasks: 10, topics: [{ topicName: TOPIC, lockDuration: 60_000 }] } },
    'GET /external-task': { path: `/external-task?topicName=${TOPIC}` },
    'GET /external-task/{id}': { path: `/external-task/${f.externalTaskId}` },
    'POST /external-task/{id}/complete': { path: `/external-task/${f.externalTaskId}/complete`, body: { workerId: 'mallory' } },
    'POST /external-task/{id}/bpmnError': { path: `/external-task/${f.externalTaskId}/bpmnError`, body: { workerId: 'mallory', errorCode: 'E' } },
    'POST /external-task/{id}/failure': { path: `/external-task/${f.externalTaskId}/failure`, body: { workerId: 'mallory', errorMessage: 'x', retries: 0 } },
    'POST /external-task/{id}/extendLock': { path: `/external-task/${f.externalTaskId}/extendLock`, body: { workerId: 'mallory', newDuration: 60_000 } },
    'POST /external-task/{id}/unlock': { path: `/external-task/${f.externalTaskId}/unlock`, body: {} },
    'POST /external-task': { path: '/external-task', body: { topicName: TOPIC } },
    'GET /external-task/count': { path: '/external-task/count' },
    'POST /external-task/count': { path: '/external-task/count', body: {} },
    'GET /external-task/topic-names': { path: '/external-task/topic-names' },
    'PUT /external-task/retries': { path: '/external-task/retries', body: { retries: 0, externalTaskIds: [f.externalTaskId] } },
    'PUT /external-task/{id}/retries': { path: `/external-task/${f.externalTaskId}/retries`, body: { retries: 0 } },
    'PUT /external-task/{id}/priority': { path: `/external-task/${f.externalTaskId}/priority`, body: { priority: 99 } },
    'POST /external-task/{id}/lock': { path: `/external-task/${f.externalTaskId}/lock`, body: { workerId: 'mallory', lockDuration: 60_000 } },
    'GET /external-task/{id}/errorDetails': { path: `/external-task/${f.externalTaskId}/errorDetails` },
    'GET /incident/{id}': { path: `/incident/${f.incidentId}` },
    'DELETE /incident/{id}': { path: `/incident/${f.incidentId}` },
    'PUT /incident/{id}/annotation': { path: `/incident/${f.incidentId}/annotation`, body: { annotation: 'mallory was here' } },
    'DELETE /incident/{id}/annotation': { path: `/incident/${f.incidentId}/annotation` },
    'POST /signal': { path: '/signal', body: { name: SIGNAL } },
    'POST /condition': { path: '/condition', body: { variables: { go: { value: 1, type: 'Integer' } } } },
    'POST /message': { path: '/message', body: { messageName: MESSAGE, all: true, resultEnabled: true } },
    'GET /job': { path: '/job' },
    'GET /job/count': { path: '/job/count' },
    'GET /job/{id}': { path: `/job/${f.jobId}` },
    'POST /job': { path: '/job', body: {} },
    'POST /job/count': { path: '/job/count', body: {} },
    'GET /job/{id}/stacktrace': { path: `/job/${f.jobId}/stacktrace` },
    'GET /execution': { path: '/execution' },
    'POST /execution': { path: '/execution', body: {} },
    'GET /execution/count': { path: '/execution/count' },
    'POST /execution/count': { path: '/execution/count', body: {} },
    'GET /execution/{id}': { path: `/execution/${f.executionId}` },
    'POST /execution/{id}/signal': { path: `/execution/${f.executionId}/signal`, body: {} },
    'GET /execution/{id}/messageSubscriptions/{messageName}': { path: `/execution/${f.executionId}/messageSubscriptions/${MESSAGE}` },
    'POST /execution/{id}/messageSubscriptions/{messageName}/trigger': { path: `/execution/${f.executionId}/messageSubscriptions/${MESSAGE}/trigger`, body: {} },
    'POST /execution/{id}/create-incident': { path: `/execution/${f.executionId}/create-incident`, body: { incidentType: 'mallory' } },
    'GET /execution/{id}/localVariables': { path: `/execution/${f.executionId}/localVariables` },
    'POST /execution/{id}/localVariables': { path: `/execution/${f.executionId}/localVariables`, body: { modifications: { injected: { value: 1, type: 'Integer' } } } },
    'GET /execution/{id}/localVariables/{varName}': { path: `/execution/${f.executionId}/localVariables/secretExecutionVar` },
    'PUT /execution/{id}/localVariables/{varName}': { path: `/execution/${f.executionId}/localVariables/secretExecutionVar`, body: { value: 'overwritten', type: 'String' } },
    'DELETE /execution/{id}/localVariables/{varName}': { path: `/execution/${f.executionId}/localVariables/secretExecutionVar` },
    'GET /execution/{id}/localVariables/{varName}/data': { path: `/execution/${f.executionId}/localVariables/secretExecutionVar/data` },
    'GET /task/{id}/comment': { path: `/task/${f.taskId}/comment` },
    'POST /task/{id}/comment/create': { path: `/task/${f.taskId}/comment/create`, body: { message: 'mallory was here' } },
    'GET /task/{id}/comment/{commentId}': { path: `/task/${f.taskId}/comment/${f.commentId}` },
    'PUT /task/{id}/comment': { path: `/task/${f.taskId}/comment`, body: { id: f.commentId, message: 'overwritten' } },
    'DELETE /task/{id}/comment': { path: `/task/${f.taskId}/comment` },
    'DELETE /task/{id}/comment/{commentId}': { path: `/task/${f.taskId}/comment/${f.commentId}` },
    'GET /process-instance/{id}/comment': { path: `/process-instance/${pi}/comment` },
    'PUT /process-instance/{id}/comment': { path: `/process-instance/${pi}/comment`, body: { id: f.commentId, message: 'overwritten' } },
    'DELETE /process-instance/{id}/comment': { path: `/process-instance/${pi}/comment` },
    'DELETE /process-instance/{id}/comment/{commentId}': { path: `/process-instance/${pi}/comment/${f.commentId}` },
    'GET /task/{id}/attachment': { path: `/task/${f.taskId}/attachment` },
    'POST /task/{id}/attachment/create': { path: `/task/${f.taskId}/attachment/create`, form: () => attachmentForm('mallory.txt') },
    'GET /task/{id}/attachment/{attachmentId}': { path: `/task/${f.taskId}/attachment/${f.attachmentId}` },
    'GET /task/{id}/attachment/{attachmentId}/data': { path: `/task/${f.taskId}/attachment/${f.attachmentId}/data` },
    'DELETE /task/{id}/attachment/{attachmentId}': { path: `/task/${f.taskId}/attachment/${f.attachmentId}` },
    'PUT /process-instance/{id}/suspended': { path: `/process-instance/${pi}/suspended`, body: { suspended: true } },
    'POST /process-instance/delete': { path: '/process-instance/delete', body: { processInstanceIds: [pi] } },
    'POST /process-instance/delete-historic-query-based': { path: '/process-instance/delete-historic-query-based', body: { historicProcessInstanceQuery: { processInstanceId: pi } } },
    'PUT /process-instance/suspended': { path: '/process-instance/suspended', body: { processInstanceIds: [pi], suspended: true } },
    'PUT /process-definition/{id}/history-time-to-live': { path: `/process-definition/${f.definitionId}/history-time-to-live`, body: { historyTimeToLive: 1 } },
    'PUT /process-definition/key/{key}/history-time-to-live': { path: `/process-definition/key/${KEY}/history-time-to-live`, body: { historyTimeToLive: 1 } },
    'PUT /process-definition/key/{key}/tenant-id/{tenantId}/history-time-to-live': {
      path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/history-time-to-live`,
      body: { historyTimeToLive: 1 },
    },
    'GET /decision-requirements-definition': { path: '/decision-requirements-definition' },
    'GET /decision-requirements-definition/count': { path: '/decision-requirements-definition/count' },
    ...Object.fromEntries(
      (
        [
          ['/decision-requirements-definition/{id}', `/decision-requirements-definition/${f.graphId}`],
          ['/decision-requirements-definition/key/{key}', `/decision-requirements-definition/key/${GRAPH_KEY}`],
          ['/decision-requirements-definition/key/{key}/tenant-id/{tenantId}', `/decision-requirements-definition/key/${GRAPH_KEY}/tenant-id/${TENANT}`],
        ] as const
      ).flatMap(([pattern, path]) => [
        [`GET ${pattern}`, { path }],
        [`GET ${pattern}/xml`, { path: `${path}/xml` }],
        [`GET ${pattern}/diagram`, { path: `${path}/diagram` }],
      ]),
    ),
    'GET /decision-definition': { path: '/decision-definition' },
    'GET /decision-definition/count': { path: '/decision-definition/count' },
    ...Object.fromEntries(
      (
        [
          ['/decision-definition/{id}', `/decision-definition/${f.decisionId}`],
          ['/decision-definition/key/{key}', `/decision-definition/key/${DECISION_KEY}`],
          ['/decision-definition/key/{key}/tenant-id/{tenantId}', `/decision-definition/key/${DECISION_KEY}/tenant-id/${TENANT}`],
        ] as const
      ).flatMap(([pattern, path]) => [
        [`GET ${pattern}`, { path }],
        [`GET ${pattern}/xml`, { path: `${path}/xml` }],
        [`GET ${pattern}/diagram`, { path: `${path}/diagram` }],
        [`POST ${pattern}/evaluate`, { path: `${path}/evaluate`, body: { variables: {} } }],
        [`PUT ${pattern}/history-time-to-live`, { path: `${path}/history-time-to-live`, body: { historyTimeToLive: 1 } }],
      ]),
    ),
    'GET /metrics': { path: '/metrics' },
    'DELETE /metrics/task-worker': { path: '/metrics/task-worker' },
    'GET /metrics/{name}/sum': { path: '/metrics/activity-instance-start/sum' },
    'GET /openapi.json': { path: '/openapi.json' },
    'GET /openapi.html': { path: '/openapi.html' },
    'GET /batch-progress': { path: '/batch-progress' },
    'POST /external-task/retries-async': { path: '/external-task/retries-async', body: { externalTaskIds: [f.externalTaskId], retries: 0 } },
    'POST /history/process-instance/delete': { path: '/history/process-instance/delete', body: { historicProcessInstanceIds: [pi] } },
    'POST /process-instance/suspended-async': { path: '/process-instance/suspended-async', body: { processInstanceIds: [pi], suspended: true } },
    'POST /process-instance/variables-async': { path: '/process-instance/variables-async', body: { processInstanceIds: [pi], variables: { injected: { value: 1, type: 'Integer' } } } },
    'POST /process-instance/job-retries': { path: '/process-instance/job-retries', body: { processInstances: [pi], retries: 0 } },
    'POST /process-instance/job-retries-historic-query-based': {
      path: '/process-instance/job-retries-historic-query-based',
      body: { historicProcessInstanceQuery: { processInstanceId: pi }, retries: 0 },
    },
    'POST /job/retries': { path: '/job/retries', body: { jobIds: [f.jobId], retries: 0 } },
    'PUT /job/{id}/suspended': { path: `/job/${f.jobId}/suspended`, body: { suspended: true } },
    'PUT /job/suspended': { path: '/job/suspended', body: { processInstanceId: pi, suspended: true } },
    'PUT /process-definition/{id}/suspended': { path: `/process-definition/${f.definitionId}/suspended`, body: { suspended: true, includeProcessInstances: true } },
    'PUT /process-definition/key/{key}/suspended': { path: `/process-definition/key/${KEY}/suspended`, body: { suspended: true } },
    'PUT /process-definition/key/{key}/tenant-id/{tenantId}/suspended': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}/suspended`, body: { suspended: true } },
    'DELETE /process-definition/{id}': { path: `/process-definition/${f.definitionId}?cascade=true` },
    'DELETE /process-definition/key/{key}': { path: `/process-definition/key/${KEY}?cascade=true` },
    'DELETE /process-definition/key/{key}/tenant-id/{tenantId}': { path: `/process-definition/key/${KEY}/tenant-id/${TENANT}?cascade=true` },
    'PUT /process-definition/suspended': { path: '/process-definition/suspended', body: { processDefinitionKey: KEY, suspended: true } },
    'GET /schema/log': { path: '/schema/log' },
    'POST /schema/log': { path: '/schema/log', body: {} },
    'GET /variable-instance': { path: '/variable-instance' },
    'POST /variable-instance': { path: '/variable-instance', body: {} },
    'GET /variable-instance/count': { path: '/variable-instance/count' },
    'POST /variable-instance/count': { path: '/variable-instance/count', body: {} },
    'GET /variable-instance/{id}': { path: `/variable-instance/v~${pi}~secretVar` },
    'GET /variable-instance/{id}/data': { path: `/variable-instance/v~${pi}~secretVar/data` },
    'GET /event-subscription': { path: '/event-subscription' },
    'GET /event-subscription/count': { path: '/event-subscription/count' },
    'DELETE /job/{id}': { path: `/job/${f.jobId}` },
    'POST /job/{id}/execute': { path: `/job/${f.jobId}/execute` },
    'PUT /job/{id}/retries': { path: `/job/${f.jobId}/retries`, body: { retries: 3 } },
    'PUT /job/{id}/duedate': { path: `/job/${f.jobId}/duedate`, body: { duedate: null } },
    'POST /job/{id}/duedate/recalculate': { path: `/job/${f.jobId}/duedate/recalculate` },
    'PUT /job/{id}/priority': { path: `/job/${f.jobId}/priority`, body: { priority: 99 } },
    'GET /incident': { path: '/incident' },
    'GET /incident/count': { path: '/incident/count' },
    'GET /history/process-instance': { path: '/history/process-instance' },
    'GET /history/process-instance/count': { path: '/history/process-instance/count' },
    'GET /history/process-instance/{id}': { path: `/history/process-instance/${pi}` },
    'DELETE /history/process-instance/{id}': { path: `/history/process-instance/${pi}` },
    'GET /history/activity-instance': { path: '/history/activity-instance' },
    'POST /history/activity-instance': { path: '/history/activity-instance', body: {} },
    'GET /history/activity-instance/count': { path: '/history/activity-instance/count' },
    'POST /history/activity-instance/count': { path: '/history/activity-instance/count', body: {} },
    'GET /history/activity-instance/{id}': { path: `/history/activity-instance/${f.historicActivityId}` },
    'GET /history/task': { path: '/history/task' },
    'POST /history/task': { path: '/history/task', body: {} },
    'GET /history/task/count': { path: '/history/task/count' },
    'POST /history/task/count': { path: '/history/task/count', body: {} },
    'GET /history/variable-instance': { path: '/history/variable-instance' },
    'POST /history/variable-instance': { path: '/history/variable-instance', body: {} },
    'GET /history/variable-instance/count': { path: '/history/variable-instance/count' },
    'POST /history/variable-instance/count': { path: '/history/variable-instance/count', body: {} },
    'GET /history/variable-instance/{id}': { path: `/history/variable-instance/${f.historicVariableId}` },
    'GET /history/variable-instance/{id}/data': { path: `/history/variable-instance/${f.historicVariableId}/data` },
    'DELETE /history/variable-instance/{id}': { path: `/history/variable-instance/${f.historicVariableId}` },
    'DELETE /history/process-instance/{id}/variable-instances': { path: `/history/process-instance/${pi}/variable-instances` },
    'POST /process-definition/{id}/restart': {
      path: `/process-definition/${f.definitionId}/restart`,
      body: { processInstanceIds: [pi], instructions: [{ type: 'startBeforeActivity', activityId: 'approve' }] },
    },
    'POST /process-definition/{id}/restart-async': {
      path: `/process-definition/${f.definitionId}/restart-async`,
      body: { processInstanceIds: [pi], instructions: [{ type: 'startBeforeActivity', activityId: 'approve' }] },
    },
    'GET /history/detail': { path: '/history/detail' },
    'POST /history/detail': { path: '/history/detail', body: {} },
    'GET /history/detail/count': { path: '/history/detail/count' },
    'GET /history/detail/{id}': { path: `/history/detail/${f.detailId}` },
    'GET /history/detail/{id}/data': { path: `/history/detail/${f.detailId}/data` },
    'GET /history/job-log': { path: '/history/job-log' },
    'POST /history/job-log': { path: '/history/job-log', body: {} },
    'GET /history/job-log/count': { path: '/history/job-log/count' },
    'POST /history/job-log/count': { path: '/history/job-log/count', body: {} },
    'GET /history/job-log/{id}': { path: `/history/job-log/${f.jobLogId}` },
    'GET /history/job-log/{id}/stacktrace': { path: `/history/job-log/${f.jobLogId}/stacktrace` },
    'GET /history/incident': { path: `/history/incident?processInstanceId=${f.instanceId}` },
    'GET /history/incident/count': { path: '/history/incident/count' },
    'GET /history/identity-link-log': { path: `/history/identity-link-log?taskId=${f.taskId}` },
    'GET /history/identity-link-log/count': { path: '/history/identity-link-log/count' },
    'GET /history/external-task-log': { path: `/history/external-task-log?processInstanceId=${f.instanceId}` },
    'POST /history/external-task-log': { path: '/history/external-task-log', body: {} },
    'GET /history/external-task-log/count': { path: '/history/external-task-log/count' },
    'POST /history/external-task-log/count': { path: '/history/external-task-log/count', body: {} },
    'GET /history/external-task-log/{id}': { path: `/history/external-task-log/${f.externalTaskLogId}` },
    'GET /history/external-task-log/{id}/error-details': { path: `/history/external-task-log/${f.externalTaskLogId}/error-details` },
    'GET /history/user-operation': { path: `/history/user-operation?processInstanceId=${f.instanceId}` },
    'GET /history/user-operation/count': { path: '/history/user-operation/count' },
    'PUT /history/user-operation/{operationId}/set-annotation': { path: `/history/user-operation/${f.operationId}/set-annotation`, body: { annotation: 'mallory was here' } },
    'PUT /history/user-operation/{operationId}/clear-annotation': { path: `/history/user-operation/${f.operationId}/clear-annotation` },
    'GET /history/decision-instance': { path: '/history/decision-instance' },
    'GET /history/decision-instance/count': { path: '/history/decision-instance/count' },
    'GET /history/decision-instance/{id}': { path: `/history/decision-instance/${f.historicDecisionId}?includeInputs=true&includeOutputs=true` },
    'GET /history/process-instance/report': { path: '/history/process-instance/report?reportType=duration&periodUnit=month' },
    'POST /history/process-instance': { path: '/history/process-instance', body: {} },
    'POST /history/process-instance/count': { path: '/history/process-instance/count', body: {} },
    'GET /batch': { path: '/batch' },
    'GET /batch/count': { path: '/batch/count' },
    'GET /batch/statistics': { path: '/batch/statistics' },
    'GET /batch/statistics/count': { path: '/batch/statistics/count' },
    'GET /batch/{id}': { path: `/batch/${f.batchId}` },
    'GET /batch/{id}/failures': { path: `/batch/${f.batchId}/failures` },
    'GET /batch/{id}/rate-limit': { path: `/batch/${f.batchId}/rate-limit` },
    'PUT /batch/{id}/rate-limit': { path: `/batch/${f.batchId}/rate-limit`, body: { maxInstancesPerSecond: 1 } },
    'PUT /batch/{id}/suspended': { path: `/batch/${f.batchId}/suspended`, body: { suspended: true } },
    'DELETE /batch/{id}': { path: `/batch/${f.batchId}` },
    'GET /history/batch': { path: '/history/batch' },
    'GET /history/batch/count': { path: '/history/batch/count' },
    'GET /history/batch/{id}': { path: `/history/batch/${f.batchId}` },
    'GET /history/batch/{id}/failures': { path: `/history/batch/${f.batchId}/failures` },
    'DELETE /history/batch/{id}': { path: `/history/batch/${f.batchId}` },
    'GET /user': { path: '/user' },
    'GET /user/count': { path: '/user/count' },
    'POST /user/create': { path: '/user/create', body: { profile: { id: 'mallory' }, credentials: { password: 'mallory' } } },
    'GET /user/{id}/profile': { path: `/user/${ALICE}/profile` },
    'PUT /user/{id}/profile': { path: `/user/${ALICE}/profile`, body: { id: ALICE, firstName: 'Hacked' } },
    'PUT /user/{id}/credentials': { path: `/user/${ALICE}/credentials`, body: { password: 'hacked', authenticatedUserPassword: NOBODY_PW } },
    'POST /user/{id}/unlock': { path: `/user/${ALICE}/unlock`, body: {} },
    'DELETE /user/{id}': { path: `/user/${ALICE}` },
    'GET /group': { path: '/group' },
    'GET /group/count': { path: '/group/count' },
    'POST /group': { path: '/group', body: {} },
    'POST /group/count': { path: '/group/count', body: {} },
    'GET /identity/password-policy': { path: '/identity/password-policy' },
    'POST /identity/password-policy': { path: '/identity/password-policy', body: { password: 'x' } },
    'POST /group/create': { path: '/group/create', body: { id: 'mallory-group', name: 'Mallory' } },
    'GET /group/{id}': { path: `/group/${GROUP}` },
    'PUT /group/{id}': { path: `/group/${GROUP}`, body: { id: GROUP, name: 'Hacked' } },
    'DELETE /group/{id}': { path: `/group/${GROUP}` },
    // The classic escalation: joining the administrators.
    'PUT /group/{id}/members/{userId}': { path: `/group/camunda-admin/members/${NOBODY}` },
    'DELETE /group/{id}/members/{userId}': { path: `/group/${GROUP}/members/${ALICE}` },
    'GET /identity/groups': { path: `/identity/groups?userId=${ALICE}` },
    'POST /identity/verify': { path: '/identity/verify', body: { username: ALICE, password: 'wrong' } },
    'GET /tenant': { path: '/tenant' },
    'GET /tenant/count': { path: '/tenant/count' },
    'POST /tenant/create': { path: '/tenant/create', body: { id: 'mallory-tenant' } },
    'GET /tenant/{id}': { path: `/tenant/${TENANT}` },
    'PUT /tenant/{id}': { path: `/tenant/${TENANT}`, body: { id: TENANT, name: 'Hacked' } },
    'DELETE /tenant/{id}': { path: `/tenant/${TENANT}` },
    'PUT /tenant/{id}/user-members/{userId}': { path: `/tenant/${TENANT}/user-members/${NOBODY}` },
    'DELETE /tenant/{id}/user-members/{userId}': { path: `/tenant/${TENANT}/user-members/${ALICE}` },
    'PUT /tenant/{id}/group-members/{groupId}': { path: `/tenant/${TENANT}/group-members/mallory-group` },
    'DELETE /tenant/{id}/group-members/{groupId}': { path: `/tenant/${TENANT}/group-members/${GROUP}` },
    'GET /authorization': { path: '/authorization' },
    'GET /authorization/count': { path: '/authorization/count' },
    'GET /authorization/check': { path: `/authorization/check?permissionName=READ&resourceName=ProcessDefinition&resourceType=${RESOURCE_TYPES.ProcessDefinition}&resourceId=${KEY}` },
    'POST /authorization/create': {
      path: '/authorization/create',
      body: { type: 1, permissions: ['ALL'], userId: NOBODY, groupId: null, resourceType: RESOURCE_TYPES.ProcessDefinition, resourceId: '*' },
    },
    'GET /authorization/{id}': { path: `/authorization/${AUTH_ID}` },
    'PUT /authorization/{id}': { path: `/authorization/${AUTH_ID}`, body: { permissions: ['ALL'], userId: NOBODY, groupId: null, resourceType: RESOURCE_TYPES.ProcessDefinition, resourceId: '*' } },
    'DELETE /authorization/{id}': { path: `/authorization/${AUTH_ID}` },
    // OPTIONS names only the ids of its path (ones the caller chose here, not the administrator's).
    ...Object.fromEntries(
      [
        '/user',
        '/user/mallory-user',
        '/group',
        '/group/mallory-group',
        '/group/mallory-group/members',
        '/tenant',
        '/tenant/mallory-tenant',
        '/tenant/mallory-tenant/user-members',
        '/tenant/mallory-tenant/group-members',
        '/authorization',
        '/authorization/mallory-auth',
      ].map((path) => [`OPTIONS ${path.replace(/mallory-[a-z]+/, '{id}')}`, { path }]),
    ),
  };
}

/** 200 answers the user without authorizations may get that are neither an empty list nor a zero count. */
function expectedPlainAnswer(key: string): unknown {
  switch (key) {
    case 'GET /version':
      return { version: expect.any(String) };
    case 'GET /engine':
      return [{ name: 'default' }];
    case 'GET /telemetry/configuration':
      return { enableTelemetry: false };
    // The description of the API is the same for every authenticated caller: it names no object of anyone's.
    case 'GET /openapi.json':
      return expect.objectContaining({ openapi: expect.any(String), paths: expect.any(Object) });
    case 'GET /openapi.html':
    // The progress page is static: what it shows, it reads through the API with the caller's credentials.
    case 'GET /batch-progress':
      return expect.stringContaining('<!doctype html>');
    // Camunda's metrics query checks no permission: counts of the whole engine, naming no object.
    case 'GET /metrics/{name}/sum':
      return { result: expect.any(Number) };
    case 'GET /metrics':
      return expect.any(Array);
    case 'GET /identity/groups':
      return { groups: [], groupUsers: [] };
    case 'POST /identity/verify':
      return { authenticatedUser: ALICE, authenticated: false, tenants: null, groups: null };
    case 'GET /authorization/check':
      return { permissionName: 'READ', resourceName: 'ProcessDefinition', resourceId: KEY, authorized: false };
    case 'OPTIONS /user':
    case 'OPTIONS /group':
    case 'OPTIONS /tenant':
    case 'OPTIONS /authorization':
      // Reading is open to all (filtered answers); creating needs CREATE, which this user lacks.
      return { links: [expect.objectContaining({ method: 'GET', rel: 'list' }), expect.objectContaining({ method: 'GET', rel: 'count' })] };
    case 'OPTIONS /user/{id}':
    case 'OPTIONS /group/{id}':
    case 'OPTIONS /tenant/{id}':
    case 'OPTIONS /authorization/{id}':
      return { links: [expect.objectContaining({ method: 'GET', rel: 'self' })] };
    case 'OPTIONS /group/{id}/members':
    case 'OPTIONS /tenant/{id}/user-members':
    case 'OPTIONS /tenant/{id}/group-members':
      return { links: [] };
    default:
      return undefined;
  }
}

/** Every id and value of the administrator's world the user without authorizations must never see. */
function secrets(f: Fixture): string[] {
  return [
    ADMIN,
    'camunda-admin',
    ALICE,
    GROUP,
    TENANT,
    AUTH_ID,
    KEY,
    SECRET,
    BUSINESS_KEY,
    DEPLOYMENT_NAME,
    'Sec approve name',
    f.deploymentId,
    f.tenantDeploymentId,
    f.definitionId,
    f.tenantDefinitionId,
    f.instanceId,
    f.taskId,
    f.jobId,
    f.externalTaskId,
    f.batchId,
    ...f.batchJobDefinitionIds,
    f.incidentId,
  ];
}

/**
 * Routes whose answer for an unknown object is Camunda's 500, which an object the caller may not
 * read gets too: JobResourceImpl#setJobDuedate answers every engine failure so, the submit-form
 * resources wrap the engine's not-found in theirs.
 */
const UNKNOWN_IS_500: Record<string, (id: string) => { type: string; message: string }> = {
  'PUT /job/{id}/duedate': (id) => ({ type: 'InvalidRequestException', message: `No job found with id '${id}'.` }),
  'POST /task/{id}/submit-form': (id) => ({ type: 'RestException', message: `Cannot submit task form ${id}: Cannot find task with id ${id}: task is null` }),
  'POST /process-definition/{id}/submit-form': (id) => ({
    type: 'RestException',
    message: `Cannot instantiate process definition ${id}: no deployed process definition found with id '${id}': processDefinition is null`,
  }),
};

const keyOf = (route: { method: string; pattern: string }) => `${route.method} ${route.pattern}`;

describe('security of every route', () => {
  const notChallenged = new Set<string>();
  const covered = new Set<string>();
  let table: Record<string, Request>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, startWorkers: false });
    url = runtime.url;
    const ids = runtime.services.identities;
    await ids.saveUser({ id: NOBODY, firstName: null, lastName: null, email: null, passwordHash: hashPassword(NOBODY_PW) }, false);
    await ids.saveUser({ id: GUESSED, firstName: null, lastName: null, email: null, passwordHash: hashPassword(NOBODY_PW) }, false);
    await ids.saveUser({ id: ALICE, firstName: 'Alice', lastName: 'Sec', email: 'alice@example.com', passwordHash: hashPassword(ALICE_PW) }, false);
    await ids.saveGroup({ id: GROUP, name: 'Sec Group', type: 'WORKFLOW' }, false);
    await ids.addGroupMember(GROUP, ALICE);
    await ids.saveTenant({ id: TENANT, name: 'Sec Tenant' }, false);
    await ids.addTenantUser(TENANT, ALICE);
    await ids.addTenantGroup(TENANT, GROUP);
    await ids.saveAuthorization({ id: AUTH_ID, type: 1, permissions: ['READ'], userId: ALICE, groupId: null, resourceType: RESOURCE_TYPES.ProcessDefinition, resourceId: KEY });

    const deployment = await ok(asAdmin('POST', { path: '/deployment/create', form: () => deploymentForm(DEPLOYMENT_NAME, MODEL, undefined, DIAGRAM) }));
    const tenantDeployment = await ok(asAdmin('POST', { path: '/deployment/create', form: () => deploymentForm(DEPLOYMENT_NAME, MODEL, TENANT) }));
    // Processes started by a signal and by a condition: POST /signal and POST /condition must then refuse the caller.
    const eventDeployment = await ok(asAdmin('POST', { path: '/deployment/create', form: () => deploymentForm('sec-event-starts', EVENT_STARTED_MODEL) }));
    const decisionDeployment = await ok(asAdmin('POST', { path: '/deployment/create', form: () => decisionForm() }));
    const tenantDecisionDeployment = await ok(asAdmin('POST', { path: '/deployment/create', form: () => decisionForm(TENANT) }));
    const definitionId = Object.keys(deployment.deployedProcessDefinitions)[0]!;
    const tenantDefinitionId = Object.keys(tenantDeployment.deployedProcessDefinitions)[0]!;
    const instance = await ok(asAdmin('POST', { path: `/process-definition/${definitionId}/start`, body: { businessKey: BUSINESS_KEY, variables: { secretVar: { value: SECRET, type: 'String' } } } }));
    const pi = instance.id as string;
    const [task] = await ok(asAdmin('GET', { path: `/task?processInstanceId=${pi}` }));
    await ok(asAdmin('PUT', { path: `/task/${task.id}/localVariables/secretLocal`, body: { value: SECRET, type: 'String' } }), 204);
    await ok(asAdmin('POST', { path: `/task/${task.id}/identity-links`, body: { groupId: 'sec-reviewers', type: 'candidate' } }), 204);
    const [job] = await ok(asAdmin('GET', { path: `/job?processInstanceId=${pi}` }));
    const [externalTask] = await ok(asAdmin('GET', { path: `/external-task?processInstanceId=${pi}` }));
    const batch = await ok(asAdmin('POST', { path: `/process-instance/${pi}/modification-async`, body: { instructions } }));
    // A failedJob incident: the timer job without retries.
    await ok(asAdmin('PUT', { path: `/job/${job.id}/retries`, body: { retries: 0 } }), 204);
    const [incident] = await ok(asAdmin('GET', { path: `/incident?processInstanceId=${pi}` }));
    const [resource] = await ok(asAdmin('GET', { path: `/deployment/${deployment.id}/resources` }));
    const [execution] = await ok(asAdmin('GET', { path: `/execution?processInstanceId=${pi}&activityId=waitMsg` }));
    await ok(asAdmin('PUT', { path: `/execution/${execution.id}/localVariables/secretExecutionVar`, body: { value: SECRET, type: 'String' } }), 204);
    const comment = await ok(asAdmin('POST', { path: `/task/${task.id}/comment/create`, body: { message: SECRET, processInstanceId: pi } }));
    // One that names no instance: its task alone decides who may read it.
    await ok(asAdmin('POST', { path: `/task/${task.id}/comment/create`, body: { message: SECRET } }));
    const [historicActivity] = await ok(asAdmin('GET', { path: `/history/activity-instance?processInstanceId=${pi}&activityId=approve` }));
    await ok(asAdmin('POST', { path: `/decision-definition/key/${DECISION_KEY}/evaluate`, body: { variables: {} } }));
    const [historicDecision] = await ok(asAdmin('GET', { path: `/history/decision-instance?decisionDefinitionKey=${DECISION_KEY}` }));
    const [historicVariable] = await ok(asAdmin('GET', { path: `/history/variable-instance?processInstanceId=${pi}` }));
    const [jobLog] = await ok(asAdmin('GET', { path: `/history/job-log?processInstanceId=${pi}&creationLog=true` }));
    const [operation] = await ok(asAdmin('GET', { path: `/history/user-operation?processInstanceId=${pi}` }));
    const [externalTaskLog] = await ok(asAdmin('GET', { path: `/history/external-task-log?processInstanceId=${pi}&creationLog=true` }));
    const [detail] = await ok(asAdmin('GET', { path: `/history/detail?processInstanceId=${pi}` }));
    const attachment = await ok(asAdmin('POST', { path: `/task/${task.id}/attachment/create`, form: () => attachmentForm('sec-attachment.txt') }));
    fx = {
      deploymentId: deployment.id,
      tenantDeploymentId: tenantDeployment.id,
      eventDeploymentId: eventDeployment.id,
      definitionId,
      tenantDefinitionId,
      instanceId: pi,
      taskId: task.id,
      jobId: job.id,
      externalTaskId: externalTask.id,
      batchId: batch.id,
      batchJobDefinitionIds: [batch.seedJobDefinitionId, batch.monitorJobDefinitionId, batch.batchJobDefinitionId],
      incidentId: incident.id,
      resourceId: resource.id,
      executionId: execution.id,
      commentId: comment.id,
      attachmentId: attachment.id,
      historicActivityId: historicActivity.id,
      historicDecisionId: historicDecision.id,
      historicVariableId: historicVariable.id,
      jobLogId: jobLog.id,
      operationId: operation.operationId,
      externalTaskLogId: externalTaskLog.id,
      detailId: detail.id,
      decisionId: Object.values<{ id: string; key: string }>(decisionDeployment.deployedDecisionDefinitions).find((d) => d.key === DECISION_KEY)!.id,
      graphId: Object.keys(decisionDeployment.deployedDecisionRequirementsDefinitions)[0]!,
      decisionDeploymentIds: [decisionDeployment.id, tenantDecisionDeployment.id],
    };
    for (const id of Object.values(fx).flat()) expect(typeof id === 'string' && id.length > 0, JSON.stringify(fx)).toBe(true);
    table = requests(fx);
  });
  afterAll(async () => runtime?.stop());

  describe.concurrent('each route', () => {
    for (const route of allRoutes) {
      const key = keyOf(route);
      it(key, async ({ expect }) => {
        const request = table[key];
        expect(request, `no request defined for ${key}: add one to requests()`).toBeDefined();
        const isPublic = PUBLIC.includes(key);

        // (a) no credentials
        const anonymous = await send(route.method, request!);
        if (anonymous.status !== 401) notChallenged.add(key);
        if (isPublic) expect(anonymous.status, anonymous.text).toBe(200);
        else {
          expect(anonymous.status, anonymous.text).toBe(401);
          expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="default"');
          expect(anonymous.text).toBe('');
        }

        // (b) a wrong password
        const wrong = await send(route.method, request!, basic(GUESSED, 'not-the-password'));
        if (isPublic) expect(wrong.status, wrong.text).toBe(200);
        else {
          expect(wrong.status, wrong.text).toBe(401);
          expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="default"');
        }

        // (c) authenticated, but without any authorization or tenant
        const reply = await send(route.method, request!, basic(NOBODY, NOBODY_PW));
        const plain = expectedPlainAnswer(key);
        const describeReply = `${key} → ${reply.status} ${reply.text}`;
        if (reply.status === 200) {
          if (plain !== undefined) expect(reply.body, describeReply).toEqual(plain);
          else expect([[], { count: 0 }], describeReply).toContainEqual(reply.body);
        } else if (reply.status === 204) {
          expect(reply.text, describeReply).toBe('');
        } else if (reply.status === 403) {
          expect(reply.body, describeReply).toMatchObject({ type: 'AuthorizationException', userId: NOBODY, code: 0 });
          // Only camunda-admin may unlock a user: Camunda names no permission that would grant it.
          if (key === 'POST /user/{id}/unlock') expect(reply.body.message).toBe('ENGINE-03029 Required admin authenticated group or user.');
          else expect(reply.body.missingAuthorizations.length, describeReply).toBeGreaterThan(0);
        } else if (key in UNKNOWN_IS_500) {
          // A job the caller may not read answers as an unknown one, which Camunda answers with a 500 here.
          expect(reply, describeReply).toMatchObject({ status: 500, body: UNKNOWN_IS_500[key]!(request!.path.split('/')[2]!) });
        } else {
          expect([400, 404], describeReply).toContain(reply.status);
          // Without a password policy Camunda answers 404 with no body at all.
          if (key.endsWith('/identity/password-policy')) expect(reply.text, describeReply).toBe('');
          else expect(reply.body, describeReply).toMatchObject({ type: expect.any(String), message: expect.any(String) });
        }
        // Error messages may repeat what the request named (its path, query or body) and, in a 403,
        // the definition key Camunda names as the alternative permission; nothing else.
        const echoed = `${request!.path} ${JSON.stringify(request!.body ?? {})}`;
        let visible = reply.text;
        if (reply.status >= 400) {
          for (const s of secrets(fx)) if (echoed.includes(s)) visible = visible.split(s).join('<echo>');
          if (reply.status === 403) {
            visible = visible.split(`'${KEY}' of type 'ProcessDefinition'`).join('<key>');
            visible = visible.split(`"resourceName":"ProcessDefinition","resourceId":"${KEY}"`).join('<key>');
          }
        } else if (key === 'POST /identity/verify' || key === 'GET /authorization/check') {
          for (const s of secrets(fx)) if (echoed.includes(s)) visible = visible.split(s).join('<echo>');
        }
        // The API's description is static text (Camunda's examples name users such as `demo`): the
        // same for every caller, which shows it names nothing of the administrator's.
        if (DESCRIPTIONS.includes(key)) expect(reply.text, describeReply).toBe((await asAdmin('GET', request!)).text);
        else for (const s of secrets(fx)) expect(visible, `${describeReply} reveals '${s}'`).not.toContain(s);

        // The administrator gets data from every read: the empty answers above are filtering, not bad requests.
        // (A variable's binary data is a 400 for the fixture's variables, which are text.)
        if (
          route.method === 'GET' &&
          !isPublic &&
          !key.endsWith('{varName}/data') &&
          key !== 'GET /variable-instance/{id}/data' &&
          key !== 'GET /history/variable-instance/{id}/data' &&
          key !== 'GET /history/detail/{id}/data'
        ) {
          const admin = await asAdmin('GET', request!);
          // The fixture's external task never failed: it has no error details (204, as in Camunda).
          // No password policy is configured (404); the fixture's external task and timer job never failed (no details, 204).
          // The tenant's deployment has no diagram image (204).
          const adminStatus: Record<string, number> = {
            'GET /external-task/{id}/errorDetails': 204,
            'GET /job/{id}/stacktrace': 204,
            // A creation entry has no exception.
            'GET /history/job-log/{id}/stacktrace': 204,
            'GET /history/external-task-log/{id}/error-details': 204,
            'GET /identity/password-policy': 404,
            'GET /process-definition/key/{key}/tenant-id/{tenantId}/diagram': 204,
            // Its start event and task name no form: Camunda's 400 "One of the attributes 'formKey' and 'camunda:formRef' …".
            'GET /process-definition/{id}/deployed-start-form': 400,
            'GET /process-definition/key/{key}/deployed-start-form': 400,
            'GET /process-definition/key/{key}/tenant-id/{tenantId}/deployed-start-form': 400,
            'GET /task/{id}/deployed-form': 400,
            // Nor a generated form (camunda:formData): Camunda's 404 "No matching rendered … form".
            'GET /task/{id}/rendered-form': 404,
            'GET /process-definition/{id}/rendered-form': 404,
            'GET /process-definition/key/{key}/rendered-form': 404,
            'GET /process-definition/key/{key}/tenant-id/{tenantId}/rendered-form': 404,
          };
          expect(admin.status, `${key} as admin: ${admin.text}`).toBe(adminStatus[key] ?? 200);
          // Where even the administrator gets no 200, the caller without permissions must still be
          // told apart (a missing check would give both the same answer); without a password policy
          // Camunda answers every caller alike.
          if (adminStatus[key] !== undefined && key !== 'GET /identity/password-policy') expect(`${reply.status} ${reply.text}`, describeReply).not.toBe(`${admin.status} ${admin.text}`);
          // No instance of the tenant's definition runs in this fixture (its activities have nothing to
          // count), and the fixture's process calls no other.
          // Nor has any instance finished (the duration report counts finished ones).
          const emptyForAdmin = [
            'GET /process-definition/key/{key}/tenant-id/{tenantId}/statistics',
            'GET /process-definition/{id}/static-called-process-definitions',
            'GET /history/process-instance/report',
            // The fixture's batch has no failed or skipped instance.
            'GET /batch/{id}/failures',
            'GET /history/batch/{id}/failures',
          ];
          if (Array.isArray(admin.body) && !emptyForAdmin.includes(key)) expect(admin.body.length, `${key} as admin`).toBeGreaterThan(0);
          if (typeof admin.body?.count === 'number') expect(admin.body.count, `${key} as admin`).toBeGreaterThan(0);
        }
        covered.add(key);
      });
    }
  });

  describe('afterwards', () => {
    it('covered exactly the routes of allRoutes, and only GET /version and GET /engine are public', () => {
      const routeKeys = allRoutes.map(keyOf);
      expect(new Set(routeKeys).size).toBe(allRoutes.length);
      expect(Object.keys(table).sort()).toEqual([...routeKeys].sort());
      expect(covered.size).toBe(allRoutes.length);
      expect([...notChallenged].sort()).toEqual(PUBLIC);
    });

    it('refuses every other kind of bad credential with the same 401, before routing', async () => {
      await runtime.services.identities.saveUser({ id: 'no-credentials', firstName: null, lastName: null, email: null, passwordHash: '' }, false);
      const bad = [
        basic('unknown-user', 'whatever'),
        basic(GUESSED, ''),
        basic(GUESSED, `${NOBODY_PW} `),
        basic('no-credentials', ''),
        basic(`${GUESSED}:${NOBODY_PW}`, ''),
        `Basic ${Buffer.from(NOBODY_PW).toString('base64')}`,
        `Basic ${Buffer.from(`:${NOBODY_PW}`).toString('base64')}`,
        'Basic not*base64',
        `Bearer ${Buffer.from(`${NOBODY}:${NOBODY_PW}`).toString('base64')}`,
        '',
      ];
      for (const authorization of bad) {
        for (const path of ['/process-instance', '/no-such-resource', '/version/']) {
          const reply = await send('GET', { path }, authorization || undefined);
          expect(reply.status, `${authorization} ${path}: ${reply.text}`).toBe(401);
          expect(reply.headers.get('www-authenticate')).toBe('Basic realm="default"');
        }
      }
      // The same credentials, well-formed, pass (so the refusals above are about the credentials).
      expect((await send('GET', { path: '/process-instance' }, `basic   ${Buffer.from(`${NOBODY}:${NOBODY_PW}`).toString('base64')}`)).status).toBe(200);
    });

    it('takes a changed password and a deleted user into account at once', async () => {
      const ids = runtime.services.identities;
      const profile = { id: 'rotating', firstName: null, lastName: null, email: null };
      await ids.saveUser({ ...profile, passwordHash: hashPassword('first-pw') }, false);
      const path = { path: '/process-instance' };
      expect((await send('GET', path, basic('rotating', 'first-pw'))).status).toBe(200);
      expect((await send('GET', path, basic('rotating', 'first-pw'))).status).toBe(200);
      await ids.saveUser({ ...profile, passwordHash: hashPassword('second-pw') }, false);
      expect((await send('GET', path, basic('rotating', 'first-pw'))).status).toBe(401);
      // That failed login locked the user for a moment (Camunda's login throttling), whatever the password.
      expect((await send('GET', path, basic('rotating', 'second-pw'))).status).toBe(401);
      await ids.clearLoginLock('rotating');
      expect((await send('GET', path, basic('rotating', 'second-pw'))).status).toBe(200);
      await ids.deleteUser('rotating');
      expect((await send('GET', path, basic('rotating', 'second-pw'))).status).toBe(401);
    });

    it('left every object of the administrator as it was', async () => {
      const ids = runtime.services.identities;
      const nobody = await ids.identityOf(NOBODY);
      expect(nobody).toEqual({ userId: NOBODY, groupIds: [], tenantIds: [] });
      expect((await ids.listAuthorizations()).filter((a) => a.userId === NOBODY)).toEqual([]);
      expect(await ids.getUser('mallory')).toBeUndefined();
      expect(await ids.getGroup('mallory-group')).toBeUndefined();
      expect(await ids.getTenant('mallory-tenant')).toBeUndefined();
      const alice = await ids.getUser(ALICE);
      expect(alice).toMatchObject({ firstName: 'Alice' });
      expect(verifyPassword(ALICE_PW, alice!.passwordHash)).toBe(true);
      expect(await ids.getGroup(GROUP)).toMatchObject({ name: 'Sec Group' });
      expect(await ids.getTenant(TENANT)).toMatchObject({ name: 'Sec Tenant' });
      expect(await ids.groupMembers(GROUP)).toEqual([ALICE]);
      expect((await ids.tenantUsers(TENANT)).sort()).toEqual([ALICE]);
      expect(await ids.tenantGroups(TENANT)).toEqual([GROUP]);
      expect(await ids.getAuthorization(AUTH_ID)).toMatchObject({ userId: ALICE, permissions: ['READ'], resourceId: KEY });

      expect((await ok(asAdmin('GET', { path: '/deployment' }))).map((d: any) => d.id).sort()).toEqual(
        [fx.deploymentId, fx.tenantDeploymentId, fx.eventDeploymentId, ...fx.decisionDeploymentIds].sort(),
      );
      expect(await ok(asAdmin('GET', { path: `/decision-definition/${fx.decisionId}` }))).toMatchObject({ historyTimeToLive: null });
      expect(await ok(asAdmin('GET', { path: `/process-definition/${fx.definitionId}` }))).toMatchObject({ historyTimeToLive: null });
      expect((await ok(asAdmin('GET', { path: '/process-instance' }))).map((i: any) => i.id)).toEqual([fx.instanceId]);
      expect(await ok(asAdmin('GET', { path: `/process-instance/${fx.instanceId}/variables` }))).toEqual({ secretVar: { value: SECRET, type: 'String', valueInfo: {} } });
      const task = await ok(asAdmin('GET', { path: `/task/${fx.taskId}` }));
      expect(task.assignee).toBeNull();
      const externalTask = await ok(asAdmin('GET', { path: `/external-task/${fx.externalTaskId}` }));
      expect(externalTask).toMatchObject({ workerId: null, retries: null });
      expect(await ok(asAdmin('GET', { path: `/job/${fx.jobId}` }))).toMatchObject({ retries: 0 });
      expect(await ok(asAdmin('GET', { path: `/batch/${fx.batchId}` }))).toMatchObject({ suspended: false });
      expect((await ok(asAdmin('GET', { path: '/batch' }))).map((b: any) => b.id)).toEqual([fx.batchId]);
      const tree = await ok(asAdmin('GET', { path: `/process-instance/${fx.instanceId}/activity-instances` }));
      expect(tree.childActivityInstances.map((c: any) => c.activityId).sort()).toEqual(['approve', 'extWork', 'waitMsg', 'waitTimer']);
    });
  });
});
