/**
 * How much of Camunda 7's REST API the product routes (issue 16): every operation of Camunda's
 * OpenAPI document (shared/rest/openapi/camunda-openapi.json, 399 in the 7.24 line) against the
 * router (test/support/openapi-routing.ts says what counts as routed). It also counts the 278
 * operations of the 7.15.0 document, the measure issue 16 names (test/fixtures/camunda-openapi/
 * operations-7.15.0.txt, rendered the same way from the 7.15.0 tag; every one of them is in the 7.24 document).
 *
 *   npx tsx bench/openapi-coverage.bench.ts           # the share, and the missing operations by resource
 *   npx tsx bench/openapi-coverage.bench.ts --list    # every missing operation
 */
import { readFileSync } from 'node:fs';
import { documentedOperations } from '../test/support/openapi.ts';
import { unroutedOperations } from '../test/support/openapi-routing.ts';
import { formatTable, heading, publish } from './support/report.ts';

const operations = documentedOperations();
const missing = unroutedOperations();
const covered = operations.length - missing.length;
const missingNames = new Set(missing.map((op) => `${op.method} ${op.path}`));
const operations715 = readFileSync(new URL('../test/fixtures/camunda-openapi/operations-7.15.0.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);
const missing715 = operations715.filter((op) => missingNames.has(op));

heading(`Camunda 7 REST operations routed: ${covered} of ${operations.length} (7.24); ${operations715.length - missing715.length} of ${operations715.length} (7.15.0)`);
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
  // Issue 16's floor: at least 270 of the 7.15.0 document's 278 operations, so at most 8 not routed.
  {
    bench: 'openapi-coverage',
    metric: '7.15.0 operations not routed ÷ 8',
    value: missing715.length / 8,
    target: 1,
    unit: '×',
    detail: `${operations715.length - missing715.length} of ${operations715.length} routed`,
  },
]);
