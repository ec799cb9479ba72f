import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNpmStart } from '../support/npm-start.ts';
import { restClient } from '../support/runtime.ts';
import { type TreeNode, treeShape, userTaskChain } from './inline-bpmn.ts';

/**
 * `npm start` as a new user runs it (local/main.ts with its own embedded emulator, not the test
 * run's), under the concurrent load an ordinary team puts on it: many clients starting instances,
 * modifying them and completing their tasks at once. Nothing may fail and nothing may be lost; and
 * Ctrl-C stops it within seconds, whatever it holds.
 */
const CLIENTS = 32;
const ROUNDS = 3;
describe('npm start under 32 concurrent clients', () => {
  let child: ChildProcess;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    let url: string;
    ({ child, url } = await startNpmStart({ emulatorPort: await freePort(), prefix: 'concurrency' }));
    api = restClient(url);
    const deployed = await api.deploy({ 'concurrency.bpmn': userTaskChain('concurrency', ['review', 'approve']) });
    expect(deployed.status).toBe(200);
  }, 90_000);

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('starts, modifies and completes with zero errors, and every count and tree is exact afterwards', async () => {
    // given 32 clients, each working through 3 instances of its own at the same time as the others
    const failures: string[] = [];
    const expectOk = (what: string, response: { status: number; body: unknown }) => {
      if (response.status >= 300) failures.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response;
    };
    const client = async (c: number) => {
      const ids: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // when it starts an instance, starts 'approve' beside 'review' by modification, and completes 'review'
        const started = expectOk('start', await api.post('/process-definition/key/concurrency/start', { businessKey: `c${c}-r${round}` }));
        const id = (started.body as { id: string }).id;
        ids.push(id);
        expectOk('modify', await api.post(`/process-instance/${id}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'approve' }] }));
        const tasks = expectOk('tasks', await api.get(`/task?processInstanceId=${id}&taskDefinitionKey=review`));
        for (const task of tasks.body as { id: string }[]) expectOk('complete', await api.post(`/task/${task.id}/complete`, {}));
      }
      return ids;
    };
    const ids = (await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))).flat();

    // then nothing failed
    expect(failures).toEqual([]);
    // and every instance is there, exactly once, with two tokens in 'approve' (the modification's and
    // the one that left 'review')
    const total = CLIENTS * ROUNDS;
    expect(new Set(ids).size).toBe(total);
    expect((await api.get('/process-instance/count?processDefinitionKey=concurrency')).body).toEqual({ count: total });
    expect((await api.get('/task/count?taskDefinitionKey=approve')).body).toEqual({ count: 2 * total });
    expect((await api.get('/task/count?taskDefinitionKey=review')).body).toEqual({ count: 0 });
    const listed = (await api.get('/process-instance?processDefinitionKey=concurrency')).body as { id: string; businessKey: string }[];
    expect(listed.map((p) => p.id).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const tree = (await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode;
      expect(treeShape(tree)).toBe('root{approve, approve}');
    }
  }, 180_000);

  it('stops within 5 seconds of Ctrl-C, emulator included', async () => {
    // when the terminal sends SIGINT to the foreground process group
    const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
    const sent = Date.now();
    process.kill(-child.pid!, 'SIGINT');

    // then
    expect((await exited) - sent).toBeLessThan(5_000);
    expect(() => process.kill(-child.pid!, 0)).toThrow(); // no process of the group is left
  }, 20_000);
});
