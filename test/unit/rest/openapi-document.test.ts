import { describe, expect, it } from 'vitest';
import { taskDto } from '../../../shared/rest/dto.ts';
import { allRoutes } from '../../../shared/rest/routes/index.ts';
import { Router } from '../../../shared/rest/router.ts';
import { documentedOperations, operationOf, responseViolation } from '../../support/openapi.ts';
import { isRouted, listedAsUnrouted, unroutedOperations } from '../../support/openapi-routing.ts';

describe("Camunda's OpenAPI document (issue 16)", () => {
  it('holds the 399 operations of the 7.24 line', () => {
    expect(documentedOperations()).toHaveLength(399);
  });

  it('has every operation routed or listed in docs/api.md as not routed, and lists nothing that is routed', () => {
    const unrouted = unroutedOperations().map((op) => `${op.method} ${op.path}`);
    const listed = listedAsUnrouted();
    // Both directions, so the list in docs/api.md is the exact truth.
    expect(
      unrouted.filter((op) => !listed.includes(op)),
      'not routed and missing from docs/api.md',
    ).toEqual([]);
    expect(
      listed.filter((op) => !unrouted.includes(op)),
      'routed but still listed in docs/api.md',
    ).toEqual([]);
  });

  it('counts a path taken by a route of another path as not routed', () => {
    const router = new Router(allRoutes);
    expect(isRouted(router, 'GET', '/process-definition/{id}')).toBe(true);
    // `/incident/{id}` is no route of its own here if `/incident/count` were the only one answering it.
    const fake = new Router(allRoutes.filter((r) => r.pattern !== '/process-definition/{id}'));
    expect(isRouted(fake, 'GET', '/process-definition/{id}')).toBe(false);
  });

  it('finds the most specific operation of a request path', () => {
    expect(operationOf('GET', '/engine-rest/external-task/count?x=1')?.path).toBe('/external-task/count');
    expect(operationOf('GET', '/external-task/abc')?.path).toBe('/external-task/{id}');
    expect(operationOf('GET', '/nowhere')).toBeUndefined();
  });

  it('judges a response by the schema of its status', () => {
    expect(responseViolation('GET', '/task/count', 200, { count: 3 })).toBeUndefined();
    expect(responseViolation('GET', '/task/count', 200, { count: 'three' })).toMatch(/count must be integer/);
    // Errors: the documented ones and any other error status are Camunda's exception body.
    expect(responseViolation('GET', '/task/x', 404, { type: 'RestException', message: 'm', code: null })).toBeUndefined();
    expect(responseViolation('GET', '/task/x', 404, { type: 'RestException', message: 'm' })).toMatch(/required property 'code'/);
    expect(responseViolation('GET', '/task/x', 418, { type: 1 })).toMatch(/type must be string/);
    expect(responseViolation('GET', '/task/x', 201, {})).toMatch(/status not documented/);
    expect(responseViolation('DELETE', '/task/x', 204, { unexpected: true })).toMatch(/a body where the document has none/);
    // Camunda writes every field of a DTO: one missing is a violation, unless the request decides it.
    expect(responseViolation('GET', '/task', 200, [{}])).toMatch(/must have required property 'id'/);
    // Camunda's serializer writes nulls: a never-delegated task and a task without a Camunda Form.
    const task = taskDto({ pk: 'TASK#t', sk: 'TASK', id: 't', created: 0, executionId: 'e', processDefinitionId: 'd', processInstanceId: 'p', taskDefinitionKey: 'k' });
    expect([task.delegationState, task.camundaFormRef]).toEqual([null, null]);
    expect(responseViolation('GET', '/task', 200, [task])).toBeUndefined();
    expect(responseViolation('GET', '/task', 200, [{ ...task, delegationState: 'NOPE' }])).toMatch(/delegationState/);
    expect(responseViolation('GET', '/task/count', 200, {})).toMatch(/must have required property 'count'/);
    // The authentication filter's 401 has no body.
    expect(responseViolation('GET', '/task', 401, null)).toBeUndefined();
  });
});
