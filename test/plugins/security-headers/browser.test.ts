import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { securityHeaders, type SecurityHeadersOptions } from '../../../plugins/security-headers/index.js';
import { fixtureKernel } from '../../helpers.js';


// Swagger UI under the plugin's content security policy, in a real browser: the only proof
// that the policy lets it work. Needs Debian's chromium (`apt-get install chromium`);
// without it this suite is skipped, and the header tests still run.
describe.skipIf(!hasChromium)('security headers with Swagger UI in Chromium (skipped: /usr/bin/chromium is not installed)', () => {
  let browser: Browser;
  const kernels: Kernel[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    for (const kernel of kernels) await kernel.close();
  });

  /**
   * Serves the fixture with openapiDocs() and securityHeaders(options) over HTTP, opens
   * /docs/, waits for every operation, runs "Try it out → Execute" on GET /hello, and
   * returns the CSP violations seen (events and console messages) and the page's CSP.
   */
  async function violationsUnder(options?: SecurityHeadersOptions, opts: { execute: boolean } = { execute: true }) {
    const kernel = await fixtureKernel({ plugins: [openapiDocs(), securityHeaders(options)] });
    kernels.push(kernel);
    const { url } = await kernel.listen({ port: 0 });
    const context = await browser.newContext();
    const page = await context.newPage();
    const console: string[] = [];
    const errors: string[] = [];
    page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => errors.push(error.message));
    // Registered before any script of the page runs, so no violation is missed.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
    });
    const response = await page.goto(`${url}/docs/`);
    const policy = response?.headers()['content-security-policy'];
    let rendered = true;
    try {
      await page.locator('.opblock').first().waitFor({ timeout: opts.execute ? 30_000 : 5_000 });
      const operations = Object.values(kernel.document.paths ?? {}).flatMap((item) => Object.keys(item as object).filter((k) => k !== 'parameters'));
      await expect.poll(() => page.locator('.opblock').count()).toBe(operations.length);
    } catch {
      rendered = false;
    }
    let executed: number | undefined;
    if (rendered && opts.execute) {
      const operation = page.locator('#operations-default-hello');
      await operation.locator('button.opblock-summary-control').click();
      await operation.locator('button.try-out__btn').click();
      const answered = page.waitForResponse((res) => new URL(res.url()).pathname === '/hello');
      await operation.locator('button.execute').click();
      executed = (await answered).status();
      await expect.poll(() => operation.locator('.live-responses-table tr.response td.response-col_status').innerText()).toBe('200');
    }
    // Let late work (fonts, images of the rendered operations) settle.
    await page.waitForTimeout(300);
    const events = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    const consoleViolations = console.filter((line) => /Content Security Policy/i.test(line));
    await context.close();
    return { policy, rendered, executed, events, consoleViolations, console, errors };
  }

  it('Swagger UI renders and runs "Try it out" under the default policy, with no CSP violation', async () => {
    const seen = await violationsUnder();
    expect(seen.policy).toBe(
      "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
    );
    expect(seen.rendered).toBe(true);
    expect(seen.executed).toBe(200);
    expect(seen.events).toEqual([]);
    expect(seen.consoleViolations).toEqual([]);
    expect(seen.console.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(seen.errors).toEqual([]);
  }, 90_000);

  // Each relaxation of the default policy is needed: without it, Swagger UI breaks the policy.
  it.each([
    ['style-src none', { styleSrc: ["'none'"] }, "style-src 'none'", 'style-src-elem http://127.0.0.1:'],
    ["style-src without 'unsafe-inline'", { styleSrc: ["'self'"] }, "style-src 'self';", 'style-src-attr inline'],
    ['img-src without data:', { imgSrc: ["'self'"] }, "img-src 'self';", 'img-src data'],
  ])('sees the violations of a policy too strict for Swagger UI: %s (the test can fail)', async (_name, directives, header, violation) => {
    const seen = await violationsUnder({ contentSecurityPolicy: { directives } }, { execute: false });
    expect(seen.policy).toContain(header);
    expect(seen.events.some((event) => event.startsWith(violation)), seen.events.join('\n')).toBe(true);
    expect(seen.consoleViolations.length).toBeGreaterThan(0);
  }, 90_000);
});
