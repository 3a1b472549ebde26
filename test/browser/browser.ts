/**
 * Headless Chromium for the dashboard tests and benchmark: Debian's chromium driven by
 * playwright-core. Missing chromium fails under CI (which installs it) and otherwise
 * skips with the install line. The dashboard is built once per run with web/build.mjs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchHeadlessChromium } from '../../bench/chromium.js';

export { CHROMIUM_PATH };
const INSTALL_HINT = 'apt-get install -y chromium';
const REPO = path.resolve(import.meta.dirname, '../..');

/** True when chromium is there; throws under CI when it is not; otherwise warns and returns false. */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`chromium is required for the browser tests at ${CHROMIUM_PATH} (${INSTALL_HINT})`);
  console.warn(`skipping browser tests: chromium not found at ${CHROMIUM_PATH} (${INSTALL_HINT})`);
  return false;
}

export function buildDashboard(): void {
  execFileSync(process.execPath, [path.join(REPO, 'web/build.mjs')], { cwd: REPO, stdio: 'pipe' });
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await launchHeadlessChromium(['--autoplay-policy=no-user-gesture-required']);
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
