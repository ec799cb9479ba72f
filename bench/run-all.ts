/**
 * Runs every benchmark in order, each in its own child process (a crash or a hang in one does not stop
 * the others), then prints one summary table of every ratio against its target. Benchmarks report,
 * they do not gate: the exit code is 0 whatever the verdicts.
 *
 *   npm run bench                    # all of them
 *   npm run bench -- modification    # only the scripts whose name contains one of the arguments
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, type RatioResult, showValue, showVerdictValue, verdict } from './support/report.ts';

const SCRIPTS = [
  'engine-core.bench.ts',
  'modification.bench.ts',
  'bundle-size.bench.ts',
  'rest-latency.bench.ts',
  'auth-overhead.bench.ts',
  'query-pages.bench.ts',
  'batch.bench.ts',
  'batch-rate-limit.bench.ts',
  'npm-start.bench.ts',
  'emulator-queue.bench.ts',
  'bpmn-corpus.bench.ts',
  'hostile-models.bench.ts',
  'openapi-coverage.bench.ts',
  'dmn.bench.ts',
  'script.bench.ts',
];
/** Each script is built to finish well within 3 minutes; past this it is stopped (SIGTERM, then SIGKILL). */
const TIMEOUT_MS = Number(process.env.BENCH_SCRIPT_TIMEOUT_MS ?? 200_000);

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const selected = SCRIPTS.filter((s) => filters.length === 0 || filters.some((f) => s.includes(f)));
const workDir = mkdtempSync(join(tmpdir(), 'bench-'));

interface ScriptRun {
  script: string;
  status: 'ok' | 'failed' | 'timeout';
  code: number | null;
  seconds: number;
  results: RatioResult[];
}

function run(script: string): Promise<ScriptRun> {
  const resultsFile = join(workDir, `${script}.jsonl`);
  const started = Date.now();
  console.log(`\n################ ${script} ################`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, script)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULTS_FILE: resultsFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true' },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${script}: still running after ${TIMEOUT_MS / 1000} s, stopping it`);
      child.kill('SIGTERM'); // the scripts stop their emulator on SIGTERM
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const results = existsSync(resultsFile)
        ? readFileSync(resultsFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as RatioResult)
        : [];
      resolve({ script, status: timedOut ? 'timeout' : code === 0 ? 'ok' : 'failed', code, seconds: (Date.now() - started) / 1000, results });
    });
  });
}

const runs: ScriptRun[] = [];
for (const script of selected) runs.push(await run(script));
rmSync(workDir, { recursive: true, force: true });

console.log('\n================ summary: ratios measured in this run, against their targets ================');
const rows: string[][] = [];
for (const r of runs) {
  for (const result of r.results) {
    rows.push([result.bench, result.metric, showVerdictValue(result), result.informational ? '-' : `≤ ${showValue(result.target, result.unit)}`, verdict(result), result.detail]);
  }
  if (r.status !== 'ok') {
    rows.push([
      r.script.replace('.bench.ts', ''),
      r.status === 'timeout' ? `stopped after ${TIMEOUT_MS / 1000} s` : `exited with code ${r.code}`,
      '-',
      '-',
      'MISS',
      'see its output above (results it published before are listed)',
    ]);
  }
}
console.log(formatTable(['bench', 'metric', 'value', 'target', 'verdict', 'raw'], rows));
const graded = runs.flatMap((r) => r.results).filter((r) => !r.informational);
const passed = graded.filter((r) => verdict(r) === 'PASS').length;
console.log(`\n${passed} of ${graded.length} targets met; ${runs.map((r) => `${r.script.replace('.bench.ts', '')} ${r.status} in ${r.seconds.toFixed(0)} s`).join(', ')}`);
process.exitCode = 0;
