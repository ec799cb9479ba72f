/**
 * How much of Camunda 7's REST API the product routes (issue 16): every operation of Camunda's
 * OpenAPI document (test/fixtures/camunda-openapi/openapi.json, 399 in the 7.24 line) against the
 * router (test/support/openapi-routing.ts says what counts as routed).
 *
 *   npx tsx bench/openapi-coverage.bench.ts           # the share, and the missing operations by resource
 *   npx tsx bench/openapi-coverage.bench.ts --list    # every missing operation
 */
import { documentedOperations } from '../test/support/openapi.ts';
import { unroutedOperations } from '../test/support/openapi-routing.ts';
import { formatTable, heading, publish } from './support/report.ts';

const operations = documentedOperations();
const missing = unroutedOperations();
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
