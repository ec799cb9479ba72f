import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNpmStart } from '../support/npm-start.ts';
import { restClient } from '../support/runtime.ts';
import { needsVariableModel, userTaskChain } from './inline-bpmn.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The command line of the batch extensions (docs/api.md "CLI"), run as its binary against
 * `npm start`: exit codes, the progress it prints, and the failure report.
 */
describe('the CLI against npm start', () => {
  let child: ChildProcess;
  let url: string;
  let api: ReturnType<typeof restClient>;
  const work = mkdtempSync(join(tmpdir(), 'cli-test-'));

  /** Runs the package's binary (package.json "bin") with the server's URL. */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'local/cli/bin.mjs'), ...args, '--url', url, '--interval', '200'], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      });
    });
  const bodyFile = (name: string, body: unknown) => {
    const file = join(work, name);
    writeFileSync(file, JSON.stringify(body));
    return file;
  };
  const start = async (key: string) => (await api.post(`/process-definition/key/${key}/start`, {})).body.id as string;

  beforeAll(async () => {
    ({ child, url } = await startNpmStart({ emulatorPort: await freePort(), prefix: 'cli' }));
    api = restClient(url);
    expect((await api.deploy({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']), 'needy.bpmn': needsVariableModel('needy') })).status).toBe(200);
  }, 90_000);
  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('lists no batches, then validates a modification: invalid instances make the exit code 1', async () => {
    expect(await cli('batch', 'list')).toEqual({ code: 0, out: 'no batches\n' });

    // given
    const definitionId = (await api.get('/process-definition/key/p1')).body.id as string;
    const valid = await start('p1');
    const foreign = await start('needy');
    const body = { processDefinitionId: definitionId, processInstanceIds: [valid, foreign], instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] };

    // when
    const result = await cli('modify', '--dry-run', '--body', bodyFile('dry.json', body));

    // then
    expect(result.code).toBe(1);
    expect(result.out).toContain(`valid   ${valid}`);
    expect(result.out).toContain(`invalid ${foreign}:`);
    expect(result.out).toContain('1 valid, 1 invalid');
  });

  it('starts a batch and watches it to its end: a progress bar, exit code 0', async () => {
    // given
    const definitionId = (await api.get('/process-definition/key/p1')).body.id as string;
    const ids = [await start('p1'), await start('p1'), await start('p1')];
    const body = { processDefinitionId: definitionId, processInstanceIds: ids, instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] };

    // when
    const result = await cli('modify', '--body', bodyFile('run.json', body), '--watch');

    // then
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^batch \S+ created$/m);
    expect(result.out).toMatch(/\[[#-]{30}\] +\d+% \d\/3 jobs/);
    expect(result.out).toMatch(/^batch \S+ ended$/m);
  });

  it('stops watching a batch whose jobs all failed, prints its failure report, exit code 1', async () => {
    // given a batch whose one job fails (the instance lacks the variable user2 reads)
    const pi = await start('needy');
    const batch = (await api.post(`/process-instance/${pi}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] })).body;

    // when
    const result = await cli('batch', 'watch', batch.id);

    // then
    expect(result.code).toBe(1);
    expect(result.out).toContain(`batch ${batch.id} is stuck: its 1 remaining job(s) failed`);
    expect(result.out).toMatch(new RegExp(`failed ${pi}: .*needed.* \\(job \\S+, retries left 0\\)`));
    expect((await cli('batch', 'list')).out).toContain(batch.id);
  });

  it('answers bad usage, an unknown batch and an unreachable server with exit code 2', async () => {
    // as a user runs it: the package's command through npx
    const usage = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile('npx', ['--no-install', 'camunda7-serverless-engine', 'frobnicate'], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    expect(usage.code).toBe(2);
    expect(usage.out).toContain('usage:');
    const nobody = `http://127.0.0.1:${await freePort()}/engine-rest`;
    const unreachable = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'local/cli/bin.mjs'), 'batch', 'list', '--url', nobody], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    expect(unreachable).toEqual({ code: 2, out: `cannot reach ${nobody}: ECONNREFUSED\n` });
    expect(await cli('batch', 'watch', 'no-such-batch')).toEqual({ code: 2, out: 'batch no-such-batch does not exist\n' });
  });
});
