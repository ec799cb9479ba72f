import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNpmStart } from '../support/npm-start.ts';
import { asUser, restClient } from '../support/runtime.ts';
import { needsVariableModel, userTaskChain } from './inline-bpmn.ts';

/** Debian's Chromium: `.ci/run` installs it when missing; elsewhere the test says how to get it. */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);

/**
 * The progress page (an extension, docs/api.md), in a real browser (headless Chromium) against
 * `npm start` with authentication on: it shows a running batch as it advances, its buttons suspend,
 * resume and delete, and it lists the failures of a failing batch.
 */
describe.skipIf(!available)('the batch progress page in a browser', () => {
  let child: ChildProcess;
  let url: string;
  let admin: ReturnType<typeof asUser>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ child, url } = await startNpmStart({ emulatorPort: await freePort(), prefix: 'page', env: { AUTH_MODE: 'basic' } }));
    admin = asUser(restClient(url), 'demo', 'demo');
    const form = new FormData();
    form.set('deployment-name', 'page');
    for (const [name, xml] of Object.entries({ 'p1.bpmn': userTaskChain('p1', ['user1', 'user2']), 'needy.bpmn': needsVariableModel('needy') }))
      form.append(name, new Blob([xml], { type: 'application/xml' }), name);
    const deployed = await fetch(`${url}/deployment/create`, { method: 'POST', body: form, headers: { authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}` } });
    expect(deployed.status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ httpCredentials: { username: 'demo', password: 'demo' } });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  const start = async (key: string) => (await admin.post(`/process-definition/key/${key}/start`, {})).body.id as string;
  const row = (batchId: string) => page.locator(`tr[data-batch="${batchId}"]`);

  it('asks for credentials like every resource', async () => {
    expect((await fetch(`${url}/batch-progress`)).status).toBe(401);
  });

  it('shows a running batch advancing, and suspends and resumes it with its buttons', async () => {
    // given a batch that runs at two instances per second
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await start('p1'));
    const definitionId = (await admin.get('/process-definition/key/p1')).body.id as string;
    const batch = (
      await admin.post('/modification/executeAsync', {
        processDefinitionId: definitionId,
        processInstanceIds: ids,
        instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }],
        maxInstancesPerSecond: 2,
      })
    ).body;

    // when the page is open
    await page.goto(`${url}/batch-progress`);

    // then it shows the batch, and its completed count grows as the batch runs
    await expect.poll(async () => row(batch.id).count(), { timeout: 15_000 }).toBe(1);
    const completed = async () => Number(await row(batch.id).locator('.completed-count').textContent());
    const first = await completed();
    await expect.poll(completed, { timeout: 15_000, interval: 250 }).toBeGreaterThan(first);
    expect(await row(batch.id).locator('td').nth(1).textContent()).toBe('instance-modification');

    // when suspended with its button
    await row(batch.id).locator('button[data-action="suspend"]').click();

    // then the batch is suspended, and the page says so
    await expect.poll(async () => (await admin.get(`/batch/${batch.id}`)).body.suspended, { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => row(batch.id).locator('.suspended').count(), { timeout: 10_000 }).toBe(1);

    // when resumed, it runs to its end and leaves the page
    await row(batch.id).locator('button[data-action="resume"]').click();
    await expect.poll(async () => (await admin.get(`/batch/${batch.id}`)).status, { timeout: 30_000, interval: 500 }).toBe(404);
    await expect.poll(async () => row(batch.id).count(), { timeout: 10_000 }).toBe(0);
  });

  it('lists the failures of a failing batch, and deletes it with its button', async () => {
    // given a batch whose job fails (its instance lacks the variable user2 reads)
    const pi = await start('needy');
    const batch = (await admin.post(`/process-instance/${pi}/modification-async`, { instructions: [{ type: 'startBeforeActivity', activityId: 'user2' }] })).body;
    await page.goto(`${url}/batch-progress`);

    // then the page lists the failure of its instance
    await expect.poll(async () => row(batch.id).locator('.failures li').count(), { timeout: 20_000 }).toBe(1);
    expect(await row(batch.id).locator('.failures li').textContent()).toContain(`failed ${pi}:`);
    // (its job is out of retries once its third run failed: the first failure shows before that)
    await expect.poll(async () => row(batch.id).locator('.failed-count').textContent(), { timeout: 20_000 }).toBe('1');

    // when deleted with its button (and the confirmation)
    page.once('dialog', (dialog) => dialog.accept());
    await row(batch.id).locator('button[data-action="delete"]').click();

    // then it is gone, from the API and from the page
    await expect.poll(async () => (await admin.get(`/batch/${batch.id}`)).status, { timeout: 10_000 }).toBe(404);
    await expect.poll(async () => row(batch.id).count(), { timeout: 10_000 }).toBe(0);
  });
});
