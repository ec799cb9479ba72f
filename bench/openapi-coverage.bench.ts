/**
 * How much of Camunda 7's REST API the product routes (issue 16): every operation of Camunda's
 * OpenAPI document (test/fixtures/camunda-openapi/operations.txt, 399 in the 7.24 line) against the
 * routes the API handler serves. An operation counts as routed only if a route has its method and
 * its very path (path parameters compared without their names): a path answered by a route of
 * another path (`/process-definition/statistics` taken for `/process-definition/{id}`) is not.
 *
 *   npx tsx bench/openapi-coverage.bench.ts           # the share, and the missing operations by resource
 *   npx tsx bench/openapi-coverage.bench.ts --list    # every missing operation
 */
import { readFileSync } from 'node:fs';
import { allRoutes } from '../shared/rest/routes/index.ts';
import { formatTable, heading, publish } from './support/report.ts';

const shape = (method: string, path: string) => `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`;
const operations = readFileSync(new URL('../test/fixtures/camunda-openapi/operations.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [method, path] = line.split(' ') as [string, string];
    return { method, path };
  });
const routed = new Set(allRoutes.map((route) => shape(route.method, route.pattern)));
const missing = operations.filter((op) => !routed.has(shape(op.method, op.path)));
const covered = operations.length - missing.length;

heading(`Camunda 7 REST operations routed: ${covered} of ${operations.length}`);
const byResource = new Map<string, number>();
for (const op of missing) {
  const resource = op.path
    .split('/')
    .slice(1, op.path.startsWith('/history/') ? 3 : 2)
    .join('/');
  byResource.set(resource, (byResource.get(resource) ?? 0) + 1);
}
console.log(
  formatTable(
    ['resource', 'operations missing'],
    [...byResource.entries()].sort((a, b) => b[1] - a[1]).map(([resource, n]) => [resource, String(n)]),
  ),
);
if (process.argv.includes('--list')) for (const op of missing) console.log(`${op.method} ${op.path}`);
// Verdicts are lower-is-better: the share of operations not routed, with the target of none.
publish([
  { bench: 'openapi-coverage', metric: 'share of operations not routed', value: missing.length / operations.length, target: 0, unit: '×', detail: `${covered} of ${operations.length} routed` },
]);
