import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('redeploying a deployment (DeploymentRestServiceInteractionTest#testRedeploy…, RedeploymentTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let original: { id: string; name: string };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'a.bpmn': userTaskChain('redeployA', ['a']), 'b.bpmn': userTaskChain('redeployB', ['b']) }, { 'deployment-name': 'orders' });
    original = deployed.body;
  });
  afterAll(() => runtime?.stop());

  it('deploys the resources again under the same name: new versions of its processes', async () => {
    const again = await api.post(`/deployment/${original.id}/redeploy`, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ name: 'orders', deployedCaseDefinitions: null });
    expect(again.body.id).not.toBe(original.id);
    const versions = Object.values(again.body.deployedProcessDefinitions as Record<string, { key: string; version: number }>)
      .map((d) => `${d.key}:${d.version}`)
      .sort();
    expect(versions).toEqual(['redeployA:2', 'redeployB:2']);
  });

  it('deploys only the resources named by id or name; refuses ones the deployment lacks', async () => {
    const resources = (await api.get(`/deployment/${original.id}/resources`)).body as { id: string; name: string }[];
    const a = resources.find((r) => r.name === 'a.bpmn')!;
    const byId = await api.post(`/deployment/${original.id}/redeploy`, { resourceIds: [a.id], source: 'cockpit' });
    expect(byId.body).toMatchObject({ source: 'cockpit' });
    expect(Object.values(byId.body.deployedProcessDefinitions).map((d) => (d as { key: string }).key)).toEqual(['redeployA']);
    const byName = await api.post(`/deployment/${original.id}/redeploy`, { resourceNames: ['b.bpmn'] });
    expect(Object.values(byName.body.deployedProcessDefinitions).map((d) => (d as { key: string }).key)).toEqual(['redeployB']);

    expect(await api.post(`/deployment/${original.id}/redeploy`, { resourceNames: ['c.bpmn'] })).toMatchObject({
      status: 404,
      body: {
        type: 'InvalidRequestException',
        message: `Cannot redeploy deployment '${original.id}': The deployment with id '${original.id}' does not contain the following resources with name: c.bpmn`,
      },
    });
    expect(await api.post('/deployment/nope/redeploy', {})).toMatchObject({ status: 404, body: { message: "Deployment with id 'nope' does not exist" } });
  });
});
