import * as z from 'zod/v4';
import { deploy } from '../../service/deployment-service.ts';
import { deploymentDto, processDefinitionDto } from '../dto.ts';
import { invalidRequest, notFoundError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { parseMultipart } from '../multipart.ts';
import { booleanParam, page, sorting, sortItems, stringParam } from '../query-params.ts';
import { type Route, route } from '../router.ts';
import { filterAllowed, mayInstance } from '../access.ts';

const RESERVED_FIELDS = new Set(['deployment-name', 'enable-duplicate-filtering', 'deploy-changed-only', 'deployment-source', 'tenant-id', 'deployment-activation-time']);

function booleanField(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidRequest(`Cannot set form field '${name}' to value '${value}'`);
}

export const deploymentRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/deployment/create',
    handler: async ({ req, service, auth }) => {
      await auth.require({ permission: 'CREATE', resource: 'Deployment' });
      const parts = parseMultipart(req.body, req.headers['content-type']);
      const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
      const tenantId = field('tenant-id') || null;
      if (tenantId !== null && !auth.canSeeTenant(tenantId)) {
        throw invalidRequest(`Cannot deploy to tenant '${tenantId}': the user is not a member of it`, 403);
      }
      const resources = parts
        .filter((p) => !RESERVED_FIELDS.has(p.name) || p.filename !== undefined)
        .map((p) => ({ name: p.filename ?? p.name, xml: p.data.toString('utf8') }));
      if (resources.length === 0) throw invalidRequest('No deployment resources contained in the form upload.');
      const outcome = await deploy(service.deps.definitions, service.env, {
        name: field('deployment-name') ?? null,
        source: field('deployment-source') ?? null,
        tenantId,
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
  }),
  route({
    method: 'GET',
    pattern: '/deployment',
    handler: async (ctx) => {
      const { req, service } = ctx;
      const q = req.query;
      const sort = sorting(q, ['id', 'name', 'deploymentTime', 'tenantId']);
      const id = stringParam(q, 'id');
      const name = stringParam(q, 'name');
      const withoutTenant = booleanParam(q, 'withoutTenantId');
      const readable = await filterAllowed(await service.deps.definitions.listDeployments(), async (d) => ctx.auth.canSeeTenant(d.tenantId) && (await ctx.auth.isAllowed({ permission: 'READ', resource: 'Deployment', resourceId: d.id })));
      const deployments = readable.filter(
        (d) => (id === undefined || d.id === id) && (name === undefined || d.name === name) && (!withoutTenant || d.tenantId === null),
      );
      const sorted = sortItems(deployments, sort, (d, by) => (by === 'deploymentTime' ? d.deploymentTime : (d as unknown as Record<string, string | null>)[by]));
      return json(200, page(sorted, q).map((d) => deploymentDto(d, req.baseUrl)));
    },
  }),
  route({
    method: 'GET',
    pattern: '/deployment/count',
    handler: async (ctx) => {
      const readable = await filterAllowed(await ctx.service.deps.definitions.listDeployments(), async (d) => ctx.auth.canSeeTenant(d.tenantId) && (await ctx.auth.isAllowed({ permission: 'READ', resource: 'Deployment', resourceId: d.id })));
      return json(200, { count: readable.length });
    },
  }),
  route({
    method: 'GET',
    pattern: '/deployment/{id}',
    handler: async ({ req, params, service, auth }) => {
      const deployment = await service.deps.definitions.getDeployment(params.id);
      const readable = deployment && auth.canSeeTenant(deployment.tenantId) && (await auth.isAllowed({ permission: 'READ', resource: 'Deployment', resourceId: deployment.id }));
      if (!deployment || !readable) throw notFoundError(`Deployment with id '${params.id}' does not exist`);
      return json(200, deploymentDto(deployment, req.baseUrl));
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/deployment/{id}',
    handler: async (ctx) => {
      const { req, params, service, auth } = ctx;
      const deployment = await service.deps.definitions.getDeployment(params.id);
      if (!deployment || !auth.canSeeTenant(deployment.tenantId)) throw notFoundError(`Deployment with id '${params.id}' do not exist`);
      await auth.require({ permission: 'DELETE', resource: 'Deployment', resourceId: deployment.id });
      const cascade = booleanParam(req.query, 'cascade') ?? false;
      const definitions = (await service.deps.definitions.listDefinitions()).filter((d) => d.deploymentId === deployment.id);
      for (const definition of definitions) {
        const running = await service.deps.instances.list({ processDefinitionId: definition.id });
        if (running.length > 0 && !cascade) {
          throw invalidRequest(`Deletion of process definition without cascading failed. Process definition with id: ${definition.id} can't be deleted, since there exists ${running.length} dependening process instances.`, 500);
        }
        for (const instance of running) {
          if (!(await mayInstance(ctx, instance.state, 'DELETE'))) await auth.require({ permission: 'DELETE', resource: 'ProcessInstance', resourceId: instance.state.id });
          await service.deleteInstance(instance.state.id, { skipCustomListeners: booleanParam(req.query, 'skipCustomListeners') ?? false, skipIoMappings: booleanParam(req.query, 'skipIoMappings') ?? false });
        }
      }
      await service.deps.definitions.deleteDeployment(deployment.id, definitions.map((d) => d.id));
      service.forgetDefinitions(definitions.map((d) => d.id));
      return noContent();
    },
  }),
];

export const EmptyBody = z.object({}).passthrough();
