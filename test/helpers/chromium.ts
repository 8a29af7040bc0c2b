/**
 * Debian's Chromium for the tests that need a real browser (Swagger UI, its content
 * security policy). Without `/usr/bin/chromium` those suites are skipped (`.ci/run`
 * installs it); playwright-core drives it, no browser download.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser suites can run here. */
export const hasChromium = existsSync(CHROMIUM);

/** Headless, sandbox-less (root in a container), nothing fetched from the network by the browser itself. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts a headless Chromium; close it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
