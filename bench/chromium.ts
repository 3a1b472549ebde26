/**
 * The headless Chromium that the dashboard benchmark and the browser tests drive:
 * Debian's chromium through playwright-core. This machine has no internet, so every
 * background connection Chromium would make is switched off.
 */
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const HEADLESS_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright gives every launch a fresh temporary profile; it is loaded only when a browser is wanted. */
export async function launchHeadlessChromium(extraFlags: readonly string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...HEADLESS_FLAGS, ...extraFlags] });
}
