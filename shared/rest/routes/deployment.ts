import {
  countDeployments,
  deleteDeployment,
  deploy,
  DEPLOYMENT_SORT_KEYS,
  type DeploymentOutcome,
  type DeploymentRequest,
  deploymentResourceData,
  getDeployment,
  getDeploymentResource,
  listDeploymentResources,
  queryDeployments,
  redeploy,
  registeredDeployments,
} from '../../app/deployments.ts';
import type { ResourceRecord } from '../../app/read-models.ts';
import { deploymentDto, processDefinitionDto, decisionDefinitionDto, decisionRequirementsDto } from '../dto.ts';
import { attachmentHeader } from '../attachment.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent, type RestRequest } from '../http.ts';
import { parseMultipart } from '../multipart.ts';
import * as z from 'zod/v4';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, type Route, route } from '../router.ts';

const DeploymentListParams = z.object({ ...sortingParams(DEPLOYMENT_SORT_KEYS), id: qs.string(), name: qs.string(), withoutTenantId: qs.boolean(), ...pagingParams });
const DeleteParams = z.object({ cascade: qs.boolean(), skipCustomListeners: qs.boolean(), skipIoMappings: qs.boolean() });

const RESERVED_FIELDS = new Set(['deployment-name', 'enable-duplicate-filtering', 'deploy-changed-only', 'deployment-source', 'tenant-id', 'deployment-activation-time']);

function booleanField(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidRequest(`Cannot set form field '${name}' to value '${value}'`);
}

/**
 * A resource's content as stored: its text, or base64 when it is no UTF-8 text (an image). A model
 * is always read as text, so a broken encoding shows as its parse error.
 */
function resourceOf(name: string, data: Buffer): { name: string; xml: string; encoding?: 'base64' } {
  const text = data.toString('utf8');
  if (/\.(bpmn|bpmn20\.xml|dmn|dmn11\.xml|cmmn)$/.test(name) || Buffer.from(text, 'utf8').equals(data)) return { name, xml: text };
  return { name, xml: data.toString('base64'), encoding: 'base64' };
}

/** The multipart form of POST /deployment/create: the reserved fields, every other part a resource. */
function deploymentForm(req: RestRequest): DeploymentRequest {
  const parts = parseMultipart(req.body, req.headers['content-type']);
  const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
  return {
    name: field('deployment-name') ?? null,
    source: field('deployment-source') ?? null,
    tenantId: field('tenant-id') || null,
    resources: parts.filter((p) => !RESERVED_FIELDS.has(p.name) || p.filename !== undefined).map((p) => resourceOf(p.filename ?? p.name, p.data)),
    enableDuplicateFiltering: booleanField(field('enable-duplicate-filtering'), 'enable-duplicate-filtering'),
    deployChangedOnly: booleanField(field('deploy-changed-only'), 'deploy-changed-only'),
  };
}

/** Camunda's RedeploymentDto. */
const RedeployBody = z.object({ resourceIds: z.array(z.string()).nullish(), resourceNames: z.array(z.string()).nullish(), source: z.string().nullish() }).passthrough();

/** Camunda's DeploymentWithDefinitionsDto: the deployment and what it deployed (none: null). */
function deploymentWithDefinitionsDto(outcome: DeploymentOutcome, baseUrl: string) {
  const deployed = outcome.definitions.length > 0 ? Object.fromEntries(outcome.definitions.map((d) => [d.id, processDefinitionDto(d)])) : null;
  return {
    ...deploymentDto(outcome.deployment, baseUrl),
    deployedProcessDefinitions: deployed,
    deployedCaseDefinitions: null,
    deployedDecisionDefinitions: outcome.decisions.length > 0 ? Object.fromEntries(outcome.decisions.map((d) => [d.id, decisionDefinitionDto(d)])) : null,
    deployedDecisionRequirementsDefinitions: outcome.decisionGraphs.length > 0 ? Object.fromEntries(outcome.decisionGraphs.map((d) => [d.id, decisionRequirementsDto(d)])) : null,
  };
}

const resourceDto = (resource: ResourceRecord) => ({ id: resource.id ?? resource.name, name: resource.name, deploymentId: resource.deploymentId });

