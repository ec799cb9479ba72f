import { expect } from 'vitest';
import { type TreeNode, treeShape } from '../e2e/inline-bpmn.ts';
import type { restClient } from './runtime.ts';

/** REST-level helpers the e2e and integration tests share: instances, their trees, error bodies. */

type Api = ReturnType<typeof restClient>;

/** Camunda's date format in REST bodies: `2025-01-01T10:00:00.000+0000`. */
export const CAMUNDA_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

export async function startInstance(api: Api, key: string, tenantId?: string): Promise<string> {
  const path = tenantId ? `/process-definition/key/${key}/tenant-id/${tenantId}/start` : `/process-definition/key/${key}/start`;
  const response = await api.post(path, {});
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.id as string;
}

/** Starts `count` instances, all at once. */
export function startInstances(api: Api, key: string, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, () => startInstance(api, key)));
}

export async function treeOf(api: Api, id: string): Promise<TreeNode> {
  const response = await api.get(`/process-instance/${id}/activity-instances`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as TreeNode;
}

/** The describe-style shape of an instance, or 'ended' once it is gone from the runtime. */
export async function shapeOf(api: Api, id: string): Promise<string> {
  const response = await api.get(`/process-instance/${id}/activity-instances`);
  if (response.status === 404) return 'ended';
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return treeShape(response.body as TreeNode);
}

export async function definitionIdOf(api: Api, id: string): Promise<string> {
  return (await api.get(`/process-instance/${id}`)).body.definitionId as string;
}

/** A Camunda error response: status and the exact `{type, message, code}` body. */
export function expectError(response: { status: number; body: any }, status: number, type: string, message: string, code: number | null = null): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toEqual({ type, message, code });
}
