import * as z from 'zod/v4';
import { deploy } from '../../service/deployment-service.ts';
import { deploymentDto, processDefinitionDto } from '../dto.ts';
import { invalidRequest, notFoundError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { parseMultipart } from '../multipart.ts';
import { booleanParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import type { Route } from '../router.ts';

const RESERVED_FIELDS = new Set(['deployment-name', 'enable-duplicate-filtering', 'deploy-changed-only', 'deployment-source', 'tenant-id', 'deployment-activation-time']);

function booleanField(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidRequest(`Cannot set form field '${name}' to value '${value}'`);
}

export const deploymentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/deployment/create',
    handler: async ({ req, service }) => {
      const parts = parseMultipart(req.body, req.headers['content-type']);
      const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
      const resources = parts
        .filter((p) => !RESERVED_FIELDS.has(p.name) || p.filename !== undefined)
        .map((p) => ({ name: p.filename ?? p.name, xml: p.data.toString('utf8') }));
      if (resources.length === 0) throw invalidRequest('No deployment resources contained in the form upload.');
      const outcome = await deploy(service.deps.definitions, service.env, {
        name: field('deployment-name') ?? null,
        source: field('deployment-source') ?? null,
        tenantId: field('tenant-id') || null,
        enableDuplicateFiltering: booleanField(field('enable-duplicate-filtering'), 'enable-duplicate-filtering'),
        deployChangedOnly: booleanField(field('deploy-changed-only'), 'deploy-changed-only'),
        resources,
      });
      const deployed = outcome.definitions.length > 0 ? Object.fromEntries(outcome.definitions.map((d) => [d.id, processDefinitionDto(d)])) : null;
      return json(200, {
        ...deploymentDto(outcome.deployment, req.baseUrl),
        deployedProcessDefinitions: deployed,
        deployedCaseDefinitions: null,
        deployedDecisionDefinitions: null,
        deployedDecisionRequirementsDefinitions: null,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/deployment',
    handler: async ({ req, service }) => {
      const q = req.query;
      const sort = sorting(q, ['id', 'name', 'deploymentTime', 'tenantId']);
      const id = stringParam(q, 'id');
      const name = stringParam(q, 'name');
      const withoutTenant = booleanParam(q, 'withoutTenantId');
      const deployments = (await service.deps.definitions.listDeployments()).filter(
        (d) => (id === undefined || d.id === id) && (name === undefined || d.name === name) && (!withoutTenant || d.tenantId === null),
      );
      const sorted = sortItems(deployments, sort, (d, by) => (by === 'deploymentTime' ? d.deploymentTime : (d as unknown as Record<string, string | null>)[by]));
      return json(200, page(sorted, q).map((d) => deploymentDto(d, req.baseUrl)));
    },
  },
  {
    method: 'GET',
    pattern: '/deployment/count',
    handler: async ({ service }) => json(200, { count: (await service.deps.definitions.listDeployments()).length }),
  },
  {
    method: 'GET',
    pattern: '/deployment/{id}',
    handler: async ({ req, params, service }) => {
      const deployment = await service.deps.definitions.getDeployment(params.id!);
      if (!deployment) throw notFoundError(`Deployment with id '${params.id}' does not exist`);
      return json(200, deploymentDto(deployment, req.baseUrl));
    },
  },
  {
    method: 'DELETE',
    pattern: '/deployment/{id}',
    handler: async ({ req, params, service }) => {
      const deployment = await service.deps.definitions.getDeployment(params.id!);
      if (!deployment) throw notFoundError(`Deployment with id '${params.id}' do not exist`);
      const cascade = booleanParam(req.query, 'cascade') ?? false;
      const definitions = (await service.deps.definitions.listDefinitions()).filter((d) => d.deploymentId === deployment.id);
      for (const definition of definitions) {
        const running = await service.deps.instances.list({ processDefinitionId: definition.id });
        if (running.length > 0 && !cascade) {
          throw invalidRequest(`Deletion of process definition without cascading failed. Process definition with id: ${definition.id} can't be deleted, since there exists ${running.length} dependening process instances.`, 500);
        }
        for (const instance of running) {
          await service.deleteInstance(instance.state.id, { skipCustomListeners: booleanParam(req.query, 'skipCustomListeners') ?? false, skipIoMappings: booleanParam(req.query, 'skipIoMappings') ?? false });
        }
      }
      await service.deps.definitions.deleteDeployment(deployment.id, definitions.map((d) => d.id));
      return noContent();
    },
  },
];

export const EmptyBody = z.object({}).passthrough();