/** Camunda's content types of deployment resources, by the last extension of the name (DeploymentResourcesResourceImpl). */
const CONTENT_TYPES: Record<string, string> = {
  bpmn: 'application/xml',
  cmmn: 'application/xml',
  dmn: 'application/xml',
  xml: 'application/xml',
  json: 'application/json',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  tiff: 'image/tiff',
  tif: 'image/tiff',
  groovy: 'text/plain',
  java: 'text/plain',
  js: 'text/plain',
  php: 'text/plain',
  py: 'text/plain',
  rb: 'text/plain',
  txt: 'text/plain',
  html: 'text/html',
};

function contentTypeOf(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return (name.includes('.') && CONTENT_TYPES[extension]) || 'application/octet-stream';
}

export const deploymentRoutes: Route[] = [
  route({ method: 'GET', pattern: '/deployment/registered', handler: async ({ app, auth }) => json(200, await registeredDeployments(app, auth)) }),
  route({
    method: 'GET',
    pattern: '/deployment/{id}/resources',
    handler: async ({ params, app, auth }) => json(200, (await listDeploymentResources(app, auth, { deploymentId: params.id })).map(resourceDto)),
  }),
  route({
    method: 'GET',
    pattern: '/deployment/{id}/resources/{resourceId}',
    handler: async ({ params, app, auth }) => json(200, resourceDto(await getDeploymentResource(app, auth, { deploymentId: params.id, resourceId: params.resourceId }))),
  }),
  route({
    method: 'GET',
    pattern: '/deployment/{id}/resources/{resourceId}/data',
    handler: async ({ params, app, auth }) => {
      const { name, data, binary } = await deploymentResourceData(app, auth, { deploymentId: params.id, resourceId: params.resourceId });
      const headers = { 'content-type': contentTypeOf(name), 'content-disposition': attachmentHeader(name) };
      // Text goes as text; bytes base64-encoded through API Gateway (binary media types: every type).
      return binary ? { status: 200, binaryBody: data, headers } : { status: 200, rawBody: data.toString('utf8'), headers };
    },
  }),
  route({
    method: 'POST',
    pattern: '/deployment/create',
    idempotent: true,
    handler: async ({ req, app, auth }) => {
      // The form is read only once the caller may deploy at all.
      return json(200, deploymentWithDefinitionsDto(await deploy(app, auth, { request: () => deploymentForm(req) }), req.baseUrl));
    },
  }),
  route({
    method: 'POST',
    pattern: '/deployment/{id}/redeploy',
    handler: async ({ req, params, app, auth }) => {
      const body = readBody(req, RedeployBody);
      const outcome = await redeploy(app, auth, { deploymentId: params.id, resourceIds: body.resourceIds ?? [], resourceNames: body.resourceNames ?? [], source: body.source ?? null });
      return json(200, deploymentWithDefinitionsDto(outcome, req.baseUrl));
    },
  }),
  route({
    method: 'GET',
    pattern: '/deployment',
    handler: async ({ req, app, auth }) => {
      const deployments = await queryDeployments(app, auth, sorted(readQuery(req, DeploymentListParams)));
      return json(
        200,
        deployments.map((d) => deploymentDto(d, req.baseUrl)),
      );
    },
  }),
  route({ method: 'GET', pattern: '/deployment/count', handler: async ({ app, auth }) => json(200, { count: await countDeployments(app, auth) }) }),
  route({ method: 'GET', pattern: '/deployment/{id}', handler: async ({ req, params, app, auth }) => json(200, deploymentDto(await getDeployment(app, auth, { id: params.id }), req.baseUrl)) }),
  route({
    method: 'DELETE',
    pattern: '/deployment/{id}',
    handler: async ({ req, params, app, auth }) => {
      // read once the deployment is found: an unknown deployment is a 404 whatever the options
      const options = () => {
        const { cascade, skipCustomListeners, skipIoMappings } = readQuery(req, DeleteParams);
        return { cascade: cascade ?? false, skipCustomListeners: skipCustomListeners ?? false, skipIoMappings: skipIoMappings ?? false };
      };
      await deleteDeployment(app, auth, { id: params.id, options });
      return noContent();
    },
  }),
];
