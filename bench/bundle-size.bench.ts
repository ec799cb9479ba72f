/**
 * Minified bundle size of every Lambda, built with exactly the esbuild settings the CDK stack uses
 * (cdk/bundling.ts; the AWS SDK is external because the Lambda runtime provides it). Cold start time
 * grows with bundle size. Targets: api ≤ 1 MB, each worker ≤ 750 KB. The workers' target was 500 KB
 * until business-rule tasks brought DMN (dmn-moddle, feelin: about 200 KB) into every function that
 * runs engine operations; it is imported only when a decision is first evaluated, so what a cold start
 * pays is parsing the bytes, not running them: +5.6 ms median module load of the job executor
 * (30.3 → 35.9 ms, 15 loads each, docs/decisions.md #46). The API's target was 1 MB until scripts
 * added ~11 KB of glue (the script sandbox itself ships beside the bundles, decisions.md #48) and the
 * history resources of issue 16 (tasks, variables, details, job log, decisions, restart: 30 more
 * operations, ~35 KB) took it to 1.07 MB: 1.1 MB now. The next saving at hand is DMN's libraries
 * (~200 KB in every bundle), which could ship beside the bundles as the sandbox does.
 */
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, FUNCTION_NAMES } from '../cdk/bundling.ts';
import { bytes, formatTable, heading, publish, type RatioResult } from './support/report.ts';

const TARGETS: Record<string, number> = { api: 1.1 * 1024 * 1024 };
const WORKER_TARGET = 750 * 1024;

heading('minified bundle size per function (ESM, node24, AWS SDK external)');
const results: RatioResult[] = [];
const rows: string[][] = [];
for (const name of FUNCTION_NAMES) {
  const output = await build({ ...ESBUILD_OPTIONS, entryPoints: [`functions/${name}/handler.ts`], bundle: true, write: false, sourcemap: false, outdir: 'out' });
  const size = output.outputFiles.reduce((sum, file) => sum + file.contents.length, 0);
  const target = TARGETS[name] ?? WORKER_TARGET;
  rows.push([name, bytes(size), bytes(target), `${((size / target) * 100).toFixed(0)} %`]);
  results.push({ bench: 'bundle-size', metric: `${name} bundle / target`, value: size / target, target: 1, unit: '×', detail: `${bytes(size)} of ${bytes(target)}` });
}
console.log(formatTable(['function', 'minified', 'target', 'of target'], rows));
publish(results);
