/**
 * Which operations of Camunda's OpenAPI document the API routes (issue 16). An operation counts as
 * routed only when the router answers its method and path with a route of that very path: a path
 * taken by a route of another (`/process-definition/statistics` by `/process-definition/{id}`) is
 * not routed.
 */
import { readFileSync } from 'node:fs';
import { compilePattern } from '../../shared/rest/route-table.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { Router } from '../../shared/rest/router.ts';
import { documentedOperations } from './openapi.ts';

/** A path with its parameters compared without their names. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

export function isRouted(router: Router, method: string, path: string): boolean {
  // Parameters get a value no literal segment has, as a client's ids would.
  const found = router.find(method, path.replace(/\{[^}]+\}/g, 'some-id'));
  return typeof found === 'object' && shape(found.route.pattern) === shape(compilePattern(path).pattern);
}

export function unroutedOperations(): { method: string; path: string }[] {
  const router = new Router(allRoutes);
  return documentedOperations().filter((op) => !isRouted(router, op.method, op.path));
}

/** The operations docs/api.md lists as not routed, between its `not-routed` markers. */
export function listedAsUnrouted(): string[] {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = /<!-- not-routed:start -->([\s\S]*?)<!-- not-routed:end -->/.exec(doc)?.[1] ?? '';
  return [...section.matchAll(/^- `([A-Z]+ \/[^`]*)`/gm)].map((m) => m[1]!);
}
