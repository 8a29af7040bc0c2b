import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { fixtureKernel } from '../../helpers.js';
import { mount } from './mount.js';


// A real browser renders the page: the only proof that Swagger UI starts from the
// locally served files. It needs Debian's chromium (`apt-get install chromium`);
// without it this suite is skipped, and the HTTP-level tests still run.
describe.skipIf(!hasChromium)('openapi-docs in a browser (skipped: /usr/bin/chromium is not installed)', () => {
  let browser: Browser;
  let kernel: Kernel;
  beforeAll(async () => {
    browser = await launchChromium();
    kernel = await fixtureKernel({ plugins: [openapiDocs()] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await kernel?.close();
  });

  /** Opens a URL, and answers every request for another host with a network error (recording it). */
  async function open(url: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const local = new URL(url).origin;
    const requested: string[] = [];
    const external: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    await context.route('**/*', (route) => {
      const target = route.request().url();
      if (new URL(target).origin === local) return route.continue();
      external.push(target);
      return route.abort('blockedbyclient');
    });
    page.on('request', (req) => requested.push(req.url()));
    page.on('response', (res) => void (res.status() >= 400 && failed.push(`${res.status()} ${res.url()}`)));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    return { page, context, requested, external, failed, errors };
  }

  /** Checks that Swagger UI rendered every operation of the document, from 127.0.0.1 alone. */
  async function expectRendered(opened: Awaited<ReturnType<typeof open>>, pageUrl: string) {
    const { page } = opened;
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const operations = Object.values(kernel.document.paths ?? {}).flatMap((item) => Object.keys(item as object).filter((k) => k !== 'parameters'));
    await expect.poll(() => page.locator('.opblock').count()).toBe(operations.length);
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/hello', '/items/{id}', '/openapi.json', '/docs/{asset}']));
    await expect.poll(() => page.locator('.opblock-summary-description').allInnerTexts()).toContain('The OpenAPI document of this API, as JSON');
    expect(await page.locator('.information-container .title').innerText()).toContain('Fixture tasks');
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    expect(page.url()).toBe(pageUrl);
    await expectLocalOnly(opened, new URL(pageUrl).origin);
  }

  /** Checks that every request went to `origin`, on 127.0.0.1, and succeeded, with no script error; closes the page. */
  async function expectLocalOnly(opened: Awaited<ReturnType<typeof open>>, origin: string) {
    const { context, requested, external, failed, errors } = opened;
    const network = requested.filter((url) => /^(?:https?|wss?):/.test(url));
    expect(network.length).toBeGreaterThan(0);
    expect(network.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(external).toEqual([]);
    expect(new URL(origin).hostname).toBe('127.0.0.1');
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }

  it('renders the operations of the contract from /docs, with no request leaving 127.0.0.1', async () => {
    const { url } = await kernel.listen({ port: 0 });
    await expectRendered(await open(`${url}/docs`), `${url}/docs/`);
  }, 60_000);

  /** Serves an Express app on 127.0.0.1 for the duration of `run`. */
  async function serve(app: express.Express, run: (base: string) => Promise<void>) {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('renders under a mount path (/api/v1/docs)', async () => {
    const app = express();
    app.use('/api/v1', mount(kernel));
    await serve(app, async (base) => expectRendered(await open(`${base}/api/v1/docs`), `${base}/api/v1/docs/`));
  }, 60_000);

  it('sends "Try it out" to the mount path (/api/v1/hello) and shows the API\'s answer', async () => {
    const app = express();
    // What a request sent to the origin's root would reach instead of the API.
    app.get('/hello', (_req, res) => void res.status(418).json({ reached: 'the app, not the API' }));
    app.use('/api/v1', mount(kernel));
    await serve(app, async (base) => {
      const opened = await open(`${base}/api/v1/docs/`);
      const { page, requested } = opened;
      const operation = page.locator('#operations-default-hello');
      await operation.waitFor({ timeout: 30_000 });
      expect(await page.locator('.servers select option').allInnerTexts()).toEqual(['/api/v1']);

      await operation.locator('button.opblock-summary-control').click();
      await operation.locator('button.try-out__btn').click();
      const answered = page.waitForResponse((res) => res.request().method() === 'GET' && /\/hello$/.test(new URL(res.url()).pathname));
      await operation.locator('button.execute').click();
      const response = await answered;
      expect(response.url()).toBe(`${base}/api/v1/hello`);
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ hello: 'world' });

      // What Swagger UI shows: the request URL, and the live response with its status and body.
      expect(await operation.locator('.request-url pre').innerText()).toBe(`${base}/api/v1/hello`);
      const live = operation.locator('.live-responses-table');
      await expect.poll(() => live.locator('tr.response td.response-col_status').innerText()).toBe('200');
      const shown = await live.locator('tr.response .response-col_description pre.microlight').first().innerText();
      expect(JSON.parse(shown)).toEqual({ hello: 'world' });

      const calls = requested.filter((url) => new URL(url).pathname.endsWith('/hello')).map((url) => new URL(url).pathname);
      expect(calls).toEqual(['/api/v1/hello']);
      await expectLocalOnly(opened, base);
    });
  }, 60_000);
});
