import { countDeployments, deleteDeployment, deploy, DEPLOYMENT_SORT_KEYS, type DeploymentRequest, getDeployment, queryDeployments } from '../../app/deployments.ts';
import { deploymentDto, processDefinitionDto } from '../dto.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent, type RestRequest } from '../http.ts';
import { parseMultipart } from '../multipart.ts';
import * as z from 'zod/v4';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { type Route, route } from '../router.ts';

const DeploymentListParams = z.object({ ...sortingParams(DEPLOYMENT_SORT_KEYS), id: qs.string(), name: qs.string(), withoutTenantId: qs.boolean(), ...pagingParams });
const DeleteParams = z.object({ cascade: qs.boolean(), skipCustomListeners: qs.boolean(), skipIoMappings: qs.boolean() });

const RESERVED_FIELDS = new Set(['deployment-name', 'enable-duplicate-filtering', 'deploy-changed-only', 'deployment-source', 'tenant-id', 'deployment-activation-time']);

function booleanField(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidRequest(`Cannot set form field '${name}' to value '${value}'`);
}

/** The multipart form of POST /deployment/create: the reserved fields, every other part a resource. */
function deploymentForm(req: RestRequest): DeploymentRequest {
  const parts = parseMultipart(req.body, req.headers['content-type']);
  const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
  return {
    name: field('deployment-name') ?? null,
    source: field('deployment-source') ?? null,
    tenantId: field('tenant-id') || null,
    resources: parts.filter((p) => !RESERVED_FIELDS.has(p.name) || p.filename !== undefined).map((p) => ({ name: p.filename ?? p.name, xml: p.data.toString('utf8') })),
    enableDuplicateFiltering: booleanField(field('enable-duplicate-filtering'), 'enable-duplicate-filtering'),
    deployChangedOnly: booleanField(field('deploy-changed-only'), 'deploy-changed-only'),
  };
}

export const deploymentRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/deployment/create',
    handler: async ({ req, app, auth }) => {
      // The form is read only once the caller may deploy at all.
      const outcome = await deploy(app, auth, { request: () => deploymentForm(req) });
      const deployed = outcome.definitions.length > 0 ? Object.fromEntries(outcome.definitions.map((d) => [d.id, processDefinitionDto(d)])) : null;
      return json(200, {
        ...deploymentDto(outcome.deployment, req.baseUrl),
        deployedProcessDefinitions: deployed,
        deployedCaseDefinitions: null,
        deployedDecisionDefinitions: null,
        deployedDecisionRequirementsDefinitions: null,
      });
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
