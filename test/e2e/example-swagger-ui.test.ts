import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../core/index.js';
import { createExampleKernel } from '../../example-app/app.js';
import { prepareDatabase } from '../../example-app/db.js';
import { DEMO_PASSWORD } from '../../example-app/seed.js';

/**
 * Swagger UI's *Authorize* on the example app, in a real browser against a real HTTP
 * server on 127.0.0.1: *Try it out* on `GET /tasks` answers 401 without credentials,
 * then 200 once Basic (a demo member's email and password) or Bearer (a token from
 * `POST /auth/login`) is filled in. Skipped without /usr/bin/chromium.
 */
describe.skipIf(!hasChromium)('example app: Swagger UI Authorize (Chromium; skipped: /usr/bin/chromium is not installed)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-swagger-'));
  let browser: Browser;
  let kernel: Kernel;
  let base = '';

  beforeAll(async () => {
    const database = await prepareDatabase({ url: `file:${path.join(dir, 'tasks.db')}` });
    kernel = await createExampleKernel({ prisma: database.prisma, provider: database.provider, redis: '', admin: false, logger: { level: 'silent' } });
    ({ url: base } = await kernel.listen({ port: 0, host: '127.0.0.1' }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kernel?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens Swagger UI in a new context (no credentials kept from another test), with `GET /tasks` expanded in "Try it out". */
  async function openListTasks() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/docs`);
    const operation = page.locator('#operations-tasks-listTasks');
    await operation.waitFor({ timeout: 30_000 });
    await operation.locator('button.opblock-summary-control').click();
    await operation.locator('button.try-out__btn').click();
    // Swagger UI fills each parameter with its first example: clear them all, then ask for
    // the count, the title and assignee, and the project (it sends an emptied list as `name=`).
    for (const row of await operation.locator('tr[data-param-name]').all()) {
      for (const input of await row.locator('input[type=text]').all()) await input.fill('');
      for (const select of await row.locator('select:not(.examples-select-element)').all()) {
        await select.selectOption((await select.getAttribute('multiple')) === null ? { label: '--' } : []);
      }
    }
    const control = (name: string) => operation.locator(`tr[data-param-name="${name}"] select:not(.examples-select-element)`);
    await control('count').selectOption('true');
    await control('select').selectOption(['title', 'assigneeId']);
    await control('include').selectOption(['project']);
    return { context, page, operation, errors };
  }

  /** Clicks Execute; answers the status of the `GET /tasks` the page sent, its Authorization header, and the status Swagger UI shows. */
  async function execute(page: Page, operation: ReturnType<Page['locator']>) {
    const answered = page.waitForResponse((res) => res.request().method() === 'GET' && new URL(res.url()).pathname === '/tasks');
    await operation.locator('button.execute').click();
    const response = await answered;
    const live = operation.locator('.live-responses-table tr.response td.response-col_status');
    await expect.poll(() => live.innerText()).toBe(String(response.status()));
    expect(Object.fromEntries(new URL(response.url()).searchParams)).toEqual({ select: 'title,assigneeId', include: 'project', count: 'true' });
    return { status: response.status(), authorization: await response.request().headerValue('authorization'), body: await response.json() };
  }

  /** Opens the Authorize dialog, fills one scheme's form with `fill`, authorizes it and closes the dialog. */
  async function authorize(page: Page, scheme: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>) {
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const form = dialog.locator('.auth-container').filter({ has: page.locator(`h4:has-text("${scheme}")`) });
    await expect.poll(() => form.count()).toBe(1);
    await fill(form);
    await form.locator('button.modal-btn.auth.authorize').click();
    // Authorized: the form now offers Logout.
    await form.locator('button.modal-btn.auth:has-text("Logout")').waitFor();
    await dialog.locator('button.btn-done').first().click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('answers 401, then 200 once Basic is authorized with a demo member (her tasks only)', async () => {
    const { context, page, operation, errors } = await openListTasks();
    const before = await execute(page, operation);
    expect(before.status).toBe(401);
    expect(before.authorization).toBeNull();
    expect(before.body.code).toBe('BURROW_ERR_AUTH_UNAUTHENTICATED');

    await authorize(page, 'basicAuth', async (form) => {
      await form.locator('input[aria-label="auth-basic-username"]').fill('grace@example.com');
      await form.locator('input[aria-label="auth-basic-password"]').fill(DEMO_PASSWORD);
    });
    const after = await execute(page, operation);
    expect(after.status).toBe(200);
    expect(after.authorization).toBe(`Basic ${Buffer.from(`grace@example.com:${DEMO_PASSWORD}`).toString('base64')}`);
    // Grace's own tasks, as the API answers them outside the browser.
    expect(after.body.items.map((t: { assigneeId: number }) => t.assigneeId)).toEqual([2, 2, 2, 2]);
    expect(after.body.total).toBe(4);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('answers 401, then 200 once Bearer is authorized with a token from POST /auth/login', async () => {
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alan@example.com', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };

    const { context, page, operation, errors } = await openListTasks();
    expect((await execute(page, operation)).status).toBe(401);
    await authorize(page, 'bearerAuth', async (form) => {
      await form.locator('input[aria-label="auth-bearer-value"]').fill(token);
    });
    const after = await execute(page, operation);
    expect(after.status).toBe(200);
    expect(after.authorization).toBe(`Bearer ${token}`);
    expect(after.body.items.map((t: { id: string; assigneeId: number }) => [t.id, t.assigneeId])).toEqual([['4', 3], ['12', 3]]);
    expect(after.body.total).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
